/**
 * The event dispatcher alone: 3,000 committed events of 3 accounts (2 endpoints each, every event subscribed) moved
 * from the outbox to delivery rows by `drain()`, with no sending (WEBHOOKS_CONCURRENCY=0) and the dispatcher's own
 * wake-ups stopped, on SQLite and on PostgreSQL. What a backlog costs to fan out, without the writers' noise.
 *
 *   npx tsx bench/event-dispatch.ts [--engine sqlite|postgres] [--events 3000]
 */
import { parseArgs } from "node:util";
import { newCustomer, startTestApp } from "../test/support/app.js";
import { fmt, table } from "./lib/stats.js";

const { values } = parseArgs({ options: { engine: { type: "string" }, events: { type: "string", default: "3000" } } });
const ENGINES = (["sqlite", "postgres"] as const).filter((e) => !values.engine || values.engine === e);
const EVENTS = Number(values.events);

const rows: (string | number)[][] = [];
for (const engine of ENGINES) {
  const app = await startTestApp(engine, { WEBHOOKS_ALLOW_PRIVATE_URLS: "true", WEBHOOKS_CONCURRENCY: "0" });
  try {
    const { events, outbox, db } = app.running.ctx;
    const customers = [await newCustomer(app), await newCustomer(app), await newCustomer(app)];
    for (const c of customers)
      for (let e = 0; e < 2; e++) {
        const body = { url: "http://127.0.0.1:9/hook", events: ["*"] };
        const made = await app.api("POST", "/v1/webhook-endpoints", { token: c.licenseKey, body });
        if (made.status !== 201) throw new Error(`endpoint: ${made.status}`);
      }
    await events.stop();
    for (let written = 0; written < EVENTS; written += 100)
      await db.sql.transaction(async (tx) => {
        for (let i = written; i < Math.min(EVENTS, written + 100); i++)
          await outbox.insert(tx, { accountId: customers[i % 3]!.accountId, type: "purchase.completed", data: { i } });
      });
    const start = performance.now();
    let n = 0;
    // A stopped dispatcher's `drain` returns after one batch: call it until the outbox is empty.
    for (let k = await events.drain(); k > 0; k = await events.drain()) n += k;
    const ms = performance.now() - start;
    const made = await db.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_deliveries");
    rows.push([engine, n, Number(made?.n), fmt(ms, 0), fmt((n / ms) * 1000, 0)]);
  } finally {
    await app.close();
  }
}
console.log(table(["engine", "events", "delivery rows", "drain ms", "events/s"], rows));
