import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";
import { ensureSchema, openPostgres, type PostgresSql } from "../../../src/db/postgres.js";
import type { SqliteSql } from "../../../src/db/sqlite.js";
import { PostgresSearchIndex } from "../../../src/knowledge/search/postgres.js";
import { SqliteSearchIndex } from "../../../src/knowledge/search/sqlite.js";
import { knowledgeIndexMigrations } from "../../../src/knowledge/search/sqlite-schema.js";
import { randomChars } from "../../../src/lib/ids.js";
import { LocalKeyStore } from "../../../src/storage/key-store.js";
import { freshDatabase, PLAIN_URL, tempDir, throwawayDatabase } from "../../support/db.js";
import { runSearchIndexContract } from "./search-index.contract.js";

runSearchIndexContract("sqlite", async () => {
  const t = await freshDatabase("sqlite", [knowledgeIndexMigrations]);
  return {
    index: new SqliteSearchIndex(t.db.sql as SqliteSql),
    run: (sql) => t.db.sql.run(sql),
    cleanup: () => t.cleanup(),
  };
});

runSearchIndexContract("pglite+pgvector", async () => {
  const pg = await PGlite.create({ extensions: { vector } });
  const index = new PostgresSearchIndex(pg, { keys: new LocalKeyStore(tempDir()), vectors: "pgvector" });
  await index.init();
  if (!index.usesPgvector) throw new Error("pgvector did not load into PGlite");
  return { index, run: (sql) => pg.exec(sql), cleanup: () => pg.close() };
});

// Native pgvector (HNSW) installed in `public` by an administrator, the service in its own schema (DATABASE_SCHEMA):
// `public` is not on the service's search path.
runSearchIndexContract("postgres (pgvector in public)", async () => {
  const t = await freshDatabase("postgres", [knowledgeIndexMigrations]);
  const index = new PostgresSearchIndex((t.db.sql as PostgresSql).pool, {
    keys: new LocalKeyStore(path.join(t.dataDir, "keys")),
    vectors: "pgvector",
  });
  await index.init();
  return { index, run: (sql) => (t.db.sql as PostgresSql).pool.query(sql), cleanup: () => t.cleanup() };
});

// A database without the extension: the service creates it, in its own schema (the first on its search path).
runSearchIndexContract("postgres (pgvector created in the service's schema)", async () => {
  const database = await throwawayDatabase();
  const pool = openPostgres({ url: database.url, schema: "svc", poolSize: 4 });
  await ensureSchema(pool, "svc");
  const index = new PostgresSearchIndex(pool, { keys: new LocalKeyStore(tempDir()) });
  await index.init();
  const ext = await pool.query(
    "SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'vector'",
  );
  if (!index.usesPgvector || ext.rows[0]?.schema !== "svc") throw new Error("expected pgvector in the schema svc");
  return {
    index,
    run: (sql) => pool.query(sql),
    cleanup: async () => {
      await pool.end();
      await database.drop();
    },
  };
});

// The exact-vector fallback on the real server: a role that may not create extensions, in a database without one.
runSearchIndexContract("postgres (exact vectors, no pgvector in the database)", async () => {
  const schema = `t_${randomChars(12)}`;
  const pool = openPostgres({ url: PLAIN_URL, schema, poolSize: 4 });
  await ensureSchema(pool, schema);
  const index = new PostgresSearchIndex(pool, { keys: new LocalKeyStore(tempDir()) });
  await index.init();
  if (index.usesPgvector) throw new Error("expected exact vectors where pgvector cannot be created");
  return {
    index,
    run: (sql) => pool.query(sql),
    cleanup: async () => {
      await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      await pool.end();
    },
  };
});
