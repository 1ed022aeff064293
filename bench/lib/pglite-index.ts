import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";
import type { HybridConfig } from "../../src/knowledge/search/hybrid.js";
import { PostgresSearchIndex } from "../../src/knowledge/search/postgres.js";
import { LocalKeyStore } from "../../src/storage/key-store.js";
import type { BenchIndex } from "./engines.js";

/** PostgresSearchIndex on an in-memory PGlite with pgvector (HNSW). */
export async function openPgliteIndex(config: Partial<HybridConfig> = {}): Promise<BenchIndex> {
  const pg = await PGlite.create({ extensions: { vector } });
  const index = new PostgresSearchIndex(pg, {
    keys: new LocalKeyStore(mkdtempSync(path.join(os.tmpdir(), "apic-keys-"))),
    vectors: "pgvector",
    hybrid: config,
  });
  await index.init();
  return {
    index,
    query: async (text, params) => (await pg.query(text, params)).rows,
    async dispose() {
      await pg.close();
    },
  };
}
