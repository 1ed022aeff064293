import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresSql } from "../../../src/db/postgres.js";
import { PostgresSearchIndex } from "../../../src/knowledge/search/postgres.js";
import type { IndexedChunk, IndexScope } from "../../../src/knowledge/search/search-index.js";
import { knowledgeIndexMigrations } from "../../../src/knowledge/search/sqlite-schema.js";
import { LocalKeyStore } from "../../../src/storage/key-store.js";
import { freshDatabase, type TestDatabase } from "../../support/db.js";

/**
 * Several API processes and workers write to one knowledge base at once on PostgreSQL: its postings blocks and
 * totals must end up exactly as if the writes had come one after another.
 */
const v = Float32Array.of(1, 0, 0, 0);
const batch = (tag: string, n: number): IndexedChunk[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${tag}_${i}`,
    documentId: `doc_${tag}`,
    position: i,
    text: `lantern ${i % 3 === 0 ? "lantern " : ""}harbour ${tag} note ${i}`,
    vector: v,
  }));

describe("PostgreSQL keyword index under concurrent writes", () => {
  let t: TestDatabase;
  let index: PostgresSearchIndex;

  beforeAll(async () => {
    t = await freshDatabase("postgres", [knowledgeIndexMigrations]);
    index = new PostgresSearchIndex((t.db.sql as PostgresSql).pool, {
      keys: new LocalKeyStore(path.join(t.dataDir, "keys")),
      vectors: "exact", // keywords are what races here; never create pgvector on the shared server
    });
    await index.init();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const scores = async (scope: IndexScope) =>
    (await index.search({ ...scope, text: "lantern harbour", mode: "keyword", topK: 1000 }))
      .map((h) => `${h.chunkId} ${h.score}`)
      .sort();

  it("concurrent additions and deletions leave the postings a sequential history would", async () => {
    const racing = { accountId: "acct_race", knowledgeBaseId: "kb_race" };
    const sequential = { accountId: "acct_race", knowledgeBaseId: "kb_seq" };
    const tags = ["a", "b", "c", "d", "e", "f"];
    await index.addChunks(racing, batch("z", 30));
    await Promise.all([
      ...tags.map((tag) => index.addChunks(racing, batch(tag, 40))),
      index.deleteDocument(racing, "doc_z"),
      index.addChunks({ accountId: "acct_race", knowledgeBaseId: "kb_other" }, batch("o", 40)),
    ]);
    for (const tag of tags) await index.addChunks(sequential, batch(tag, 40));
    const expected = await scores(sequential);
    expect(expected).toHaveLength(240);
    expect(await scores(racing)).toEqual(expected);
  });

  it("a document deleted by one process while another writes it again: what remains of it is always readable", async () => {
    // Another process: same database and key folder, its own cache of keys.
    const other = new PostgresSearchIndex((t.db.sql as PostgresSql).pool, {
      keys: new LocalKeyStore(path.join(t.dataDir, "keys")),
      vectors: "exact",
    });
    await other.init();
    const scope = { accountId: "acct_race", knowledgeBaseId: "kb_doc" };
    const outcomes = new Set<number>();
    for (let round = 0; round < 8; round++) {
      const tag = `r${round}`;
      await index.addChunks(scope, batch(tag, 5));
      // Both processes have read the document (and cached its key).
      const filter = { documentIds: [`doc_${tag}`] };
      const find = (by: PostgresSearchIndex) =>
        by.search({ ...scope, text: `harbour ${tag}`, mode: "keyword", topK: 100, filter });
      expect(await find(other)).toHaveLength(5);
      const again = batch(tag, 5).map((c) => ({ ...c, id: `${c.id}_again` }));
      await Promise.all([other.deleteDocument(scope, `doc_${tag}`), index.addChunks(scope, again)]);
      const rows = await t.db.sql.all<{ n: number }>(
        "SELECT count(*)::int AS n FROM knowledge_chunks WHERE account_id = ? AND knowledge_base_id = ? AND document_id = ?",
        [scope.accountId, scope.knowledgeBaseId, `doc_${tag}`],
      );
      const n = rows[0]!.n;
      outcomes.add(n);
      // Deleted after the write (nothing left) or written after the delete (the new chunks, under a new key): every
      // chunk left opens, in both processes.
      expect([0, 5]).toContain(n);
      for (const by of [index, other]) {
        const hits = await find(by);
        expect(hits).toHaveLength(n);
        for (const h of hits) expect(h.text).toContain(`harbour ${tag} note`);
      }
    }
    console.info(`chunks left after each race: ${[...outcomes].join(", ")}`);
  });
});
