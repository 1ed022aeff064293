import { rmSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";
import { afterAll, describe, expect, it } from "vitest";
import { migrateSqlite } from "../../../src/db/migrate.js";
import { openSqlite, SqliteSql } from "../../../src/db/sqlite.js";
import { PostgresSearchIndex } from "../../../src/knowledge/search/postgres.js";
import { semanticFunctionDdl, vectorTableDdl } from "../../../src/knowledge/search/postgres-schema.js";
import { SqliteSearchIndex } from "../../../src/knowledge/search/sqlite.js";
import { knowledgeIndexMigrations } from "../../../src/knowledge/search/sqlite-schema.js";
import { Sealer } from "../../../src/lib/sealing.js";
import { LocalKeyStore } from "../../../src/storage/key-store.js";
import { tempDir } from "../../support/db.js";

/** An index written by the previous version (FTS5 and vec0 on SQLite; SQL BM25 columns on PostgreSQL) keeps working. */
const scope = { accountId: "acct_old", knowledgeBaseId: "kb_old" };
const texts = ["Lighthouses guide ships past the reef", "Tea grows on the hills of Darjeeling", "Ships carry tea"];
const vec = (axis: number) => Float32Array.from({ length: 8 }, (_, i) => (i === axis ? 1 : 0.05));

async function searchAll(index: SqliteSearchIndex | PostgresSearchIndex) {
  const q = { ...scope, topK: 5 };
  return {
    keyword: (await index.search({ ...q, text: "ships", mode: "keyword" })).map((h) => h.chunkId).sort(),
    semantic: (await index.search({ ...q, text: "", vector: vec(1), mode: "semantic" })).map((h) => h.chunkId)[0],
    hybrid: (await index.search({ ...q, text: "darjeeling tea", vector: vec(1), mode: "hybrid" })).map(
      (h) => h.chunkId,
    )[0],
  };
}

describe("an index from before per-knowledge-base postings is upgraded when opened", () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("SQLite: chunks indexed by FTS5 and vec0 are found in every mode, and the vec0 copies are dropped", async () => {
    const db = openSqlite(`${dir}/old.db`);
    migrateSqlite(db, [{ ...knowledgeIndexMigrations, migrations: knowledgeIndexMigrations.migrations.slice(0, 1) }]);
    // What the previous adapter wrote: chunk rows, their FTS5 entries, and a vec0 table for the vector size.
    db.exec(`CREATE VIRTUAL TABLE knowledge_vec_8 USING vec0(account_id TEXT PARTITION KEY,
      knowledge_base_id TEXT PARTITION KEY, embedding FLOAT[8] distance_metric=cosine, chunk_size=128)`);
    // A sign-bit vec0 copy, as an interim version kept beside it.
    db.exec(`CREATE VIRTUAL TABLE knowledge_vbit_8 USING vec0(account_id TEXT PARTITION KEY,
      knowledge_base_id TEXT PARTITION KEY, embedding BIT[8], chunk_size=128)`);
    texts.forEach((text, i) => {
      const { lastInsertRowid } = db
        .prepare(
          `INSERT INTO knowledge_chunks (account_id, knowledge_base_id, document_id, chunk_id, position, text, dimensions)
           VALUES (?, ?, 'doc_old', ?, ?, ?, 8)`,
        )
        .run(scope.accountId, scope.knowledgeBaseId, `c${i}`, i, text);
      db.prepare("INSERT INTO knowledge_fts (rowid, text, heading) VALUES (?, ?, NULL)").run(lastInsertRowid, text);
      db.prepare(
        "INSERT INTO knowledge_vec_8 (rowid, account_id, knowledge_base_id, embedding) VALUES (?, ?, ?, ?)",
      ).run(BigInt(lastInsertRowid), scope.accountId, scope.knowledgeBaseId, Buffer.from(vec(i).buffer));
    });
    migrateSqlite(db, [knowledgeIndexMigrations]);
    const index = new SqliteSearchIndex(new SqliteSql(db));
    expect(await searchAll(index)).toEqual({ keyword: ["c0", "c2"], semantic: "c1", hybrid: "c1" });
    const left = db.prepare(
      "SELECT name FROM sqlite_schema WHERE name GLOB 'knowledge_v*_[0-9]*' OR name GLOB 'knowledge_fts*'",
    );
    expect(left.all()).toEqual([]);
    // The upgraded knowledge base takes new chunks and deletions like any other.
    await index.addChunks(scope, [
      { id: "c3", documentId: "doc_new", position: 0, text: "More ships", vector: vec(3) },
    ]);
    expect(await index.deleteDocument(scope, "doc_old")).toBe(3);
    expect((await index.search({ ...scope, text: "ships", mode: "keyword", topK: 5 })).map((h) => h.chunkId)).toEqual([
      "c3",
    ]);
    db.close();
  });

  it("PostgreSQL: chunks stored with SQL BM25 columns get postings, and the old columns go", async () => {
    const pg = await PGlite.create({ extensions: { vector } });
    try {
      // What the previous adapter had: the chunk table with its tsvector columns, and a pgvector table.
      await pg.exec(`CREATE EXTENSION IF NOT EXISTS vector;
        CREATE TABLE knowledge_chunks (pk BIGSERIAL PRIMARY KEY, account_id TEXT NOT NULL,
        knowledge_base_id TEXT NOT NULL, document_id TEXT NOT NULL, chunk_id TEXT NOT NULL, position INTEGER NOT NULL,
        page INTEGER, heading TEXT, metadata JSONB, text TEXT NOT NULL, tsv TSVECTOR NOT NULL, tf JSONB NOT NULL,
        len INTEGER NOT NULL, dimensions INTEGER NOT NULL, UNIQUE (account_id, knowledge_base_id, chunk_id));
        CREATE INDEX knowledge_chunks_document ON knowledge_chunks (account_id, knowledge_base_id, document_id) INCLUDE (len);
        CREATE INDEX knowledge_chunks_tsv ON knowledge_chunks USING gin (tsv);`);
      await pg.exec(vectorTableDdl(8, `"public"`));
      // Its search function: a fixed hnsw.ef_search of 100, no table-sized one.
      await pg.exec(semanticFunctionDdl(8, `"public"`, true, 100));
      for (const [i, text] of texts.entries()) {
        await pg.query(
          `WITH c AS (INSERT INTO knowledge_chunks (account_id, knowledge_base_id, document_id, chunk_id, position, text,
             dimensions, tsv, tf, len) VALUES ($1, $2, 'doc_old', $3, $4, $5, 8, to_tsvector('english', $5), '{}', 5)
             RETURNING pk)
           INSERT INTO knowledge_vectors_8 (pk, account_id, knowledge_base_id, embedding) SELECT pk, $1, $2, $6::vector FROM c`,
          [scope.accountId, scope.knowledgeBaseId, `c${i}`, i, text, `[${vec(i).join(",")}]`],
        );
      }
      const keyDir = tempDir();
      const keys = new LocalKeyStore(keyDir);
      const index = new PostgresSearchIndex(pg, { keys, vectors: "pgvector" });
      await index.init();
      expect(await searchAll(index)).toEqual({ keyword: ["c0", "c2"], semantic: "c1", hybrid: "c1" });
      // The plain rows are now sealed, with their document's own key.
      const sealed = await pg.query("SELECT DISTINCT document_keyed, text IS NULL AS plain_gone FROM knowledge_chunks");
      expect(sealed.rows).toEqual([{ document_keyed: true, plain_gone: true }]);
      expect(await keys.key("acct_old/kb_old/doc_old")).toHaveLength(32);
      const columns = await pg.query(
        `SELECT column_name FROM information_schema.columns
         WHERE table_name = 'knowledge_chunks' AND column_name IN ('tsv', 'tf', 'len')`,
      );
      expect(columns.rows).toEqual([]);
      await index.addChunks(scope, [
        { id: "c3", documentId: "doc_new", position: 0, text: "More ships", vector: vec(3) },
      ]);
      expect(await index.deleteDocument(scope, "doc_old")).toBe(3);
      expect(await keys.key("acct_old/kb_old/doc_old")).toBeUndefined();
      expect((await index.search({ ...scope, text: "ships", mode: "keyword", topK: 5 })).map((h) => h.chunkId)).toEqual(
        ["c3"],
      );
      rmSync(keyDir, { recursive: true, force: true });
    } finally {
      await pg.close();
    }
  });

  it("PostgreSQL: text sealed with the knowledge base's key (before documents had keys) is still read", async () => {
    const pg = await PGlite.create({ extensions: { vector } });
    const keyDir = tempDir();
    const keys = new LocalKeyStore(keyDir);
    try {
      const kb = { accountId: "acct_old", knowledgeBaseId: "kb_sealed" };
      const chunk = (id: string, documentId: string, i: number, text: string) => ({
        id,
        documentId,
        position: i,
        text,
        ...(i === 0 ? { heading: `About ${documentId}` } : {}),
        vector: vec(i),
      });
      const old = [
        chunk("a0", "doc_a", 0, "Lighthouses guide ships past the reef"),
        chunk("a1", "doc_a", 1, "Ships carry tea"),
        chunk("b0", "doc_b", 0, "Tea grows on the hills of Darjeeling"),
      ];
      await pg.exec("CREATE EXTENSION IF NOT EXISTS vector");
      const before = new PostgresSearchIndex(pg, { keys, vectors: "pgvector" });
      await before.init();
      await before.addChunks(kb, old);
      // What the previous version stored: every chunk sealed with the knowledge base's key, no column saying which
      // key, and no document keys.
      const baseKey = (await keys.key("acct_old/kb_sealed"))!;
      for (const c of old) {
        await pg.query("UPDATE knowledge_chunks SET sealed = $2 WHERE chunk_id = $1", [
          c.id,
          new Sealer(baseKey).seal(JSON.stringify([c.text, c.heading ?? null])),
        ]);
      }
      await pg.exec("ALTER TABLE knowledge_chunks DROP COLUMN document_keyed");
      await keys.destroyPrefix("acct_old/kb_sealed");

      // The new version starts over that data.
      const index = new PostgresSearchIndex(pg, { keys, vectors: "pgvector" });
      await index.init();
      const found = async (text: string) =>
        (await index.search({ ...kb, text, mode: "keyword", topK: 5 })).map((h) => [h.chunkId, h.text, h.heading]);
      expect(await found("darjeeling")).toEqual([["b0", old[2]!.text, "About doc_b"]]);
      expect((await found("ships")).map((h) => h[0]).sort()).toEqual(["a0", "a1"]);
      // New chunks of an old document get the document's key; old and new rows of it are read side by side.
      await index.addChunks(kb, [chunk("b1", "doc_b", 1, "Darjeeling tea is picked by hand")]);
      const flags = await pg.query("SELECT chunk_id, document_keyed FROM knowledge_chunks ORDER BY chunk_id");
      expect(flags.rows.map((r) => Object.values(r as object))).toEqual([
        ["a0", false],
        ["a1", false],
        ["b0", false],
        ["b1", true],
      ]);
      expect((await found("darjeeling")).map((h) => h[0]).sort()).toEqual(["b0", "b1"]);
      // An old document is deleted like any other; the rest of the knowledge base stays readable.
      expect(await index.deleteDocument(kb, "doc_a")).toBe(2);
      expect(await found("ships")).toEqual([]);
      expect((await found("tea")).map((h) => h[0]).sort()).toEqual(["b0", "b1"]);
      // Deleting the knowledge base destroys its key and every document key under it.
      await index.deleteKnowledgeBase(kb);
      expect(await keys.key("acct_old/kb_sealed")).toBeUndefined();
      expect(await keys.key("acct_old/kb_sealed/doc_b")).toBeUndefined();
    } finally {
      await pg.close();
      rmSync(keyDir, { recursive: true, force: true });
    }
  });
});
