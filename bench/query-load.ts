/**
 * Hybrid searches under load with the local embedder: `--clients` concurrent clients search for `--seconds` against
 * the real service (src/main.ts in its own process, loopback only). Clients honour Retry-After when refused and give
 * up after `--client-timeout` seconds. Reports latency percentiles over admitted (2xx) searches, the shed rate
 * beside them, searches answered vs charged (the ledger's usage count), and throughput as a ratio to the model's own
 * throughput, measured in this run on short texts like the queries (before and after the load, server idle), and the
 * CPU time the service, its PostgreSQL backends (a server on this machine) and the clients used per answered search.
 *   npx tsx bench/query-load.ts [--engines sqlite,postgres] [--clients 50] [--seconds 60] [--accounts 10]
 *     [--client-timeout 30] [--max-wait-ms 2000]
 */
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { LocalEmbedder } from "../src/knowledge/embedders/local.js";
import { randomChars } from "../src/lib/ids.js";
import { ADMIN_TOKEN, request } from "../test/support/app.js";
import { dropSchema, PG_URL, tempDir } from "../test/support/db.js";
import { spawnService } from "../test/support/process.js";
import { backendsOf, CpuMeter, cpuSeconds } from "./lib/cpu.js";
import { fmt, percentile, table } from "./lib/stats.js";
import { rng, vocabulary, zipfSampler } from "./lib/synthetic.js";

const { values } = parseArgs({
  options: {
    engines: { type: "string", default: "sqlite" },
    clients: { type: "string", default: "50" },
    seconds: { type: "string", default: "60" },
    accounts: { type: "string", default: "10" },
    "client-timeout": { type: "string", default: "30" },
    "max-wait-ms": { type: "string", default: "2000" },
  },
});
const CLIENTS = Number(values.clients);
const SECONDS = Number(values.seconds);
const ACCOUNTS = Number(values.accounts);
const CLIENT_TIMEOUT_MS = Number(values["client-timeout"]) * 1000;

const random = rng(7);
const vocab = vocabulary(5_000, random);
const word = zipfSampler(vocab.length, random);
const words = (n: number) => Array.from({ length: n }, () => vocab[word()]).join(" ");
const queries = Array.from({ length: 500 }, () => words(3 + Math.floor(random() * 6)));

/** Texts per second of the local model on the queries, one worker, batches of 8 (as the service runs it). */
async function modelThroughput(seconds: number): Promise<number> {
  const embedder = new LocalEmbedder();
  await embedder.embed(["warm up"], "document");
  let texts = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const batch = Array.from({ length: 8 }, (_, i) => queries[(texts + i) % queries.length]!);
    await embedder.embed(batch, "document");
    texts += batch.length;
  }
  const rate = texts / ((performance.now() - started) / 1000);
  await embedder.close();
  return rate;
}

interface Customer {
  accountId: string;
  apiKey: string;
  kbId: string;
}

async function setUp(url: string): Promise<Customer[]> {
  const customers: Customer[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const lic = await request(url, "POST", "/v1/admin/licenses", {
      token: ADMIN_TOKEN,
      body: { email: `load${i}-${randomChars(6)}@example.com`, plan: "personal" },
    });
    const act = await request(url, "POST", "/v1/activations", {
      body: { licenseKey: lic.body.key, siteUrl: `https://load${i}.example.com` },
    });
    await request(url, "POST", `/v1/admin/accounts/${lic.body.accountId}/grants`, {
      token: ADMIN_TOKEN,
      body: { credits: 100_000, reason: "benchmark" },
    });
    const token = act.body.apiKey as string;
    const kb = await request(url, "POST", "/v1/knowledge-bases", { token, body: { name: "load" } });
    for (let d = 0; d < 3; d++) {
      const doc = await request(url, "POST", `/v1/knowledge-bases/${kb.body.id}/documents`, {
        token,
        body: { name: `doc ${d}`, text: words(600) },
      });
      if (doc.status !== 201) throw new Error(`upload: ${doc.status} ${JSON.stringify(doc.body)}`);
    }
    customers.push({ accountId: lic.body.accountId, apiKey: token, kbId: kb.body.id });
  }
  return customers;
}

