/**
 * `npm run bench` runs every benchmark, one after another, each in its own process; `npm run bench -- ledger images`
 * runs some. Figures are printed as Markdown tables (docs/benchmarks.md quotes them). Machines are shared and noisy:
 * compare figures measured side by side in one run.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { PACKAGE_ROOT } from "../src/lib/package-root.js";
import preparePostgres from "../test/support/pg-global-setup.js";

const BENCHES: Record<string, { file: string; args?: string[]; about: string }> = {
  ledger: {
    file: "bench/ledger.ts",
    about: "ledger throughput/latency (store and HTTP, SQLite and PostgreSQL), idle memory",
  },
  "auto-topup": {
    file: "bench/auto-topup.ts",
    about: "the charge path with an auto top-up rule set against none (SQLite and PostgreSQL, same run)",
  },
  ingestion: {
    file: "bench/ingestion.ts",
    about: "ingestion pipeline vs embedder, 10-page PDF, 50 MB PDF peak memory",
  },
  search: {
    file: "bench/search-latency.ts",
    about: "hybrid search latency over 100,000 chunks; vector recall vs exact",
  },
  "large-upload": {
    file: "bench/large-upload.ts",
    about: "one upload of 20,000 chunks end to end (HTTP, job, charge, index) on SQLite and PostgreSQL, side by side",
  },
  retrieval: {
    file: "bench/retrieval.ts",
    about: "nDCG@10 / recall on SciFact, Cranfield, CISI (slow the first time: embeddings)",
  },
  guardrails: {
    file: "bench/guardrails.ts",
    about:
      "the charge path with a threshold, three spend limits and an auto top-up rule set against none (both engines)",
  },
  alerts: { file: "bench/balance-alerts.ts", about: "charge path with a low-balance alert set against none" },
  wakeups: {
    file: "bench/dispatcher-wakeups.ts",
    about: "event dispatcher passes woken by 2,000 debits that write no alert event (both engines)",
  },
  metering: { file: "bench/images-metering.ts", about: "image metering overhead against the adapter alone" },
  "spend-limits": {
    file: "bench/spend-limits.ts",
    about: "the charge path with three binding spend limits against none (SQLite and PostgreSQL)",
  },
  images: { file: "bench/images.ts", about: "offline upscaling: time, memory, PSNR/SSIM" },
  embedders: { file: "bench/embedders.ts", about: "embedder throughput" },
  "rate-limit": {
    file: "bench/rate-limit.ts",
    about: "request rate limit: one check in-process vs Redis; GET /v1/balance with limits off, in memory, in Redis",
  },
  "text-rule": { file: "bench/text-rule.ts", about: "the HTTP text rule's cost on JSON bodies (parse from bytes)" },
  "event-dispatch": {
    file: "bench/event-dispatch.ts",
    about: "the event dispatcher alone: a backlog of 3,000 events fanned out to delivery rows (SQLite and PostgreSQL)",
  },
  webhooks: {
    file: "bench/webhooks.ts",
    about: "webhook delivery to a local receiver: p95 commit→delivery at 100 events/s, events/s in a burst",
  },
  openai: {
    file: "bench/openai-overhead.ts",
    about: "the OpenAI-compatible layer's overhead: vector store search vs native query, /embeddings vs the embedder",
  },
  load: {
    file: "bench/query-load.ts",
    about: "50 clients of hybrid searches for 60 s, local embedder: latency, shedding, charged vs answered",
  },
  "lease-fence": {
    file: "bench/lease-fence.ts",
    about: "a job's lease fence on each batch of chunks written to the knowledge index (SQLite and PostgreSQL)",
  },
  "multi-process": {
    file: "bench/multi-process.ts",
    about: "ledger and ingestion on PostgreSQL: one process against two API processes and a worker (docs/postgres.md)",
  },
};

const asked = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = asked.filter((a) => !BENCHES[a]);
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}\n`);
  for (const [name, b] of Object.entries(BENCHES)) console.error(`  ${name.padEnd(10)} ${b.about}`);
  process.exit(2);
}
const names = asked.length ? asked : Object.keys(BENCHES);
// The PostgreSQL benches use the tests' database (pgvector in `public`), made here as `vitest run` makes it.
await preparePostgres().catch((error) =>
  console.error(`PostgreSQL is not ready, its benches will fail: ${(error as Error).message}`),
);
let failed = 0;
for (const name of names) {
  const b = BENCHES[name]!;
  console.log(`\n=== ${name}: ${b.about}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(PACKAGE_ROOT, b.file), ...(b.args ?? [])], {
    cwd: PACKAGE_ROOT,
    stdio: "inherit",
  });
  if (r.status !== 0) {
    failed++;
    console.error(`${name} failed (exit ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
