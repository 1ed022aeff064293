import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purgeSqliteFreePages, type SqliteSql } from "../../../src/db/sqlite.js";
import type { IndexedChunk } from "../../../src/knowledge/search/search-index.js";
import { SKETCH_BITS, sketchOf } from "../../../src/knowledge/search/sketch.js";
import { SqliteSearchIndex } from "../../../src/knowledge/search/sqlite.js";
import { knowledgeIndexMigrations } from "../../../src/knowledge/search/sqlite-schema.js";
import { freshDatabase, type TestDatabase } from "../../support/db.js";

const SECRET_WORD = "Zanzibarquokkafrobnicating";
const SECRET_HEADING = "Vexillologicalmarmalade";
const DIMS = 64;

/** A vector no other chunk has, with mixed signs so its sign-bit copy is a distinctive pattern too. */
const secretVector = Float32Array.from(
  { length: DIMS },
  (_, i) => (((i * 7919) % 13) - 6) * 0.01 + i * 0.0013 + 0.0005,
);
const fillerVector = (i: number) => Float32Array.from({ length: DIMS }, (_, j) => Math.sin(i * 31 + j));

function filesOf(db: string): Buffer[] {
  return [db, `${db}-wal`, `${db}-shm`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
}

function occurs(files: Buffer[], needle: string | Buffer): boolean {
  return files.some((b) => b.includes(needle));
}

describe("SQLite knowledge index: a deleted chunk leaves nothing on disk", () => {
  let t: TestDatabase;
  let sql: SqliteSql;
  let index: SqliteSearchIndex;
  let file: string;
  const scope = { accountId: "acct_erase", knowledgeBaseId: "kb_erase" };
  const vectorBytes = Buffer.from(secretVector.buffer).subarray(0, 64);
  const bitBytes = Buffer.from(sketchOf(secretVector).buffer);

  beforeAll(async () => {
    t = await freshDatabase("sqlite", [knowledgeIndexMigrations]);
    if (t.db.dialect !== "sqlite") throw new Error("expected SQLite");
    sql = t.db.sql;
    file = t.db.file;
    index = new SqliteSearchIndex(sql);
    // Neighbours on the same pages, so erasure must happen inside pages that stay in use.
    const filler: IndexedChunk[] = Array.from({ length: 400 }, (_, i) => ({
      id: `chk_fill_${i}`,
      documentId: `doc_fill_${i % 20}`,
      position: i,
      text: `Filler passage ${i} about harbours, lighthouses and the weather on the coast near town ${i % 37}.`,
      vector: fillerVector(i),
    }));
    await index.addChunks(scope, filler.slice(0, 200));
    await index.addChunks(scope, [
      {
        id: "chk_secret",
        documentId: "doc_secret",
        position: 0,
        heading: SECRET_HEADING,
        text: `The password hint is ${SECRET_WORD} and nothing else.`,
        metadata: { codename: "Ultramarinewombat" },
        vector: secretVector,
      },
    ]);
    await index.addChunks(scope, filler.slice(200));
  });
  afterAll(async () => {
    await t.cleanup();
  });

  function stemmedTerms(): string[] {
    return (
      sql.db
        .prepare(
          `SELECT term FROM (SELECT term FROM knowledge_postings UNION SELECT term FROM knowledge_fresh_postings)
           WHERE term LIKE 'zanzibar%' OR term LIKE 'vexillo%'`,
        )
        .all() as { term: string }[]
    ).map((r) => r.term);
  }

  it("is on disk (text, stemmed terms, vector and its sign bits) before the delete — the scan can see it", async () => {
    purgeSqliteFreePages(sql.db);
    const terms = stemmedTerms();
    expect(terms.sort()).toEqual(["vexillologicalmarmalad", "zanzibarquokkafrobn"]);
    const files = filesOf(file);
    expect(occurs(files, SECRET_WORD)).toBe(true);
    expect(occurs(files, "zanzibarquokkafrobn")).toBe(true);
    expect(occurs(files, "vexillologicalmarmalad")).toBe(true);
    expect(occurs(files, vectorBytes)).toBe(true);
    expect(bitBytes.length).toBe(SKETCH_BITS / 8);
    expect(occurs(files, bitBytes)).toBe(true);
  });

  it("is nowhere in the database, WAL or shared-memory file after delete and checkpoint", async () => {
    expect(await index.deleteDocument(scope, "doc_secret")).toBe(1);
    purgeSqliteFreePages(sql.db);
    expect(stemmedTerms()).toEqual([]);
    const files = filesOf(file);
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const needle of [
      SECRET_WORD,
      SECRET_WORD.toLowerCase(),
      "zanzibarquokkafrobn",
      SECRET_HEADING,
      "vexillologicalmarmalad",
      "Ultramarinewombat",
    ]) {
      expect(occurs(files, needle), needle).toBe(false);
    }
    expect(occurs(files, vectorBytes)).toBe(false);
    expect(occurs(files, bitBytes)).toBe(false);
    // The neighbours are intact.
    const hits = await index.search({ ...scope, text: "lighthouses", mode: "keyword", topK: 500 });
    expect(hits).toHaveLength(400);
  });

  it("leaves no postings, statistics or words behind when the whole knowledge base is deleted", async () => {
    await index.addChunks(scope, [
      { id: "chk_again", documentId: "doc_again", position: 0, text: `Again ${SECRET_WORD}.`, vector: secretVector },
    ]);
    expect(stemmedTerms()).toEqual(["zanzibarquokkafrobn"]);
    expect(await index.deleteKnowledgeBase(scope)).toBe(401);
    purgeSqliteFreePages(sql.db);
    const count = (table: string) => (sql.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    for (const table of [
      "knowledge_postings",
      "knowledge_fresh_postings",
      "knowledge_index_bases",
      "knowledge_vectors",
      "knowledge_sketches",
    ]) {
      expect(count(table), table).toBe(0);
    }
    const files = filesOf(file);
    for (const needle of [SECRET_WORD, "zanzibarquokkafrobn", "lighthous", vectorBytes, bitBytes]) {
      expect(occurs(files, needle)).toBe(false);
    }
  });
});
