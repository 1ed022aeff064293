import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresSql } from "../../../src/db/postgres.js";
import { PostgresSearchIndex } from "../../../src/knowledge/search/postgres.js";
import { knowledgeIndexMigrations } from "../../../src/knowledge/search/sqlite-schema.js";
import { LocalKeyStore } from "../../../src/storage/key-store.js";
import { freshDatabase, type TestDatabase, tempDir } from "../../support/db.js";
import { chunks, v } from "./bulk-fixtures.js";

/**
 * HNSW searches keep more candidates as the shared vector table grows (`hnsw.ef_search`: 100 up to 100,000 rows, one
 * per 1,000 rows beyond, at most 1,000): at a million 512-d rows 100 found 0.62 of the exact top 10 and 1,000 found
 * 0.92, every hit within 0.01 of the exact 10th (docs/benchmarks.md). The table's size is the catalogue's estimate, which ANALYZE writes; here it is written by hand
 * inside a transaction that is rolled back, so that a table of 120 rows can stand for one of millions.
 */
describe("PostgreSQL with pgvector: the search's hnsw.ef_search follows the vector table's size", () => {
  let t: TestDatabase;
  let index: PostgresSearchIndex;
  const scope = { accountId: "acct_ef", knowledgeBaseId: "kb_ef" };
  const pool = () => (t.db.sql as PostgresSql).pool;

  beforeAll(async () => {
    t = await freshDatabase("postgres", [knowledgeIndexMigrations]);
    index = new PostgresSearchIndex(pool(), { keys: new LocalKeyStore(tempDir()) });
    await index.init();
    await index.addChunks(scope, chunks("ef", 120));
  });
  afterAll(async () => {
    await t.cleanup();
  });

  /** The function's value with the table's estimate set to `rows` (undefined: as the server keeps it). */
  async function efFor(rows?: number): Promise<number> {
    const client = await pool().connect();
    try {
      await client.query("BEGIN");
      if (rows !== undefined)
        await client.query("UPDATE pg_class SET reltuples = $1 WHERE oid = to_regclass('knowledge_vectors_8')", [rows]);
      return (await client.query("SELECT knowledge_vectors_8_ef_search() AS ef")).rows[0].ef;
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  }

  it("is 100 for a table of up to 100,000 rows and grows with it to pgvector's limit of 1,000", async () => {
    await pool().query("ANALYZE knowledge_vectors_8");
    expect(await efFor()).toBe(100);
    // Never analyzed (PostgreSQL's -1), then sizes around the bend and beyond the limit.
    expect(await efFor(-1)).toBe(100);
    expect(await efFor(100_000)).toBe(100);
    expect(await efFor(300_000)).toBe(300);
    expect(await efFor(1_000_000)).toBe(1000);
    expect(await efFor(10_000_000)).toBe(1000);
  });

  it("applies inside the search only: a large table's search answers, and the session's setting is left as it was", async () => {
    const client = await pool().connect();
    try {
      await client.query("BEGIN");
      await client.query("UPDATE pg_class SET reltuples = 2000000 WHERE oid = to_regclass('knowledge_vectors_8')");
      await client.query("SET LOCAL hnsw.ef_search = 37");
      const { rows } = await client.query(
        `SELECT key FROM knowledge_vectors_8_search($1, $2, $3::public.vector, 5, NULL, NULL)`,
        [scope.accountId, scope.knowledgeBaseId, `[${Array.from(v(3)).join(",")}]`],
      );
      expect(rows).toHaveLength(5);
      expect((await client.query("SHOW hnsw.ef_search")).rows[0]["hnsw.ef_search"]).toBe("37");
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
    const hits = await index.search({ ...scope, text: "", vector: v(3), mode: "semantic", topK: 10 });
    expect(hits).toHaveLength(10);
    expect(hits[0]!.score).toBeCloseTo(1, 5);
  });
});
