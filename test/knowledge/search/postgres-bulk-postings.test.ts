import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresSql } from "../../../src/db/postgres.js";
import { StaleWriteError } from "../../../src/db/sql.js";
import { PostgresSearchIndex } from "../../../src/knowledge/search/postgres.js";
import type { IndexedChunk, IndexScope } from "../../../src/knowledge/search/search-index.js";
import { knowledgeIndexMigrations } from "../../../src/knowledge/search/sqlite-schema.js";
import { LocalKeyStore } from "../../../src/storage/key-store.js";
import { freshDatabase, type TestDatabase, tempDir } from "../../support/db.js";

/**
 * A bulk load writes its keyword postings at its end as whole blocks, where uploads append to each term's last
 * block: the two must give the same index — the same hits with the same BM25 scores, and blocks whose key ranges
 * never overlap (deletion finds a key's block by its first key).
 */
const WORDS = "amber birch cedar delta ember fjord glacier harbor island jungle kelp lagoon meadow".split(" ");
const v = (i: number) => Float32Array.from({ length: 8 }, (_, j) => (j === i % 8 ? 1 : 0.05));
function corpus(tag: string, n: number, from = 0): IndexedChunk[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    // "common" is in every chunk (several blocks of 1,024 postings); the rest repeat with different periods.
    const words = ["common", WORDS[i % 13]!, WORDS[(i * 7) % 13]!, `rare${i % 97}`, i % 5 ? "" : "fifth"];
    return {
      id: `${tag}_${i}`,
      documentId: `doc_${Math.floor(i / 50)}`,
      position: i % 50,
      text: words.join(" "),
      vector: v(i),
    };
  });
}
const QUERIES = ["common", "amber", "cedar fjord", "rare7 fifth", "kelp common meadow", "rare96"];

