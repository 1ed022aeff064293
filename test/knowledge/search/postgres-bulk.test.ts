import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresSql } from "../../../src/db/postgres.js";
import { PostgresSearchIndex } from "../../../src/knowledge/search/postgres.js";
import type { IndexedChunk } from "../../../src/knowledge/search/search-index.js";
import { knowledgeIndexMigrations } from "../../../src/knowledge/search/sqlite-schema.js";
import { LocalKeyStore } from "../../../src/storage/key-store.js";
import { freshDatabase, type TestDatabase, tempDir } from "../../support/db.js";

/** A bulk load on native pgvector puts its rows in first and builds the shared HNSW index after them. */
const v = (axis: number) => Float32Array.from({ length: 8 }, (_, i) => (i === axis % 8 ? 1 : 0.05));
const chunks = (tag: string, n: number): IndexedChunk[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${tag}_${i}`,
    documentId: `doc_${tag}`,
    position: i,
    text: `${tag} note ${i}`,
    vector: v(i),
  }));

describe("PostgreSQL bulk loads", () => {
  let t: TestDatabase;
  let index: PostgresSearchIndex;
  const hnsw = async () =>
    (
      await (t.db.sql as PostgresSql).pool.query(
        "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('knowledge_vectors_8_hnsw')",
      )
    ).rows;

  beforeAll(async () => {
    t = await freshDatabase("postgres", [knowledgeIndexMigrations]);
    index = new PostgresSearchIndex((t.db.sql as PostgresSql).pool, {
      keys: new LocalKeyStore(tempDir()),
      bulkBuild: { minChunks: 40 },
    });
    await index.init();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("a large load goes in without the HNSW index and leaves a valid one that search uses", async () => {
    const scope = { accountId: "acct_bulk", knowledgeBaseId: "kb_big" };
    await index.addChunks({ accountId: "acct_other", knowledgeBaseId: "kb_small" }, chunks("other", 3));
    const during = await index.bulkLoad({ chunks: 80, dimensions: 8 }, async () => {
      await index.addChunks(scope, chunks("big", 40));
      await index.addChunks(scope, chunks("big2", 40));
      return hnsw();
    });
    expect(during).toEqual([]);
    expect(await hnsw()).toEqual([{ valid: true }]);
    const hits = await index.search({ ...scope, text: "", vector: v(3), mode: "semantic", topK: 200 });
    expect(hits).toHaveLength(80);
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    const other = await index.search({
      accountId: "acct_other",
      knowledgeBaseId: "kb_small",
      text: "",
      vector: v(1),
      mode: "semantic",
      topK: 10,
    });
    expect(other.map((h) => h.chunkId)).toEqual(["other_1", "other_0", "other_2"]);
  });

  it("a small load goes through the live index", async () => {
    const scope = { accountId: "acct_bulk", knowledgeBaseId: "kb_more" };
    const small = await index.bulkLoad({ chunks: 10, dimensions: 8 }, async () => {
      await index.addChunks(scope, chunks("s", 10));
      return hnsw();
    });
    expect(small).toEqual([{ valid: true }]);
  });

  it("a load that fails still leaves the index built", async () => {
    const scope = { accountId: "acct_bulk", knowledgeBaseId: "kb_fail" };
    await expect(
      index.bulkLoad({ chunks: 5000, dimensions: 8 }, async () => {
        await index.addChunks(scope, chunks("f", 5));
        throw new Error("embedder went away");
      }),
    ).rejects.toThrow("embedder went away");
    expect(await hnsw()).toEqual([{ valid: true }]);
  });
});
