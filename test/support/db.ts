import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { type Database, openDatabase } from "../../src/db/open.js";
import type { DomainMigrations } from "../../src/db/sql.js";
import { randomChars } from "../../src/lib/ids.js";

/** The PostgreSQL server every test and CI run has (trust auth); PG_TEST_URL overrides it. */
export const PG_URL = process.env.PG_TEST_URL ?? "postgres://postgres@127.0.0.1:5432/test";

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

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
