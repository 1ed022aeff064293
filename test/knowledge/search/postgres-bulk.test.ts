import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresSql } from "../../../src/db/postgres.js";
import { PostgresSearchIndex } from "../../../src/knowledge/search/postgres.js";
import type { IndexedChunk } from "../../../src/knowledge/search/search-index.js";
import { knowledgeIndexMigrations } from "../../../src/knowledge/search/sqlite-schema.js";
import { LocalKeyStore } from "../../../src/storage/key-store.js";
import { freshDatabase, type TestDatabase, tempDir } from "../../support/db.js";
import { chunks, v } from "./bulk-fixtures.js";

/** A bulk load on native pgvector puts its rows in first and builds the shared HNSW index after them. */

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
    // The build's parallel workers were the table's setting for the build only: searches' plans are left as they were.
    const options = await (t.db.sql as PostgresSql).pool.query(
      "SELECT reloptions FROM pg_class WHERE oid = to_regclass('knowledge_vectors_8')",
    );
    expect(options.rows).toEqual([{ reloptions: null }]);
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

  it("a bulk load into a knowledge base that has chunks replaces the ones it re-adds, and searches see it as it goes", async () => {
    const scope = { accountId: "acct_bulk", knowledgeBaseId: "kb_reload" };
    const old = chunks("r", 30).map((c) => ({ ...c, text: `${c.text} lighthouse` }));
    await index.addChunks(scope, old);
    const fresh = chunks("r", 20).map((c) => ({ ...c, text: `${c.text} windmill`, vector: v(c.position + 1) }));
    const seen = await index.bulkLoad({ chunks: 60, dimensions: 8 }, async () => {
      await index.addChunks(scope, fresh.slice(0, 10));
      // Mid-load: the HNSW index is gone, the first batch is searchable by both words and vectors (a load whose words
      // wait for its end is `wordsAtEnd`: postgres-bulk-postings.test.ts).
      const mid = {
        index: await hnsw(),
        windmill: (await index.search({ ...scope, text: "windmill", mode: "keyword", topK: 50 })).map((h) => h.chunkId),
        lighthouse: (await index.search({ ...scope, text: "lighthouse", mode: "keyword", topK: 50 })).length,
        semantic: await index.search({ ...scope, text: "", vector: v(1), mode: "semantic", topK: 100 }),
      };
      await index.addChunks(scope, fresh.slice(10));
      return mid;
    });
    expect(seen.index).toEqual([]);
    expect(seen.windmill.sort()).toEqual(
      fresh
        .slice(0, 10)
        .map((c) => c.id)
        .sort(),
    );
    expect(seen.lighthouse).toBe(20);
    // Every chunk id once; the re-added ones with their new text and vector.
    expect(seen.semantic).toHaveLength(30);
    expect(seen.semantic.find((h) => h.chunkId === "r_0")).toMatchObject({ text: "r note 0 windmill" });
    expect(seen.semantic.find((h) => h.chunkId === "r_0")!.similarity).toBeCloseTo(1, 5);
    expect(seen.semantic.find((h) => h.chunkId === "r_1")!.similarity).toBeLessThan(0.5);
    expect(await hnsw()).toEqual([{ valid: true }]);
    const windmill = await index.search({ ...scope, text: "windmill", mode: "keyword", topK: 50 });
    expect(windmill.map((h) => h.chunkId).sort()).toEqual(fresh.map((c) => c.id).sort());
    const lighthouse = await index.search({ ...scope, text: "lighthouse", mode: "keyword", topK: 50 });
    expect(lighthouse.map((h) => h.chunkId).sort()).toEqual(
      old
        .slice(20)
        .map((c) => c.id)
        .sort(),
    );
    // Each chunk id once, with its new text and vector.
    const all = await index.search({ ...scope, text: "", vector: v(5), mode: "semantic", topK: 100 });
    expect(all).toHaveLength(30);
    expect(all.find((h) => h.chunkId === "r_4")).toMatchObject({ text: "r note 4 windmill" });
    expect(all[0]!.score).toBeCloseTo(1, 5);
  });

  it("one write of vectors of two sizes keeps every chunk's words and vector its own", async () => {
    const scope = { accountId: "acct_bulk", knowledgeBaseId: "kb_sizes" };
    const words = ["amber", "birch", "cedar", "delta", "ember", "fjord"];
    const mixed: IndexedChunk[] = words.map((w, i) => ({
      id: `m_${i}`,
      documentId: "doc_m",
      position: i,
      text: `${w} ${"filler ".repeat(i)}`,
      vector: i % 2 ? v(i) : Float32Array.from({ length: 4 }, (_, j) => (j === i % 4 ? 1 : 0.05)),
    }));
    await index.addChunks(scope, mixed);
    for (const [i, w] of words.entries()) {
      const hits = await index.search({ ...scope, text: w, mode: "keyword", topK: 5 });
      expect(hits.map((h) => [h.chunkId, h.text])).toEqual([[`m_${i}`, mixed[i]!.text]]);
    }
    const wide = await index.search({ ...scope, text: "", vector: v(3), mode: "semantic", topK: 1 });
    expect(wide[0]).toMatchObject({ chunkId: "m_3" });
    const narrow = await index.search({ ...scope, text: "", vector: mixed[2]!.vector, mode: "semantic", topK: 1 });
    expect(narrow[0]).toMatchObject({ chunkId: "m_2" });
  });
});
