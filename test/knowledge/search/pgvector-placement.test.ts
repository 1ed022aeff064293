import { afterAll, describe, expect, it } from "vitest";
import { ensureSchema, openPostgres } from "../../../src/db/postgres.js";
import { PostgresSearchIndex } from "../../../src/knowledge/search/postgres.js";
import { randomChars } from "../../../src/lib/ids.js";
import { LocalKeyStore } from "../../../src/storage/key-store.js";
import { PG_URL, tempDir, throwawayDatabase } from "../../support/db.js";

/**
 * Where pgvector lives decides nothing: installed in `public` by an administrator (outside the service's search
 * path) or created by the service in its own schema, the first upload stores `vector(n)` rows under an HNSW index.
 */
const v = (axis: number) => Float32Array.from({ length: 8 }, (_, i) => (i === axis ? 1 : 0.05));
const scope = { accountId: "acct_place", knowledgeBaseId: "kb_place" };

async function uploadAndDescribe(url: string, schema: string) {
  const pool = openPostgres({ url, schema, poolSize: 2 });
  try {
    await ensureSchema(pool, schema);
    const index = new PostgresSearchIndex(pool, { keys: new LocalKeyStore(tempDir()) });
    await index.init();
    await index.addChunks(scope, [
      { id: "c0", documentId: "d", position: 0, text: "lighthouse keeper", vector: v(0) },
      { id: "c1", documentId: "d", position: 1, text: "orchard apples", vector: v(1) },
    ]);
    const hits = await index.search({ ...scope, text: "", vector: v(1), mode: "semantic", topK: 1 });
    const column = await pool.query(
      `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
       WHERE attrelid = to_regclass('knowledge_vectors_8') AND attname = 'embedding'`,
    );
    const hnsw = await pool.query(
      `SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
       WHERE i.indrelid = to_regclass('knowledge_vectors_8') AND am.amname = 'hnsw'`,
    );
    const ext = await pool.query(
      "SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'vector'",
    );
    return {
      usesPgvector: index.usesPgvector,
      top: hits.map((h) => h.chunkId),
      type: column.rows[0]?.type,
      hnsw: hnsw.rowCount,
      extension: ext.rows[0]?.schema,
    };
  } finally {
    await pool.end();
  }
}

describe("pgvector wherever it is installed", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it("extension in public, service in its own schema: the first upload works and is indexed by HNSW", async () => {
    const schema = `t_${randomChars(12)}`;
    cleanups.push(async () => {
      const pool = openPostgres({ url: PG_URL });
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    });
    expect(await uploadAndDescribe(PG_URL, schema)).toEqual({
      usesPgvector: true,
      top: ["c1"],
      type: "public.vector(8)",
      hnsw: 1,
      extension: "public",
    });
  });

  it("extension created by the service in its own schema: the same, with the type in that schema", async () => {
    const database = await throwawayDatabase();
    cleanups.push(() => database.drop());
    expect(await uploadAndDescribe(database.url, "svc")).toEqual({
      usesPgvector: true,
      top: ["c1"],
      type: "vector(8)",
      hnsw: 1,
      extension: "svc",
    });
  });
});
