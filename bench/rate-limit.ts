/**
 * What the request rate limit costs: one check through each adapter alone (in-process, and Redis on loopback, one at
 * a time and 32 at once), then GET /v1/balance through the service in its own process with limits off, in memory
 * and in Redis (a rate so high nothing is refused), side by side in one run, twice in turn to spread the noise.
 *
 *   npx tsx bench/rate-limit.ts [--seconds 5] [--clients 32] [--redis redis://127.0.0.1:6379]
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import type { RateLimiter } from "../src/http/rate-limit/limiter.js";
import { MemoryRateLimiter } from "../src/http/rate-limit/memory.js";
import { RedisRateLimiter } from "../src/http/rate-limit/redis.js";
import { PACKAGE_ROOT } from "../src/lib/package-root.js";
import { newCustomer, startTestApp } from "../test/support/app.js";
import { spawnService } from "../test/support/process.js";
import { fmt, percentile, table } from "./lib/stats.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    clients: { type: "string", default: "32" },
    redis: { type: "string", default: "redis://127.0.0.1:6379" },
  },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const REDIS_URL = values.redis!;
const PREFIX = `bench:rl:${randomUUID()}:`;
const UNLIMITED = { rps: 1e6, burst: 1e6 };

/** One check at a time (latency), then `CLIENTS` at once (throughput); distinct subjects like distinct keys. */
async function adapterBench(name: string, limiter: RateLimiter) {
  const latencies: number[] = [];
  for (let i = 0; i < 5_000; i++) {
    const t = performance.now();
    await limiter.take(`key_${i % 100}`, UNLIMITED);
    latencies.push((performance.now() - t) * 1000);
  }
  let done = 0;
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      while (performance.now() < until) {
        await limiter.take(`key_${c}`, UNLIMITED);
        done++;
      }
    }),
  );
  await limiter.close();
  return [name, fmt(percentile(latencies, 50)), fmt(percentile(latencies, 99)), fmt(done / SECONDS, 0)];
}

function ac(url: string, token: string): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections: CLIENTS, duration: SECONDS, headers: { authorization: `Bearer ${token}` } },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}

/** CPU time (user + system) a process has used, in microseconds, from /proc (100 Hz ticks). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function httpBench() {
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: PACKAGE_ROOT, stdio: "ignore" });
  const setup = await startTestApp("sqlite", { JOB_CONCURRENCY: "0" });
  const c = await newCustomer(setup);
  await setup.running.close();
  const base = { ...setup.env, NODE_ENV: "production", LOG_LEVEL: "warn", JOB_CONCURRENCY: "0" };
  const limits = { RATE_LIMIT_RPS: String(UNLIMITED.rps), RATE_LIMIT_BURST: String(UNLIMITED.burst) };
  const variants: [string, Record<string, string>][] = [
    ["limits off", {}],
    ["in-process limiter", limits],
    ["Redis limiter", { ...limits, REDIS_URL, REDIS_KEY_PREFIX: PREFIX }],
  ];
  const results = new Map<string, { rps: number[]; p50: number[]; p99: number[]; cpu: number[]; refused: number }>();
  for (let round = 0; round < 2; round++)
    for (const [name, env] of variants) {
      const service = await spawnService({ ...base, ...env }, { built: true });
      const url = `${service.url}/v1/balance`;
      await ac(url, c.apiKey); // warm-up: JIT, caches, Redis script loaded
      const before = cpuMicros(service.child.pid!);
      const r = await ac(url, c.apiKey);
      const cpu = (cpuMicros(service.child.pid!) - before) / Math.max(1, r.requests.total);
      await service.stop();
      const entry = results.get(name) ?? { rps: [], p50: [], p99: [], cpu: [], refused: 0 };
      entry.rps.push(r.requests.average);
      entry.p50.push(r.latency.p50);
      entry.p99.push(r.latency.p99);
      entry.cpu.push(cpu);
      entry.refused += r.non2xx;
      results.set(name, entry);
    }
  await setup.close();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const offRps = mean(results.get("limits off")!.rps);
  const offCpu = mean(results.get("limits off")!.cpu);
  return [...results].map(([name, r]) => [
    name,
    fmt(mean(r.rps), 0),
    `${fmt((100 * mean(r.rps)) / offRps, 0)} %`,
    fmt(mean(r.p50), 2),
    fmt(mean(r.p99), 2),
    `${fmt(mean(r.cpu), 0)} (+${fmt(mean(r.cpu) - offCpu, 0)})`,
    r.refused,
  ]);
}

const adapters = [
  await adapterBench("in-process", new MemoryRateLimiter()),
  await adapterBench(
    "Redis (loopback)",
    await RedisRateLimiter.connect(REDIS_URL, { keyPrefix: PREFIX, warn: (e) => console.error(e) }),
  ),
];
console.log(`\nRate limiter alone (${new Date().toISOString()}): one check at a time, then ${CLIENTS} at once\n`);
console.log(table(["adapter", "p50 µs", "p99 µs", `checks/s (${CLIENTS} at once)`], adapters));

const http = await httpBench();
console.log(`\nGET /v1/balance, SQLite, ${CLIENTS} connections, ${SECONDS} s per run, mean of 2 runs each\n`);
console.log(
  table(["limiter", "requests/s", "vs off", "p50 ms", "p99 ms", "server CPU µs/request (vs off)", "non-2xx"], http),
);

const redis = new Redis(REDIS_URL);
const keys = await redis.keys(`${PREFIX}*`);
if (keys.length) await redis.del(...keys);
redis.disconnect();
