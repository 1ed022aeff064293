/**
 * How often the event dispatcher is woken by spending that writes no event: 2,000 debits (20 at a time) of an account
 * far above its low-balance threshold, through the ledger with the balance-alert watcher and a real dispatcher that
 * counts its passes over the outbox, on SQLite and PostgreSQL. Before the ledger told its watchers' statements'
 * row counts, every batch woke it; now none should.
 *
 *   npx tsx bench/dispatcher-wakeups.ts [--debits 2000] [--engine sqlite|postgres]
 */
import { parseArgs } from "node:util";
import { alertsMigrations } from "../src/alerts/schema.js";
import { BalanceAlertWatcher } from "../src/alerts/watcher.js";
import { createLedger } from "../src/credits/create-ledger.js";
import { creditsMigrations } from "../src/credits/schema.js";
import { EventDispatcher } from "../src/events/dispatcher.js";
import { eventsMigrations, Outbox } from "../src/events/outbox.js";
import { freshDatabase } from "../test/support/db.js";
import { fmt, table } from "./lib/stats.js";

const { values } = parseArgs({ options: { debits: { type: "string", default: "2000" }, engine: { type: "string" } } });
const ENGINES = (["sqlite", "postgres"] as const).filter((e) => !values.engine || values.engine === e);
const DEBITS = Number(values.debits);

class CountingDispatcher extends EventDispatcher {
  passes = 0;
  override async drain(): Promise<number> {
    this.passes++;
    return super.drain();
  }
}
const quiet = { warn() {} };

const rows: (string | number)[][] = [];
for (const engine of ENGINES) {
  const t = await freshDatabase(engine, [creditsMigrations, eventsMigrations, alertsMigrations]);
  const dispatcher = new CountingDispatcher(t.db.sql, [], quiet, 3_600_000);
  const watcher = new BalanceAlertWatcher({
    sql: t.db.sql,
    outbox: new Outbox(),
    defaultThresholdMc: 5_000,
    onEvent: () => dispatcher.nudge(),
    log: quiet,
  });
  const ledger = createLedger(t.db, { watchers: [watcher] });
  await ledger.credit({ accountId: "acct_a", amountMc: 1_000 * DEBITS * 2, type: "grant", cause: {} });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let done = 0; done < DEBITS; done += 20)
    await Promise.all(
      Array.from({ length: 20 }, () =>
        ledger.debit({ accountId: "acct_a", amountMc: 1_000, type: "usage", cause: {} }),
      ),
    );
  await dispatcher.stop();
  const cpu = process.cpuUsage(cpu0);
  rows.push([
    engine,
    DEBITS,
    dispatcher.passes,
    fmt(performance.now() - t0, 0),
    fmt((cpu.user + cpu.system) / 1000, 0),
  ]);
  await ledger.close();
  await t.cleanup();
}
console.log(table(["engine", "debits", "dispatcher passes", "wall ms", "service CPU ms"], rows));
