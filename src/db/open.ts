import path from "node:path";
import { migratePostgres, migrateSqlite } from "./migrate.js";
import { ensureSchema, openPostgres, PostgresSql } from "./postgres.js";
import type { DomainMigrations } from "./sql.js";
import { openSqlite, SqliteSql } from "./sqlite.js";

export type Database =
  | { dialect: "sqlite"; sql: SqliteSql; file: string; close(): Promise<void> }
  | { dialect: "postgres"; sql: PostgresSql; schema?: string; close(): Promise<void> };

export interface DatabaseOptions {
  dataDir: string;
  databaseUrl?: string;
  databaseSchema?: string;
  poolSize?: number;
}

/** Opens the configured database — PostgreSQL when a URL is given, else `DATA_DIR/api-credits.db` — and migrates it. */
export async function openDatabase(options: DatabaseOptions, domains: DomainMigrations[]): Promise<Database> {
  if (options.databaseUrl) {
    const pool = openPostgres({ url: options.databaseUrl, schema: options.databaseSchema, poolSize: options.poolSize });
    try {
      if (options.databaseSchema) await ensureSchema(pool, options.databaseSchema);
      await migratePostgres(pool, domains);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return { dialect: "postgres", sql: new PostgresSql(pool), schema: options.databaseSchema, close: () => pool.end() };
  }
  const file = path.join(options.dataDir, "api-credits.db");
  const db = openSqlite(file);
  migrateSqlite(db, domains);
  const sql = new SqliteSql(db);
  return {
    dialect: "sqlite",
    sql,
    file,
    close: async () => {
      await sql.walSync.close();
      db.pragma("wal_checkpoint(TRUNCATE)");
      db.close();
    },
  };
}
