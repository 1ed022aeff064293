/**
 * Ledger throughput and latency: 32 concurrent clients charging one hot account, each charge with an idempotency
 * key and a ledger entry — through the store on SQLite and on PostgreSQL, and through HTTP (the service in its own
 * process, driven by autocannon); GET /v1/balance against a bare route of the same framework, side by side; the
 * idle service's resident memory.
 *
 *   npx tsx bench/ledger.ts [--seconds 5] [--clients 32] [--only store|http] [--engine sqlite|postgres]
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { createLedger } from "../src/credits/create-ledger.js";
import { creditsMigrations } from "../src/credits/schema.js";
import { newId } from "../src/lib/ids.js";
import { PACKAGE_ROOT } from "../src/lib/package-root.js";
import { newCustomer, request, startTestApp } from "../test/support/app.js";
import { freshDatabase } from "../test/support/db.js";
import { spawnService } from "../test/support/process.js";
import { fmt, percentile, table } from "./lib/stats.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    clients: { type: "string", default: "32" },
    only: { type: "string" },
    engine: { type: "string" },
  },
});
const ENGINES = (["sqlite", "postgres"] as const).filter((e) => !values.engine || values.engine === e);
const RUN_STORE = values.only !== "http";
const RUN_HTTP = values.only !== "store";
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);

async function storeBench(engine: "sqlite" | "postgres") {
  const t = await freshDatabase(engine, [creditsMigrations]);
  const ledger = createLedger(t.db);
  const accountId = newId("acct");
  const funds = 1e12;
  await ledger.credit({ accountId, amountMc: funds, type: "grant", cause: {} });
  const latencies: number[] = [];
  let charges = 0;
  let refused = 0;
  const flushes = t.db.dialect === "sqlite" ? t.db.sql.walSync.stats : undefined;
  const flushesBefore = { ...flushes };
  const deadline = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const start = performance.now();
        const r = await ledger.debit({
          accountId,
          amountMc: 1000,
          type: "usage",
          idemKey: `c${client}-${i}`,
          cause: { operation: "bench" },
        });
        latencies.push(performance.now() - start);
        if (r.ok) charges++;
        else refused++;
      }
    }),
  );
  const elapsed = SECONDS;
  const balance = await ledger.balance(accountId);
  const sum = await ledger.sumOfEntries(accountId);
  const consistent = balance.availableMc === funds - charges * 1000 && sum.amountMc === balance.availableMc;
  // Each client waits for the WAL flush after its commit: CLIENTS ÷ mean flush time bounds charges per second.
  let flushNote = "";
  if (flushes) {
    const n = flushes.flushes - flushesBefore.flushes!;
    const mean = (flushes.flushMs - flushesBefore.flushMs!) / n;
    flushNote = `; ${fmt(n / elapsed, 0)} WAL flushes/s of ${fmt(mean, 2)} ms mean (bound ${fmt(CLIENTS / (mean / 1000), 0)}/s)`;
  }
  await ledger.close();
  await t.cleanup();
  return {
    name: `store, ${engine}`,
    perSecond: charges / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    note: `${refused} refused; ledger ${consistent ? "sums to the balance" : "DOES NOT MATCH"}${flushNote}`,
  };
}

/** Overdraft check under the same load: 32 clients race to spend a balance of 1,000 charges. */
async function overdraftCheck(engine: "sqlite" | "postgres") {
  const t = await freshDatabase(engine, [creditsMigrations]);
  const ledger = createLedger(t.db);
  const accountId = newId("acct");
  await ledger.credit({ accountId, amountMc: 1_000_000, type: "grant", cause: {} });
  let ok = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; i < 100; i++)
        if ((await ledger.debit({ accountId, amountMc: 1000, type: "usage", idemKey: `o${c}-${i}`, cause: {} })).ok)
          ok++;
    }),
  );
  const b = await ledger.balance(accountId);
  await ledger.close();
  await t.cleanup();
  return `${engine}: ${CLIENTS * 100} attempts on 1,000 credits → ${ok} charged, balance ${b.availableMc} mc`;
}

function ac(url: string, opts: Partial<autocannon.Options>): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CLIENTS, duration: SECONDS, ...opts }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
  });
}

/** CPU time (user + system) a process has used, in microseconds, from /proc (100 Hz ticks). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** Warms the route up (JIT, caches), then measures it; also the server's CPU per request. */
async function measure(url: string, pid: number, opts: Partial<autocannon.Options>) {
  await ac(url, { ...opts, duration: 2 });
  const before = cpuMicros(pid);
  const result = await ac(url, opts);
  const cpuPerRequest = (cpuMicros(pid) - before) / Math.max(1, result.requests.total);
  return { result, cpuPerRequest };
}

