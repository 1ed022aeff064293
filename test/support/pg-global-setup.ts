import { PG_URL, PLAIN_ROLE, PLAIN_URL, pgUrl, withPgClient } from "./db.js";

/** SQLSTATEs of an object another test run created first (parallel runs share the server). */
const ALREADY_THERE = new Set(["42P04", "42710", "23505"]);

async function ignoringRaces(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!ALREADY_THERE.has((error as { code?: string }).code ?? "")) throw error;
  }
}

async function ensureDatabase(name: string, owner?: string): Promise<void> {
  await withPgClient(async (c) => {
    const exists = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount) return;
    await ignoringRaces(() => c.query(`CREATE DATABASE "${name}"${owner ? ` OWNER "${owner}"` : ""}`));
  }, pgUrl("postgres"));
}

/**
 * Once per `vitest run`: the tests' database with pgvector in `public` (where administrators install it, outside
 * the service's schema), and a database owned by a role that may not create extensions, for the exact-vector
 * fallback. pgvector itself is installed into the server by ../shared/vendor/install-pgvector (.ci/run).
 */
export default async function setup(): Promise<void> {
  await ensureDatabase(new URL(PG_URL).pathname.slice(1));
  await withPgClient(async (c) => {
    const available = await c.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
    if (!available.rowCount) {
      throw new Error("pgvector is not installed on the test server: run ../shared/vendor/install-pgvector");
    }
    await ignoringRaces(() => c.query("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public"));
  });
  await withPgClient(async (c) => {
    const role = await c.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [PLAIN_ROLE]);
    if (!role.rowCount) await ignoringRaces(() => c.query(`CREATE ROLE ${PLAIN_ROLE} LOGIN NOSUPERUSER`));
  }, pgUrl("postgres"));
  await ensureDatabase(new URL(PLAIN_URL).pathname.slice(1), PLAIN_ROLE);
}
