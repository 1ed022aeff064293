/**
 * A large upload end to end, both engines side by side in one run: one text document of about `--chunks` chunks
 * (20,000 by default: about what the 64 MB upload limit holds) through HTTP, the background job, an embedding
 * provider on loopback (the tests' OpenAI-compatible fake: 512-d vectors hashed from the text, in this process for
 * both engines) and the charge, until the document reads `ready`; then, on PostgreSQL with pgvector, until the shared
 * HNSW index is built again after its rows (a bulk load). It checks what a customer relies on at `ready`: a word of
 * the document finds it, and it was charged once.
 *   npx tsx bench/large-upload.ts [--chunks 20000] [--engines sqlite,postgres]
 * `postgres` is the tests' database (127.0.0.1:5432/api_credits_test, made by the test setup) in a fresh schema.
 */
import { parseArgs } from "node:util";
import type { Pool } from "pg";
import { vectorTable } from "../src/knowledge/search/postgres-schema.js";
import { fakeOpenAI } from "../test/knowledge/embedders/fake-providers.js";
import { grant, newCustomer, startTestApp, type TestApp } from "../test/support/app.js";
import { rng, vocabulary, zipfSampler } from "./lib/synthetic.js";

const { values } = parseArgs({
  options: { chunks: { type: "string", default: "20000" }, engines: { type: "string", default: "sqlite,postgres" } },
});
const CHUNKS = Number(values.chunks);
const MARKER = "quillwortmarsh";

// Prose: sentences of 15 words, paragraphs of 6 sentences; ~224 new tokens a chunk (256 with 32 of overlap), the
// synthetic words ~3.3 tokens each.
const random = rng(7);
const vocab = vocabulary(30_000, random);
const word = zipfSampler(vocab.length, random);
const words = Array.from({ length: Math.round(CHUNKS * 68) }, () => vocab[word()]);
words[Math.floor(words.length * 0.7)] = MARKER;
let text = "";
for (let i = 0; i < words.length; i += 15)
  text += `${words.slice(i, i + 15).join(" ")}${i % 90 === 75 ? ".\n\n" : ". "}`;

async function hnswValid(app: TestApp): Promise<boolean> {
  const pool = (app.running.ctx.db.sql as unknown as { pool: Pool }).pool;
  const { rows } = await pool.query(
    "SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass($1)",
    [`${vectorTable(512)}_hnsw`],
  );
  return rows[0]?.valid === true;
}

const rows: string[] = [];
const openai = fakeOpenAI("sk-large");
const base = `${await openai.listen()}/v1`;
for (const engine of values.engines!.split(",") as ("sqlite" | "postgres")[]) {
  const app = await startTestApp(engine, {
    EMBEDDING_PROVIDER: "openai",
    OPENAI_API_KEY: "sk-large",
    OPENAI_BASE_URL: base,
    OPENAI_EMBEDDING_DIMENSIONS: "512",
  });
  try {
    const c = await newCustomer(app);
    await grant(app, c.accountId, 1_000_000);
    const kb = (await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "large" } })).body;
    const t0 = performance.now();
    // As a site uploads a large file: multipart, up to UPLOAD_LIMIT_BYTES (a JSON body stops at BODY_LIMIT_BYTES).
    const form = new FormData();
    form.set("file", new Blob([text], { type: "text/plain" }), "large.txt");
    const up = await app.api("POST", `/v1/knowledge-bases/${kb.id}/documents`, { token: c.apiKey, rawBody: form });
    if (up.status !== 202) throw new Error(`upload: ${up.status} ${JSON.stringify(up.body)}`);
    const uploadS = (performance.now() - t0) / 1000;
    let doc: { status: string; chunks: number; chargedCredits?: number };
    for (;;) {
      doc = (await app.api("GET", `/v1/knowledge-bases/${kb.id}/documents/${up.body.id}`, { token: c.apiKey })).body;
      if (doc.status === "ready" || doc.status === "failed") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const readyS = (performance.now() - t0) / 1000;
    if (doc.status !== "ready") throw new Error(`the document ${doc.status}: ${JSON.stringify(doc)}`);
    const found = await app.api("POST", `/v1/knowledge-bases/${kb.id}/query`, {
      token: c.apiKey,
      body: { query: MARKER, mode: "keyword" },
    });
    const foundAtReady = found.body.results?.[0]?.documentId === up.body.id;
    let indexS = readyS;
    if (engine === "postgres") {
      while (!(await hnswValid(app))) await new Promise((r) => setTimeout(r, 100));
      indexS = (performance.now() - t0) / 1000;
    }
    const usage = (await app.api("GET", "/v1/ledger?type=usage", { token: c.apiKey })).body.data as {
      operation: string;
    }[];
    const charges = usage.filter((u) => u.operation === "training.embed").length;
    rows.push(
      `| ${engine} | ${doc.chunks} | ${uploadS.toFixed(1)} s | ${readyS.toFixed(1)} s | ${indexS.toFixed(1)} s | ${
        foundAtReady ? "yes" : "**no**"
      } | ${charges} |`,
    );
    process.stderr.write(`${rows.at(-1)}\n`);
  } finally {
    await app.close();
  }
}
await openai.close();

console.log(
  `\none upload of ${(text.length / 1e6).toFixed(1)} MB of text, 512-d vectors from a provider on loopback\n`,
);
console.log(
  "| engine | chunks | upload answered (202) | ready (charged) | vector index built | found by a word at ready | charges |",
);
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
