import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";
import type { HybridConfig } from "../../src/knowledge/search/hybrid.js";
import { PostgresSearchIndex } from "../../src/knowledge/search/postgres.js";
import type { BenchIndex } from "./engines.js";

/** PostgresSearchIndex on an in-memory PGlite with pgvector (HNSW). */
export async function openPgliteIndex(config: Partial<HybridConfig> = {}): Promise<BenchIndex> {
  const pg = await PGlite.create({ extensions: { vector } });
  const index = new PostgresSearchIndex(pg, { vectors: "pgvector", hybrid: config });
  await index.init();
  return {
    index,
    query: async (text, params) => (await pg.query(text, params)).rows,
    async dispose() {
      await pg.close();
    },
  };
}
