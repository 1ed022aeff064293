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
});
