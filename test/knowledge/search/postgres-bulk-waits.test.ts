import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSchema, openPostgres } from "../../../src/db/postgres.js";
import { PostgresSearchIndex } from "../../../src/knowledge/search/postgres.js";
import type { BulkBuildOptions } from "../../../src/knowledge/search/postgres-bulk.js";
import { worthRebuilding } from "../../../src/knowledge/search/postgres-bulk.js";
import { LocalKeyStore } from "../../../src/storage/key-store.js";
import { tempDir, throwawayDatabase, withPgClient } from "../../support/db.js";
import { chunks, v } from "./bulk-fixtures.js";

/**
 * A bulk load's index build shares its database with other tenants' schemas and other processes: `CREATE INDEX
 * CONCURRENTLY` waits for every older transaction of the database, and two builders wait for each other. A database
 * of this file's own, so that the transactions it holds open stall no other suite's builds (and theirs not its).
 */

let database: { url: string; drop(): Promise<void> };
/** One key store, as processes of one deployment share theirs. */
const keys = new LocalKeyStore(tempDir());
const pools: pg.Pool[] = [];

async function openIndex(schema: string, bulkBuild: Partial<BulkBuildOptions>, name = schema) {
  const pool = openPostgres({ url: database.url, schema, poolSize: 4, applicationName: `bulk-${name}` });
  pools.push(pool);
  await ensureSchema(pool, schema);
  const index = new PostgresSearchIndex(pool, { keys, bulkBuild });
  await index.init();
  const hnsw = async () =>
    (
      await pool.query(
        `SELECT indexrelid::int AS oid, indisvalid AS valid FROM pg_index
         WHERE indexrelid = to_regclass('knowledge_vectors_8_hnsw')`,
      )
    ).rows[0] as { oid: number; valid: boolean } | undefined;
  return { pool, index, hnsw };
}

/** Resolves once `check` holds (polled), failing after `ms`. */
async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  database = await throwawayDatabase();
  await withPgClient((c) => c.query("CREATE EXTENSION IF NOT EXISTS vector"), database.url);
});
afterAll(async () => {
  for (const pool of pools) await pool.end().catch(() => {});
  await database?.drop();
});