interface Outcome {
  status: number | "timeout" | "error";
  ms: number;
}

async function load(url: string, customers: Customer[]): Promise<{ outcomes: Outcome[]; elapsedS: number }> {
  const outcomes: Outcome[] = [];
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const client = async (n: number) => {
    const customer = customers[n % customers.length]!;
    let i = n;
    while (performance.now() < deadline) {
      i += 7;
      const query = queries[i % queries.length]!;
      const t0 = performance.now();
      let retryAfterS = 0;
      try {
        const res = await fetch(`${url}/v1/knowledge-bases/${customer.kbId}/query`, {
          method: "POST",
          headers: { authorization: `Bearer ${customer.apiKey}`, "content-type": "application/json" },
          body: JSON.stringify({ query, mode: "hybrid", topK: 5 }),
          signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
        });
        await res.arrayBuffer();
        outcomes.push({ status: res.status, ms: performance.now() - t0 });
        if (res.status === 503 || res.status === 429) retryAfterS = Number(res.headers.get("retry-after") ?? 1);
      } catch (error) {
        const timedOut = (error as Error).name === "TimeoutError";
        outcomes.push({ status: timedOut ? "timeout" : "error", ms: performance.now() - t0 });
      }
      if (retryAfterS > 0) await new Promise((r) => setTimeout(r, retryAfterS * 1000));
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
  return { outcomes, elapsedS: (performance.now() - started) / 1000 };
}

/** Searches charged, from each account's usage, once every hold has settled. */
async function chargedSearches(url: string, customers: Customer[]): Promise<{ charged: number; reserved: number }> {
  let charged = 0;
  let reserved = 0;
  for (const c of customers) {
    const usage = await request(url, "GET", "/v1/usage", { token: c.apiKey });
    for (const row of usage.body.data as { operation: string; count: number }[])
      if (row.operation === "training.query") charged += row.count;
    reserved += (await request(url, "GET", "/v1/balance", { token: c.apiKey })).body.reservedCredits;
  }
  return { charged, reserved };
}

/**
 * The service's own view (its request histogram, from when it has read a request to when it answers): the share of
 * searches with `status` answered within `le` seconds. Set beside the clients' view, it tells time spent in the
 * service from time spent reaching it (the clients' event loop, the network stack, a busy machine).
 */
async function serverShareWithin(url: string, status: number, le: string): Promise<number> {
  const text = (await request(url, "GET", "/metrics", { token: ADMIN_TOKEN })).body as string;
  const route = 'route="/v1/knowledge-bases/:id/query"';
  const pick = (name: string, extra = "") =>
    Number(
      text
        .split("\n")
        .find((l) => l.startsWith(name) && l.includes(route) && l.includes(`status="${status}"`) && l.includes(extra))
        ?.split(" ")
        .at(-1) ?? Number.NaN,
    );
  return pick("http_request_duration_seconds_bucket", `le="${le}"`) / pick("http_request_duration_seconds_count");
}

const rows: (string | number)[][] = [];
for (const engine of values.engines.split(",")) {
  const dataDir = tempDir();
  const schema = engine === "postgres" ? `bench_${randomChars(10)}` : undefined;
  const service = await spawnService({
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    DATA_DIR: dataDir,
    ADMIN_TOKEN,
    EMBEDDING_QUERY_MAX_WAIT_MS: values["max-wait-ms"],
    ...(schema ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {}),
  });
  try {
    process.stderr.write(`${engine}: setting up ${ACCOUNTS} accounts…\n`);
    const customers = await setUp(service.url);
    process.stderr.write(`${engine}: measuring the model alone…\n`);
    const modelBefore = await modelThroughput(10);
    process.stderr.write(`${engine}: ${CLIENTS} clients for ${SECONDS} s…\n`);
    // Where the two cores go during the load: the service (its event loop and the model's worker), the database's
    // backends serving it (PostgreSQL on this machine), and this process (the clients).
    const servicePid = service.child.pid!;
    const database = schema ? new CpuMeter(() => backendsOf(PG_URL, servicePid)) : undefined;
    const cpuBefore = {
      service: cpuSeconds(servicePid),
      eventLoop: cpuSeconds(servicePid, true),
      clients: process.cpuUsage(),
    };
    await database?.sample();
    const sampling = setInterval(() => void database?.sample().catch(() => {}), 1000);
    const { outcomes, elapsedS } = await load(service.url, customers);
    clearInterval(sampling);
    await database?.sample();
    const clientsCpu = process.cpuUsage(cpuBefore.clients);
    const cpu = {
      service: cpuSeconds(servicePid) - cpuBefore.service,
      eventLoop: cpuSeconds(servicePid, true) - cpuBefore.eventLoop,
      database: database?.seconds ?? 0,
      clients: (clientsCpu.user + clientsCpu.system) / 1e6,
    };
    const modelAfter = await modelThroughput(10);
    const model = (modelBefore + modelAfter) / 2;
    // Answers have all arrived; a hold of a request still finishing would show as reserved.
    const { charged, reserved } = await chargedSearches(service.url, customers);
    const served = await serverShareWithin(service.url, 200, "2.5");
    const refused = await serverShareWithin(service.url, 429, "0.01");
    const ok = outcomes.filter((o) => o.status === 200);
    const shed = outcomes.filter((o) => o.status === 503 || o.status === 429);
    const rateLimited = outcomes.filter((o) => o.status === 429).length;
    const timeouts = outcomes.filter((o) => o.status === "timeout").length;
    const other = outcomes.length - ok.length - shed.length - timeouts;
    const latencies = ok.map((o) => o.ms);
    const throughput = ok.length / elapsedS;
    rows.push([
      engine,
      ok.length,
      fmt(percentile(latencies, 50), 0),
      fmt(percentile(latencies, 95), 0),
      fmt(percentile(latencies, 99), 0),
      `${fmt((100 * shed.length) / outcomes.length)} % (${rateLimited} × 429)`,
      fmt(
        percentile(
          shed.map((o) => o.ms),
          99,
        ),
        0,
      ),
      timeouts,
      other,
      `${fmt(100 * served)} % / ${fmt(100 * refused)} %`,
      `${charged} / ${ok.length}${reserved ? ` (+${reserved} held)` : ""}`,
      `${fmt(throughput)} / ${fmt(model)} = ${fmt(throughput / model, 2)}`,
      `${[cpu.service, cpu.database, cpu.clients].map((s) => fmt((1000 * s) / Math.max(1, ok.length))).join(" / ")} (event loop ${fmt((1000 * cpu.eventLoop) / Math.max(1, ok.length))})`,
      fmt((cpu.service + cpu.database + cpu.clients) / elapsedS, 2),
    ]);
  } finally {
    await service.stop();
    if (schema) await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(
  `\n${CLIENTS} clients, ${SECONDS} s of hybrid searches, ${ACCOUNTS} accounts, EMBEDDING_QUERY_MAX_WAIT_MS=${values["max-wait-ms"]}\n`,
);
console.log(
  table(
    [
      "engine",
      "answered",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "shed",
      "p99 ms of a refusal",
      "client timeouts",
      "other",
      "in the service: 200s ≤ 2.5 s / 429s ≤ 10 ms",
      "charged / answered",
      "searches/s ÷ model texts/s",
      "CPU ms per answered search: service / database / clients (the service's event loop)",
      "cores busy (of 2)",
    ],
    rows,
  ),
);
