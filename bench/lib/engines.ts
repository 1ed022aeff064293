import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateSqlite } from "../../src/db/migrate.js";
import { ensureSchema, openPostgres } from "../../src/db/postgres.js";
import { openSqlite, SqliteSql } from "../../src/db/sqlite.js";
import type { HybridConfig } from "../../src/knowledge/search/hybrid.js";
import { PostgresSearchIndex } from "../../src/knowledge/search/postgres.js";
import type { SearchIndex } from "../../src/knowledge/search/search-index.js";
import { SqliteSearchIndex } from "../../src/knowledge/search/sqlite.js";
import { knowledgeIndexMigrations } from "../../src/knowledge/search/sqlite-schema.js";
import { randomChars } from "../../src/lib/ids.js";
import { LocalKeyStore } from "../../src/storage/key-store.js";

export type EngineName = "sqlite" | "pglite" | "postgres";

export interface BenchIndex {
  index: SearchIndex;
  dispose(): Promise<void>;
  /** Raw SQL on the same database (PostgreSQL engines only), for comparisons outside the index API. */
  query?(text: string, params: unknown[]): Promise<unknown[]>;
}

/**
 * The PostgreSQL server (PG_TEST_URL or the tests' database on the local one, where pgvector 0.8.6 is installed in
 * `public` by the test setup; run `npx vitest run test/knowledge/search/pgvector-placement.test.ts` once to make it).
 * Vectors go through pgvector HNSW when the extension is there, else they are searched exactly.
 */
async function openServerIndex(config: Partial<HybridConfig>, kept?: string): Promise<BenchIndex> {
  const url = process.env.PG_TEST_URL ?? "postgres://postgres@127.0.0.1:5432/api_credits_test";
  const schema = kept ?? `bench_${randomChars(10)}`;
  const pool = openPostgres({ url, schema, poolSize: 4 });
  // A kept schema's text is sealed with keys that must outlive the process.
  const keysDir = kept
    ? path.join(os.tmpdir(), `apic-bench-keys-${kept}`)
    : mkdtempSync(path.join(os.tmpdir(), "apic-bench-keys-"));
  mkdirSync(keysDir, { recursive: true });
  await ensureSchema(pool, schema);
  // The HNSW build of a bulk load as the service would run it with these variables (docs/configuration.md).
  const memory = process.env.PGVECTOR_BUILD_MEMORY;
  const workers = process.env.PGVECTOR_BUILD_WORKERS;
  const bulkBuild = { ...(memory ? { memory } : {}), ...(workers ? { workers: Number(workers) } : {}) };
  const index = new PostgresSearchIndex(pool, { keys: new LocalKeyStore(keysDir), hybrid: config, bulkBuild });
  await index.init();
  process.stderr.write(`  postgres: ${index.usesPgvector ? "pgvector (HNSW)" : "exact vectors (no pgvector)"}\n`);
  return {
    index,
    query: async (text, params) => (await pool.query(text, params)).rows,
    async dispose() {
      if (!kept) await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      await pool.end();
      if (!kept) rmSync(keysDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh, empty index: a temporary SQLite file, an in-memory PGlite with pgvector, or a schema on the server. `kept`
 * names a server schema that is neither dropped at the end nor emptied at the start (load once, measure many times).
 */
export async function openBenchIndex(
  engine: EngineName,
  config: Partial<HybridConfig> = {},
  kept?: string,
): Promise<BenchIndex> {
  if (engine === "sqlite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "apic-bench-"));
    const db = openSqlite(path.join(dir, "bench.db"));
    // Bulk loading a benchmark corpus: durability is not what is measured here.
    db.pragma("synchronous = OFF");
    migrateSqlite(db, [knowledgeIndexMigrations]);
    const index = new SqliteSearchIndex(new SqliteSql(db), config);
    return {
      index,
      async dispose() {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (engine === "postgres") return openServerIndex(config, kept);
  const { openPgliteIndex } = await import("./pglite-index.js");
  return openPgliteIndex(config);
}
