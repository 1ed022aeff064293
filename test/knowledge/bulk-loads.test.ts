import { describe, expect, it } from "vitest";
import { vectorTable } from "../../src/knowledge/search/postgres-schema.js";
import { grant, newCustomer, startTestApp, type TestApp } from "../support/app.js";
import { eventually } from "../support/eventually.js";
import { fakeOpenAI } from "./embedders/fake-providers.js";

const TEXTS = [
  "Tide pools shelter anemones, crabs and small fish between the rocks at low tide.",
  "Sourdough needs a lively starter, a long cold proof and a very hot oven.",
  "A bicycle chain wants cleaning and a drop of oil on every link each month.",
];

/** The shared HNSW index of 1536-d vectors, by its identity in the catalogue (a rebuilt index is a new one). */
async function hnswIndex(app: TestApp): Promise<{ oid: number; valid: boolean } | undefined> {
  const pool = (app.running.ctx.db.sql as unknown as { pool: import("pg").Pool }).pool;
  const rows = (
    await pool.query(
      `SELECT i.indexrelid::int AS oid, i.indisvalid AS valid FROM pg_index i
       WHERE i.indexrelid = to_regclass($1)`,
      [`${vectorTable(1536)}_hnsw`],
    )
  ).rows as { oid: number; valid: boolean }[];
  return rows[0];
}

describe("bulk loads on PostgreSQL with pgvector: re-embedding a knowledge base", () => {
  it("builds the shared HNSW index after the rows (a bulk load), and searches by meaning after it", async () => {
    const openai = fakeOpenAI("sk-bulk");
    const base = `${await openai.listen()}/v1`;
    const provider = { EMBEDDING_PROVIDER: "openai", OPENAI_API_KEY: "sk-bulk", OPENAI_BASE_URL: base };
    // A threshold small enough for a test: the knowledge base's chunks count as a large load.
    const first = await startTestApp("postgres", { ...provider, PGVECTOR_BULK_MIN_CHUNKS: "2" });
    let second: TestApp | undefined;
    try {
      const c = await newCustomer(first);
      await grant(first, c.accountId, 100);
      const kb = (await first.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "kb" } })).body;
      expect(kb.embeddingModel).toBe("openai:text-embedding-3-small@1536");
      const docs: string[] = [];
      for (const [i, text] of TEXTS.entries()) {
        const doc = await first.api("POST", `/v1/knowledge-bases/${kb.id}/documents`, {
          token: c.apiKey,
          body: { text, name: `doc${i}.txt` },
        });
        expect(doc.status).toBe(201);
        docs.push(doc.body.id);
      }
      const before = await hnswIndex(first);
      expect(before?.valid).toBe(true);
      await first.running.close();

      // The operator moves to another model of the same width: the knowledge base is re-embedded.
      second = await startTestApp("postgres", {
        ...first.env,
        ...provider,
        OPENAI_EMBEDDING_MODEL: "text-embedding-3-large",
        OPENAI_EMBEDDING_DIMENSIONS: "1536",
      });
      const reembedded = second;
      const model = await eventually(
        async () => {
          const m: string = (await reembedded.api("GET", `/v1/knowledge-bases/${kb.id}`, { token: c.apiKey })).body
            .embeddingModel;
          return m === "openai:text-embedding-3-large@1536" && m;
        },
        { what: "the re-embedding", timeoutMs: 60_000 },
      );
      expect(model).toBe("openai:text-embedding-3-large@1536");
      // Rows first, then a new index built over them (one walked row by row would have kept its identity).
      const after = await hnswIndex(second);
      expect(after?.valid).toBe(true);
      expect(after?.oid).not.toBe(before?.oid);
      // The fake provider's vectors are hashes of the text: a document's own text finds it, by meaning only.
      for (const [i, query] of TEXTS.entries()) {
        const q = await second.api("POST", `/v1/knowledge-bases/${kb.id}/query`, {
          token: c.apiKey,
          body: { query, mode: "semantic" },
        });
        expect(q.status).toBe(200);
        expect(q.body.results[0].documentId).toBe(docs[i]);
      }
    } finally {
      await second?.running.close();
      await first.close();
      await openai.close();
    }
  });
});