describe("PostgreSQL bulk loads' keyword postings", () => {
  let t: TestDatabase;
  let index: PostgresSearchIndex;
  /** The same database through a second index: another process, outside the load. */
  let other: PostgresSearchIndex;
  /** A bulk load with a budget small enough to write its postings out several times mid-load. */
  let tight: PostgresSearchIndex;
  const pool = () => (t.db.sql as PostgresSql).pool;

  beforeAll(async () => {
    t = await freshDatabase("postgres", [knowledgeIndexMigrations]);
    const keys = new LocalKeyStore(tempDir());
    index = new PostgresSearchIndex(pool(), { keys, bulkBuild: { minChunks: 40 } });
    other = new PostgresSearchIndex(pool(), { keys, bulkBuild: { minChunks: 40 } });
    tight = new PostgresSearchIndex(pool(), { keys, bulkBuild: { minChunks: 40 }, bulkPostingsMemory: 30_000 });
    await index.init();
    await other.init();
    await tight.init();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  async function upload(scope: IndexScope, chunks: IndexedChunk[], via = index) {
    for (let i = 0; i < chunks.length; i += 400) await via.addChunks(scope, chunks.slice(i, i + 400));
  }
  async function hits(scope: IndexScope, via = index) {
    const out: [string, string, number][] = [];
    for (const text of QUERIES) {
      for (const h of await via.search({ ...scope, text, mode: "keyword", topK: 3000 })) {
        out.push([text, h.chunkId, Number(h.score.toPrecision(12))]);
      }
    }
    return out;
  }
  /** Blocks of one knowledge base whose key range overlaps a later block of the same term. */
  async function overlaps(scope: IndexScope) {
    const rows = await pool().query(
      `SELECT count(*)::int AS n FROM knowledge_postings a JOIN knowledge_postings b
         ON a.kb = b.kb AND a.term = b.term AND a.first_key < b.first_key AND a.last_key >= b.first_key
       JOIN knowledge_index_bases k ON k.kb = a.kb WHERE k.knowledge_base_id = $1`,
      [scope.knowledgeBaseId],
    );
    return rows.rows[0].n as number;
  }
  const scope = (kb: string) => ({ accountId: "acct_bp", knowledgeBaseId: kb });

  it("gives the same hits and BM25 scores as the same chunks uploaded batch by batch", async () => {
    const chunks = corpus("c", 2600);
    await upload(scope("kb_upload"), chunks);
    await index.bulkLoad({ chunks: chunks.length, dimensions: 8, wordsAtEnd: true }, () =>
      upload(scope("kb_bulk"), chunks),
    );
    await tight.bulkLoad({ chunks: chunks.length, dimensions: 8, wordsAtEnd: true }, () =>
      upload(scope("kb_tight"), chunks, tight),
    );
    const expected = await hits(scope("kb_upload"));
    expect(expected.filter(([q]) => q === "common")).toHaveLength(2600);
    expect(await hits(scope("kb_bulk"))).toEqual(expected);
    expect(await hits(scope("kb_tight"))).toEqual(expected);
    for (const kb of ["kb_upload", "kb_bulk", "kb_tight"]) expect(await overlaps(scope(kb))).toBe(0);
  });

  it("a load into a knowledge base that already has chunks, replacing some, equals the uploads", async () => {
    const before = corpus("r", 700);
    const again = corpus("r", 900, 300).map((c) => ({ ...c, text: `${c.text} again` }));
    await upload(scope("kb_r_upload"), before);
    await upload(scope("kb_r_upload"), again);
    await upload(scope("kb_r_bulk"), before);
    await index.bulkLoad({ chunks: again.length, dimensions: 8, wordsAtEnd: true }, async () => {
      await upload(scope("kb_r_bulk"), again.slice(0, 500));
      // Re-added within the load: the first copy's postings, still in memory, must go.
      await upload(scope("kb_r_bulk"), again.slice(100));
    });
    expect(await hits(scope("kb_r_bulk"))).toEqual(await hits(scope("kb_r_upload")));
  });

  it("uploads and deletions by another process during the load leave the same index as without a load", async () => {
    const chunks = corpus("i", 1600);
    const extra = corpus("x", 300, 5000);
    await upload(scope("kb_i_upload"), chunks.slice(0, 800));
    await upload(scope("kb_i_upload"), extra);
    await upload(scope("kb_i_upload"), chunks.slice(800));
    await index.deleteDocument(scope("kb_i_upload"), "doc_3");
    await index.bulkLoad({ chunks: chunks.length, dimensions: 8, wordsAtEnd: true }, async () => {
      await upload(scope("kb_i_bulk"), chunks.slice(0, 800));
      // Another process appends to the knowledge base between the load's batches, and deletes one of its documents.
      await upload(scope("kb_i_bulk"), extra, other);
      await upload(scope("kb_i_bulk"), chunks.slice(800));
      await other.deleteDocument(scope("kb_i_bulk"), "doc_3");
    });
    expect(await hits(scope("kb_i_bulk"))).toEqual(await hits(scope("kb_i_upload")));
    expect(await overlaps(scope("kb_i_bulk"))).toBe(0);
    // Deletion after the load finds every posting of the loaded and the interleaved chunks.
    for (const s of [scope("kb_i_upload"), scope("kb_i_bulk")]) {
      await index.deleteDocument(s, "doc_5");
      await index.deleteDocument(s, "doc_100");
    }
    expect(await hits(scope("kb_i_bulk"))).toEqual(await hits(scope("kb_i_upload")));
    const left = await index.search({ ...scope("kb_i_bulk"), text: "common", mode: "keyword", topK: 5000 });
    expect(left).toHaveLength(1600 + 300 - 150);
  });

  it("flushWords writes one knowledge base's held words mid-load (an upload, before its charge), behind its fence", async () => {
    const chunks = corpus("f", 600);
    await upload(scope("kb_f_upload"), chunks);
    await pool().query("CREATE TABLE IF NOT EXISTS fence_attempts (name TEXT PRIMARY KEY, attempt INTEGER NOT NULL)");
    await pool().query("INSERT INTO fence_attempts (name, attempt) VALUES ('upload_f', 2)");
    const fence = (attempt: number) => ({
      sql: "UPDATE fence_attempts SET attempt = attempt WHERE name = ? AND attempt = ?",
      params: ["upload_f", attempt],
      fence: true,
    });
    const expected = await hits(scope("kb_f_upload"));
    await index.bulkLoad({ chunks: 700, dimensions: 8, wordsAtEnd: true }, async () => {
      await upload(scope("kb_f_bulk"), chunks);
      await upload(scope("kb_f_other"), chunks.slice(0, 100));
      // Held back: found by meaning as they go in, by their words not yet.
      expect(await hits(scope("kb_f_bulk"))).toEqual([]);
      // An attempt taken over cannot write them (the attempt that took over starts the document again).
      await expect(index.flushWords(scope("kb_f_bulk"), fence(1))).rejects.toBeInstanceOf(StaleWriteError);
      expect(await hits(scope("kb_f_bulk"))).toEqual([]);
      await index.flushWords(scope("kb_f_bulk"), fence(2));
      expect(await hits(scope("kb_f_bulk"))).toEqual(expected);
      // Only that knowledge base's: the load's others wait for its end.
      expect(await hits(scope("kb_f_other"))).toEqual([]);
    });
    expect(await hits(scope("kb_f_bulk"))).toEqual(expected);
    expect((await hits(scope("kb_f_other"))).length).toBeGreaterThan(100);
    expect(await overlaps(scope("kb_f_bulk"))).toBe(0);
    // Outside a load there is nothing to write.
    await index.flushWords(scope("kb_f_bulk"), fence(1));
  });

  it("on PGlite too (array parameters sent as text)", async () => {
    const pg = await PGlite.create();
    try {
      const lite = new PostgresSearchIndex(pg, {
        keys: new LocalKeyStore(tempDir()),
        bulkBuild: { minChunks: 40 },
        bulkPostingsMemory: 20_000,
      });
      await lite.init();
      const chunks = corpus("p", 1200);
      await upload(scope("kb_p_upload"), chunks, lite);
      await lite.bulkLoad({ chunks: chunks.length, dimensions: 8, wordsAtEnd: true }, () =>
        upload(scope("kb_p_bulk"), chunks, lite),
      );
      const expected = await hits(scope("kb_p_upload"), lite);
      expect(expected.length).toBeGreaterThan(1200);
      expect(await hits(scope("kb_p_bulk"), lite)).toEqual(expected);
    } finally {
      await pg.close();
    }
  });
});
