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

/**
 * The HNSW index once a valid one other than `oid` is there (a bulk load's rebuild, done after its rows). Other suites
 * share the database: a CONCURRENTLY build waits for their transactions, up to its 60 s before it builds plainly.
 */
async function rebuiltIndex(app: TestApp, oid: number): Promise<{ oid: number; valid: boolean }> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const index = await hnswIndex(app);
    if (index?.valid && index.oid !== oid) return index;
    if (Date.now() > deadline) throw new Error(`the index was not rebuilt: ${JSON.stringify(index)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("bulk loads on PostgreSQL with pgvector: re-embedding a knowledge base, a large upload", () => {
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

  it("indexes a large upload in the background as a bulk load: the index is rebuilt after its rows", async () => {
    const openai = fakeOpenAI("sk-bulk");
    const base = `${await openai.listen()}/v1`;
    const app = await startTestApp("postgres", {
      EMBEDDING_PROVIDER: "openai",
      OPENAI_API_KEY: "sk-bulk",
      OPENAI_BASE_URL: base,
      PGVECTOR_BULK_MIN_CHUNKS: "4",
      // Every upload is indexed by a job (as a large one is).
      KNOWLEDGE_INLINE_MAX_CHUNKS: "0",
    });
    try {
      const c = await newCustomer(app);
      await grant(app, c.accountId, 100);
      const kb = (await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "kb" } })).body;
      const upload = async (text: string, name: string) => {
        const r = await app.api("POST", `/v1/knowledge-bases/${kb.id}/documents`, {
          token: c.apiKey,
          body: { text, name },
        });
        expect(r.status).toBe(202);
        const deadline = Date.now() + 60_000;
        for (;;) {
          const doc = (await app.api("GET", `/v1/knowledge-bases/${kb.id}/documents/${r.body.id}`, { token: c.apiKey }))
            .body;
          if (doc.status === "ready") return doc;
          if (doc.status === "failed" || Date.now() > deadline) throw new Error(`document ${doc.status}`);
          await new Promise((res) => setTimeout(res, 100));
        }
      };
      // A small upload goes into the live index.
      const small = await upload(TEXTS[0]!, "small.txt");
      const before = await hnswIndex(app);
      expect(before?.valid).toBe(true);
      await upload(TEXTS[1]!, "another-small.txt");
      expect((await hnswIndex(app))?.oid).toBe(before?.oid);
      // A large one (a few thousand words: more chunks than the threshold) is a bulk load.
      const words = Array.from({ length: 3000 }, (_, i) => `word${i % 700}`).join(" ");
      const large = await upload(words, "large.txt");
      expect(large.chunks).toBeGreaterThanOrEqual(4);
      // Its words were written (as whole postings blocks) before its charge: ready means found by its words too.
      const byWords = await app.api("POST", `/v1/knowledge-bases/${kb.id}/query`, {
        token: c.apiKey,
        body: { query: "word123", mode: "keyword" },
      });
      expect(byWords.body.results.map((r: { documentId: string }) => r.documentId)).toContain(large.id);
      // The document is ready (charged, searchable by exact scan) once its rows are in; the job rebuilds the index
      // after that, so the new index comes a moment later — it was a flake to look for it on "ready".
      const after = await rebuiltIndex(app, before!.oid);
      expect(after.valid).toBe(true);
      // The rebuilt index still serves what was there before it.
      const q = await app.api("POST", `/v1/knowledge-bases/${kb.id}/query`, {
        token: c.apiKey,
        body: { query: TEXTS[0], mode: "semantic" },
      });
      expect(q.status).toBe(200);
      expect(q.body.results[0].documentId).toBe(small.id);
      // Each document charged once.
      const usage = (await app.api("GET", "/v1/ledger?type=usage", { token: c.apiKey })).body.data;
      expect(usage.filter((u: { operation: string }) => u.operation === "training.embed")).toHaveLength(3);
    } finally {
      await app.close();
      await openai.close();
    }
  }, 150_000);
});
