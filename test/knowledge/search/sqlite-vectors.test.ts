import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqliteSql } from "../../../src/db/sqlite.js";
import type { IndexedChunk } from "../../../src/knowledge/search/search-index.js";
import { SqliteSearchIndex } from "../../../src/knowledge/search/sqlite.js";
import { knowledgeIndexMigrations } from "../../../src/knowledge/search/sqlite-schema.js";
import { freshDatabase, type TestDatabase } from "../../support/db.js";
import { cosine } from "../embedders/fake-vectors.js";

/** mulberry32: the same vectors on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Vectors around a few centres (topics), as real embeddings cluster; not normalised, as callers may send them. */
function clustered(count: number, dims: number, seed: number): Float32Array[] {
  const random = rng(seed);
  const centres = Array.from({ length: 20 }, () => Float32Array.from({ length: dims }, () => random() * 2 - 1));
  return Array.from({ length: count }, () => {
    const c = centres[Math.floor(random() * centres.length)]!;
    return Float32Array.from(c, (x) => (x + (random() - 0.5) * 0.9) * (1 + random()));
  });
}

const chunksOf = (vectors: Float32Array[], prefix: string): IndexedChunk[] =>
  vectors.map((vector, i) => ({ id: `${prefix}${i}`, documentId: `doc_${i % 50}`, position: i, text: "x", vector }));

/** Exact top-k by cosine, as chunk ids. */
function exact(vectors: Float32Array[], query: Float32Array, k: number, prefix: string): string[] {
  return vectors
    .map((v, i) => ({ id: `${prefix}${i}`, score: cosine(v, query) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((x) => x.id);
}

describe("SQLite vector search (sign-bit sketches re-ranked by exact cosine)", () => {
  let t: TestDatabase;
  let index: SqliteSearchIndex;
  const small = { accountId: "acct_vec", knowledgeBaseId: "kb_small" };
  const large = { accountId: "acct_vec", knowledgeBaseId: "kb_large" };
  const smallVectors = clustered(500, 48, 1);
  const largeVectors = clustered(6000, 64, 2);
  /** Queries near stored vectors (a question near the passages that answer it), not copies of them. */
  const near = (stored: Float32Array[], seed: number) => {
    const random = rng(seed);
    return Array.from({ length: 25 }, () => {
      const v = stored[Math.floor(random() * stored.length)]!;
      return Float32Array.from(v, (x) => x + (random() - 0.5) * 0.6);
    });
  };

  beforeAll(async () => {
    t = await freshDatabase("sqlite", [knowledgeIndexMigrations]);
    index = new SqliteSearchIndex(t.db.sql as SqliteSql);
    await index.addChunks(small, chunksOf(smallVectors, "s"));
    for (let i = 0; i < largeVectors.length; i += 1000) {
      await index.addChunks(
        large,
        chunksOf(largeVectors.slice(i, i + 1000), `l`).map((c, j) => ({ ...c, id: `l${i + j}` })),
      );
    }
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("is exact, order and scores, when the knowledge base is no larger than the candidate set", async () => {
    for (const q of clustered(25, 48, 3)) {
      const hits = await index.search({ ...small, text: "", vector: q, mode: "semantic", topK: 10 });
      expect(hits.map((h) => h.chunkId)).toEqual(exact(smallVectors, q, 10, "s"));
      for (const h of hits) expect(h.score).toBeCloseTo(cosine(smallVectors[Number(h.chunkId.slice(1))]!, q), 5);
    }
  });

  it("finds nearly every true neighbour in a knowledge base twenty times the candidate set", async () => {
    let found = 0;
    const qs = near(largeVectors, 4);
    for (const q of qs) {
      const hits = await index.search({ ...large, text: "", vector: q, mode: "semantic", topK: 10 });
      const truth = new Set(exact(largeVectors, q, 10, "l"));
      found += hits.filter((h) => truth.has(h.chunkId)).length;
    }
    expect(found / (10 * qs.length)).toBeGreaterThanOrEqual(0.95);
  });

  it("compares only vectors of the query's size", async () => {
    const mixed = { accountId: "acct_vec", knowledgeBaseId: "kb_mixed" };
    await index.addChunks(mixed, chunksOf(clustered(30, 8, 5), "e"));
    await index.addChunks(mixed, chunksOf(clustered(30, 16, 6), "f"));
    const hits = await index.search({
      ...mixed,
      text: "",
      vector: clustered(1, 16, 7)[0]!,
      mode: "semantic",
      topK: 50,
    });
    expect(hits).toHaveLength(30);
    expect(hits.every((h) => h.chunkId.startsWith("f"))).toBe(true);
  });
});
