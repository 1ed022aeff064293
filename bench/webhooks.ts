/**
 * Webhook delivery to a local receiver (127.0.0.1): the delay from an event's commit (the ledger movement that wrote
 * it has returned) to its arrival at the receiver, at a steady 100 events/s; and the most events/s delivered when
 * events are written as fast as the ledger takes them. The service runs in this process (one process, the default
 * WEBHOOKS_CONCURRENCY of 16), on SQLite and on PostgreSQL.
 *
 *   npx tsx bench/webhooks.ts [--rate 100] [--seconds 10] [--burst 2000] [--concurrency 16] [--engine sqlite|postgres]
 */
import { parseArgs } from "node:util";
import { newCustomer, startTestApp, type TestApp } from "../test/support/app.js";
import { startReceiver } from "../test/webhooks/receiver.js";
import { fmt, percentile, table } from "./lib/stats.js";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "100" },
    seconds: { type: "string", default: "10" },
    burst: { type: "string", default: "2000" },
    engine: { type: "string" },
    concurrency: { type: "string", default: "16" },
  },
});
const ENGINES = (["sqlite", "postgres"] as const).filter((e) => !values.engine || values.engine === e);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const BURST = Number(values.burst);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes one event with a credit movement (as every feature does) and returns its id once it has committed. */
async function emit(app: TestApp, accountId: string, i: number): Promise<string> {
  const { ledger, outbox } = app.running.ctx;
  const write = outbox.write({ accountId, type: "purchase.completed", data: { i } });
  await ledger.credit({ accountId, amountMc: 1, type: "grant", cause: { reason: "bench" }, writes: [write] });
  return write.params[0] as string;
}

const rows: (string | number)[][] = [];
for (const engine of ENGINES) {
  const rx = await startReceiver();
  const arrived = new Map<string, number>();
  rx.answer = (_n, r) => {
    arrived.set(String(r.headers["webhook-id"]), performance.now());
    return 200;
  };
  const app = await startTestApp(engine, {
    WEBHOOKS_ALLOW_PRIVATE_URLS: "true",
    WEBHOOKS_CONCURRENCY: values.concurrency,
    LOG_LEVEL: "error",
  });
  try {
    const c = await newCustomer(app);
    const made = await app.api("POST", "/v1/webhook-endpoints", {
      token: c.licenseKey,
      body: { url: rx.url, events: ["*"] },
    });
    if (made.status !== 201) throw new Error(`endpoint: ${made.status}`);

    // Steady rate: one event every 1/RATE s, each timed from its commit.
    const committed = new Map<string, number>();
    const total = RATE * SECONDS;
    const start = performance.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(emit(app, c.accountId, i).then((id) => void committed.set(id, performance.now())));
    }
    await Promise.all(pending);
    await rx.waitFor(total, 120_000);
    const delays = [...committed].map(([id, t]) => arrived.get(id)! - t);
    const steadyRate = total / ((Math.max(...arrived.values()) - start) / 1000);
    // Where the time goes: event row → delivery row (the dispatcher), and one attempt's POST (the sender).
    const stages = await app.running.ctx.db.sql.all<{ queued: number; latency: number }>(
      `SELECT d.created_at - e.created_at AS queued, d.latency_ms AS latency
       FROM webhook_deliveries d JOIN events e ON e.id = d.event_id`,
    );
    const queued = stages.map((r) => Number(r.queued));
    const latency = stages.map((r) => Number(r.latency));

    // Burst: as many as the ledger takes, then until the last one arrives.
    const before = rx.received.length;
    const burstStart = performance.now();
    const inFlight = 32;
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < BURST) await emit(app, c.accountId, next++);
      }),
    );
    await rx.waitFor(before + BURST, 300_000);
    const burstSeconds = (performance.now() - burstStart) / 1000;

    rows.push([
      engine,
      `${RATE}/s × ${SECONDS} s`,
      fmt(steadyRate, 0),
      fmt(percentile(delays, 50), 0),
      fmt(percentile(delays, 95), 0),
      fmt(percentile(delays, 99), 0),
      fmt(Math.max(...delays), 0),
      `${fmt(percentile(queued, 50), 0)} / ${fmt(percentile(queued, 95), 0)}`,
      `${fmt(percentile(latency, 50), 0)} / ${fmt(percentile(latency, 95), 0)}`,
      fmt(BURST / burstSeconds, 0),
    ]);
  } finally {
    await app.close();
    await rx.close();
  }
}

console.log(
  table(
    [
      "engine",
      "steady load",
      "delivered/s",
      "p50 commit→delivery ms",
      "p95 ms",
      "p99 ms",
      "max ms",
      "event→queued p50/p95 ms",
      "POST p50/p95 ms",
      `burst of ${BURST}: delivered/s`,
    ],
    rows,
  ),
);
