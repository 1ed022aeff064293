import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";
import type { PostgresSql } from "../../../src/db/postgres.js";
import type { SqliteSql } from "../../../src/db/sqlite.js";
import { PostgresSearchIndex } from "../../../src/knowledge/search/postgres.js";
import { SqliteSearchIndex } from "../../../src/knowledge/search/sqlite.js";
import { knowledgeIndexMigrations } from "../../../src/knowledge/search/sqlite-schema.js";
import { LocalKeyStore } from "../../../src/storage/key-store.js";
import { freshDatabase, tempDir } from "../../support/db.js";
import { runSearchIndexContract } from "./search-index.contract.js";

runSearchIndexContract("sqlite", async () => {
  const t = await freshDatabase("sqlite", [knowledgeIndexMigrations]);
  return { index: new SqliteSearchIndex(t.db.sql as SqliteSql), cleanup: () => t.cleanup() };
});

runSearchIndexContract("pglite+pgvector", async () => {
  const pg = await PGlite.create({ extensions: { vector } });
  const index = new PostgresSearchIndex(pg, { keys: new LocalKeyStore(tempDir()), vectors: "pgvector" });
  await index.init();
  if (!index.usesPgvector) throw new Error("pgvector did not load into PGlite");
  return { index, cleanup: () => pg.close() };
});

// The exact-search fallback (a server without pgvector) on the real server, in a fresh schema dropped afterwards. It
// asks for exact vectors so that it never creates the extension on the shared server.
runSearchIndexContract("postgres (exact vectors)", async () => {
  const t = await freshDatabase("postgres", [knowledgeIndexMigrations]);
  const index = new PostgresSearchIndex((t.db.sql as PostgresSql).pool, {
    keys: new LocalKeyStore(path.join(t.dataDir, "keys")),
    vectors: "exact",
  });
  await index.init();
  if (index.usesPgvector) throw new Error("expected exact vectors");
  return { index, cleanup: () => t.cleanup() };
});
