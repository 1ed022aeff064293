import type pg from "pg";
import type { DomainMigrations } from "./sql.js";
import type { SqliteDatabase } from "./sqlite.js";

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  domain TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL,
  PRIMARY KEY (domain, version)
)`;

export interface MigrationReport {
  applied: string[];
}

export function migrateSqlite(db: SqliteDatabase, domains: DomainMigrations[]): MigrationReport {
  db.exec(MIGRATIONS_TABLE);
  const done = new Set(
    (db.prepare("SELECT domain, version FROM schema_migrations").all() as { domain: string; version: number }[]).map(
      (r) => `${r.domain}:${r.version}`,
    ),
  );
  const applied: string[] = [];
  const record = db.prepare("INSERT INTO schema_migrations (domain, version, name, applied_at) VALUES (?, ?, ?, ?)");
  for (const { domain, migrations } of domains) {
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(`${domain}:${m.version}`)) continue;
      db.transaction(() => {
        db.exec(m.sqlite);
        record.run(domain, m.version, m.name, Date.now());
      })();
      applied.push(`${domain}:${m.version} ${m.name}`);
    }
  }
  return { applied };
}

/** Several processes may start at once: an advisory lock lets exactly one of them apply what is missing. */
export async function migratePostgres(pool: pg.Pool, domains: DomainMigrations[]): Promise<MigrationReport> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock(727274001)");
    await client.query(MIGRATIONS_TABLE);
    const { rows } = await client.query<{ domain: string; version: number }>(
      "SELECT domain, version FROM schema_migrations",
    );
    const done = new Set(rows.map((r) => `${r.domain}:${r.version}`));
    for (const { domain, migrations } of domains) {
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(`${domain}:${m.version}`)) continue;
        await client.query("BEGIN");
        try {
          await client.query(m.postgres);
          await client.query(
            "INSERT INTO schema_migrations (domain, version, name, applied_at) VALUES ($1, $2, $3, $4)",
            [domain, m.version, m.name, Date.now()],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw new Error(`migration ${domain}:${m.version} ${m.name} failed: ${(error as Error).message}`);
        }
        applied.push(`${domain}:${m.version} ${m.name}`);
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock(727274001)").catch(() => {});
    client.release();
  }
  return { applied };
}