describe("PostgreSQL bulk loads beside other transactions of the database", () => {
  it("another schema's transaction left open does not hold the build: past the wait it is built plainly", async () => {
    const { index, hnsw } = await openIndex("s_wait", { minChunks: 10, concurrentWaitMs: 300 });
    const scope = { accountId: "acct_w", knowledgeBaseId: "kb_w" };
    await index.addChunks(scope, chunks("seed", 2));
    const before = await hnsw();
    expect(before?.valid).toBe(true);
    await withPgClient(async (idle) => {
      // Another tenant's session, idle in a transaction that holds a snapshot (until its client gives up).
      await idle.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      await idle.query("SELECT 1");
      try {
        await index.bulkLoad({ chunks: 30, dimensions: 8 }, () => index.addChunks(scope, chunks("w", 30)));
        const after = await hnsw();
        expect(after?.valid).toBe(true);
        expect(after?.oid).not.toBe(before?.oid);
        const hits = await index.search({ ...scope, text: "", vector: v(3), mode: "semantic", topK: 50 });
        expect(hits).toHaveLength(32);
        expect(hits[0]!.score).toBeCloseTo(1, 5);
      } finally {
        await idle.query("ROLLBACK");
      }
    }, database.url);
  }, 30_000);

  it.each([
    ["two schemas", "s_a", "s_b"],
    ["one schema (two processes)", "s_c", "s_c"],
  ])(
    "two builders of the same vector size in %s, one waiting while the other builds, both finish",
    async (_, sa, sb) => {
      const a = await openIndex(sa, { minChunks: 10, concurrentWaitMs: 20_000 }, `${sa}_a`);
      const b = await openIndex(sb, { minChunks: 10, concurrentWaitMs: 20_000 }, `${sb}_b`);
      const scope = { accountId: "acct_ab", knowledgeBaseId: "kb_ab" };
      await a.index.addChunks(scope, chunks("a0", 1));
      await b.index.addChunks(scope, chunks("b0", 1));
      await withPgClient(async (writer) => {
        // Polled from a session of its own: a transaction sees pg_stat_activity as it was at its first read.
        // A at its build; B at its build or waiting for A's (for a lock, or polling the build lock).
        const building = (app: string, waiting: boolean) =>
          a.pool
            .query(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()
             AND application_name = $1 AND (query ILIKE 'CREATE INDEX CONCURRENTLY%'
             OR ($2 AND (wait_event_type = 'Lock' OR query ILIKE '%advisory_lock%')))`,
              [app, waiting],
            )
            .then((r) => (r.rows[0] as { n: number }).n > 0);
        let released = false;
        try {
          const loadA = a.index.bulkLoad({ chunks: 20, dimensions: 8 }, async () => {
            await a.index.addChunks(scope, chunks("a", 20));
            // A write of A's table in progress at the end of its load: A's CONCURRENTLY build waits for it first.
            await writer.query("BEGIN");
            await writer.query(`LOCK TABLE ${sa}.knowledge_vectors_8 IN ROW EXCLUSIVE MODE`);
          });
          await until(() => building(`bulk-${sa}_a`, false));
          let bDone = false;
          const loadB = b.index
            .bulkLoad({ chunks: 20, dimensions: 8 }, () => b.index.addChunks(scope, chunks("b", 20)))
            .finally(() => {
              bDone = true;
            });
          loadB.catch(() => {});
          // B waiting for A's build, at its own, or through it, while A's build still waits for the write.
          await until(async () => bDone || (await building(`bulk-${sb}_b`, true)));
          await writer.query("COMMIT");
          released = true;
          await Promise.all([loadA, loadB]);
        } finally {
          if (!released) await writer.query("ROLLBACK").catch(() => {});
        }
      }, database.url);
      expect((await a.hnsw())?.valid).toBe(true);
      expect((await b.hnsw())?.valid).toBe(true);
      const hits = await b.index.search({ ...scope, text: "", vector: v(2), mode: "semantic", topK: 50 });
      expect(hits).toHaveLength(sa === sb ? 42 : 21);
    },
    40_000,
  );

  it("a load large in itself but small against the rows indexed goes through the live index", async () => {
    // The rule: at least PGVECTOR_BULK_MIN_CHUNKS, and at least a tenth of the rows indexed.
    expect(worthRebuilding(10_000, 1_000_000, 10_000)).toBe(false);
    expect(worthRebuilding(10_000, 100_000, 10_000)).toBe(true);
    expect(worthRebuilding(100_000, 1_000_000, 10_000)).toBe(true);
    expect(worthRebuilding(9_999, 0, 10_000)).toBe(false);
    // And on a table: 45 chunks (threshold 40) into 500 analyzed rows keeps the index; 50 would rebuild it.
    const { pool, index, hnsw } = await openIndex("s_rule", { minChunks: 40 });
    for (let k = 0; k < 5; k++) {
      await index.addChunks({ accountId: "acct_r", knowledgeBaseId: `kb_${k}` }, chunks(`r${k}`, 100));
    }
    await pool.query("ANALYZE knowledge_vectors_8");
    const before = await hnsw();
    const scope = { accountId: "acct_r", knowledgeBaseId: "kb_new" };
    const during = await index.bulkLoad({ chunks: 45, dimensions: 8 }, async () => {
      await index.addChunks(scope, chunks("n", 45));
      return hnsw();
    });
    expect(during).toEqual(before);
    expect(await hnsw()).toEqual(before);
    const rebuilt = await index.bulkLoad({ chunks: 55, dimensions: 8 }, async () => {
      await index.addChunks({ ...scope, knowledgeBaseId: "kb_big" }, chunks("m", 55));
      return hnsw();
    });
    expect(rebuilt).toBeUndefined();
    expect((await hnsw())?.valid).toBe(true);
  });
});
