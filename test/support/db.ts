import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { type Database, openDatabase } from "../../src/db/open.js";
import type { DomainMigrations } from "../../src/db/sql.js";
import { randomChars } from "../../src/lib/ids.js";

/**
 * The tests' database on the PostgreSQL server every test and CI run has (trust auth), with pgvector installed in
 * `public` as administrators install it (pg-global-setup.ts); PG_TEST_URL names another one. Not the server's `test`
 * database: the extension is one object per database, and code that creates it inside a throwaway schema (dropped
 * with it) must never share a database with these suites.
 */
export const PG_URL = process.env.PG_TEST_URL ?? "postgres://postgres@127.0.0.1:5432/api_credits_test";

/** The same server, another database (and optionally another role). */
export function pgUrl(database: string, user?: string): string {
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  if (user) url.username = user;
  return url.toString();
}

/** A role without the privilege to create extensions, owning a database where pgvector is never created. */
export const PLAIN_ROLE = "api_credits_plain";
export const PLAIN_URL = pgUrl("api_credits_test_plain", PLAIN_ROLE);

export type Engine = "sqlite" | "postgres";
export const ENGINES: Engine[] = ["sqlite", "postgres"];

export interface TestDatabase {
  engine: Engine;
  db: Database;
  dataDir: string;
  /** Options that open this same database again (another process, a restart). */
  options: { dataDir: string; databaseUrl?: string; databaseSchema?: string };
  cleanup(): Promise<void>;
}

export function tempDir(prefix = "apic-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh SQLite file in a temporary DATA_DIR, or a fresh schema on the PostgreSQL server. */
export async function freshDatabase(engine: Engine, domains: DomainMigrations[]): Promise<TestDatabase> {
  const dataDir = tempDir();
  const schema = engine === "postgres" ? `t_${randomChars(12)}` : undefined;
  const options = { dataDir, databaseUrl: engine === "postgres" ? PG_URL : undefined, databaseSchema: schema };
  const db = await openDatabase(options, domains);
  return {
    engine,
    db,
    dataDir,
    options,
    async cleanup() {
      await db.close().catch(() => {});
      if (schema) await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` on one connection to `url` (the tests' database unless told otherwise). */
export async function withPgClient<T>(fn: (client: pg.Client) => Promise<T>, url = PG_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the server for one test file (its own extensions); `drop` removes it. */
export async function throwawayDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_db_${randomChars(12)}`;
  await withPgClient((c) => c.query(`CREATE DATABASE ${name}`), pgUrl("postgres"));
  return {
    url: pgUrl(name),
    async drop() {
      await withPgClient((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`), pgUrl("postgres"));
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
