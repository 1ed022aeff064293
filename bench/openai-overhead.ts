/**
 * What the OpenAI-compatible layer costs over the native API, measured side by side in one run on one service
 * (SQLite, the local embedder): `/openai/v1/vector_stores/{id}/search` against `/v1/knowledge-bases/{id}/query` on the
 * same knowledge base and queries (alternating, so both see the same machine), and `/openai/v1/embeddings` against
 * calling the embedder in-process. Goal: search ≤ 1.1× the native route.
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createEmbedder } from "../src/knowledge/embedders/index.js";
import { grant, newCustomer, startTestApp } from "../test/support/app.js";
import { fmt, percentile, table } from "./lib/stats.js";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "200" } } });
const rounds = Number(values.rounds);

const TOPICS = ["glaciers", "volcanoes", "tides", "deserts", "forests", "rivers", "caves", "reefs", "dunes", "fjords"];
const paragraph = (i: number) =>
  `${TOPICS[i % TOPICS.length]} note ${i}: ${TOPICS[(i * 7) % TOPICS.length]} shape the land over long spans of time, ` +
  `and field station ${i} records how ${TOPICS[(i * 3) % TOPICS.length]} change with the seasons and the weather.`;

// The app's embedder, also called directly below: the same model, pool and scheduler both ways.
const embedder = createEmbedder({ EMBEDDING_PROVIDER: "local" });
const app = await startTestApp("sqlite", { LOG_LEVEL: "silent" }, { embedder });
try {
  const c = await newCustomer(app);
  await grant(app, c.accountId, 1_000_000);
  const auth = { authorization: `Bearer ${c.apiKey}`, "content-type": "application/json" };
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${app.url}${path}`, { method: "POST", headers: auth, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  const kb = await post("/v1/knowledge-bases", { name: "field notes" });
  for (let d = 0; d < 20; d++)
    await post(`/v1/knowledge-bases/${kb.id}/documents`, {
      name: `notes ${d}`,
      text: Array.from({ length: 40 }, (_, i) => paragraph(d * 40 + i)).join("\n\n"),
    });

  const queries = TOPICS.map((t) => `how do ${t} change with the seasons`);
  const native: number[] = [];
  const openai: number[] = [];
  const time = async (into: number[], run: () => Promise<unknown>) => {
    const t = performance.now();
    await run();
    into.push(performance.now() - t);
  };
  for (let i = 0; i < rounds; i++) {
    const query = queries[i % queries.length]!;
    const nativeFirst = i % 2 === 0;
    const runNative = () => time(native, () => post(`/v1/knowledge-bases/${kb.id}/query`, { query, topK: 10 }));
    const runOpenai = () =>
      time(openai, () => post(`/openai/v1/vector_stores/${kb.id}/search`, { query, max_num_results: 10 }));
    if (nativeFirst) await runNative().then(runOpenai);
    else await runOpenai().then(runNative);
  }

  const direct: number[] = [];
  const viaApi: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const input = `${queries[i % queries.length]} (${i})`;
    await time(direct, () => embedder.embed([input], "document"));
    await time(viaApi, () => post("/openai/v1/embeddings", { model: "text-embedding-3-small", input }));
  }

  const row = (label: string, xs: number[]) => [
    label,
    xs.length,
    fmt(percentile(xs, 50), 2),
    fmt(percentile(xs, 95), 2),
  ];
  const rows = [row("native query (hybrid)", native), row("OpenAI vector store search", openai)];
  rows.push(row("embedder in-process", direct), row("OpenAI /embeddings", viaApi));
  console.log(table(["request", "n", "p50 ms", "p95 ms"], rows));
  console.log(
    `\nsearch: OpenAI / native = ${fmt(percentile(openai, 50) / percentile(native, 50), 2)}× at p50, ` +
      `${fmt(percentile(openai, 95) / percentile(native, 95), 2)}× at p95 (goal ≤ 1.1×)`,
  );
  console.log(
    `embeddings: the HTTP route adds ${fmt(percentile(viaApi, 50) - percentile(direct, 50), 2)} ms at p50 over the embedder`,
  );
} finally {
  await app.close();
}