async function httpBench(engine: "sqlite" | "postgres") {
  // The service under test runs in its own process, from the built code, as in production.
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: PACKAGE_ROOT, stdio: "ignore" });
  const setup = await startTestApp(engine, { JOB_CONCURRENCY: "0" });
  const c = await newCustomer(setup);
  await setup.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: 1e9, reason: "bench" });
  await setup.running.close();
  // Measured as operators run it: NODE_ENV=production (no response validation), logs at warn.
  const service = await spawnService(
    { ...setup.env, NODE_ENV: "production", LOG_LEVEL: "warn", JOB_CONCURRENCY: "0" },
    { built: true },
  );

  const bareService = await spawnBare();

  const rows = [];
  const { result: balance, cpuPerRequest: balanceCpu } = await measure(
    `${service.url}/v1/balance`,
    service.child.pid!,
    {
      headers: { authorization: `Bearer ${c.apiKey}` },
    },
  );
  const { result: bareResult, cpuPerRequest: bareCpu } = await measure(`${bareService.url}/bare`, bareService.pid, {});
  let seq = 0;
  const charges = await ac(`${service.url}/v1/admin/accounts/${c.accountId}/grants`, {
    method: "POST",
    headers: { authorization: `Bearer ${setup.env.ADMIN_TOKEN}`, "content-type": "application/json" },
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          headers: { ...req.headers, "idempotency-key": `http-${seq++}` },
          body: JSON.stringify({ credits: -1, reason: "bench" }),
        }),
      },
    ],
  });
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${service.child.pid}/status`, "utf8"))![1]) / 1024;
  rows.push({
    name: `HTTP charge (admin grant −1, idempotency key), ${engine}`,
    perSecond: charges.requests.average,
    p50: charges.latency.p50,
    p99: charges.latency.p99,
    note: `${charges.non2xx} non-2xx`,
  });
  rows.push({
    name: `HTTP GET /v1/balance, ${engine}`,
    perSecond: balance.requests.average,
    p50: balance.latency.p50,
    p99: balance.latency.p99,
    note:
      `${fmt((100 * balance.requests.average) / bareResult.requests.average, 0)}% of the bare route's requests/s; ` +
      `${fmt(balanceCpu, 0)} µs CPU per request vs ${fmt(bareCpu, 0)} (${fmt((100 * bareCpu) / balanceCpu, 0)}%)`,
  });
  rows.push({
    name: "HTTP bare Fastify route (same machine, same run)",
    perSecond: bareResult.requests.average,
    p50: bareResult.latency.p50,
    p99: bareResult.latency.p99,
    note: "",
  });
  const balanceAfter = (await request(service.url, "GET", "/v1/balance", { token: c.apiKey })).body;
  await service.stop();
  await bareService.stop();
  await setup.close();
  return { rows, rss, balanceAfter };
}

/** A bare Fastify route in its own process, for the side-by-side HTTP ratio. */
async function spawnBare() {
  const { spawn } = await import("node:child_process");
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const f=require('fastify')({logger:false});f.get('/bare',async()=>({credits:1,reservedCredits:0}));f.listen({port:0,host:'127.0.0.1'}).then(a=>console.log('LISTEN '+a))`,
    ],
    { cwd: PACKAGE_ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve) => {
    child.stdout!.on("data", (d: Buffer) => {
      const m = /LISTEN (\S+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
  });
  return { url, pid: child.pid!, stop: async () => void child.kill() };
}

const results = [];
const checks = [];
if (RUN_STORE) {
  for (const engine of ENGINES) results.push(await storeBench(engine));
  for (const engine of ENGINES) checks.push(await overdraftCheck(engine));
}
const http = [];
let rss = 0;
for (const engine of RUN_HTTP ? ENGINES : []) {
  const r = await httpBench(engine);
  http.push(...r.rows);
  if (engine === "sqlite") rss = r.rss;
}
console.log(
  `\nLedger: ${CLIENTS} concurrent clients, one hot account, ${SECONDS} s each (${new Date().toISOString()})\n`,
);
console.log(
  table(
    ["path", "charges or requests /s", "p50 ms", "p99 ms", "note"],
    [...results, ...http].map((r) => [r.name, fmt(r.perSecond, 0), fmt(r.p50, 2), fmt(r.p99, 2), r.note]),
  ),
);
if (checks.length) console.log(`\nNo overdraft:\n- ${checks.join("\n- ")}`);
if (rss) console.log(`\nIdle service resident memory after the HTTP run (SQLite): ${fmt(rss, 0)} MiB`);
console.log(`(path of this file: ${path.relative(PACKAGE_ROOT, new URL(import.meta.url).pathname)})`);
