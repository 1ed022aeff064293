/**
 * How often the event dispatcher is woken by spending that writes no event: 2,000 debits (20 at a time) of an account
 * far above its low-balance threshold, through the ledger with the balance-alert watcher and a real dispatcher that
 * counts its passes over the outbox, on SQLite and PostgreSQL. Before the ledger told its watchers' statements'
 * row counts, every batch woke it; now none should.
 *
 *   npx tsx bench/dispatcher-wakeups.ts [--debits 2000] [--engine sqlite|postgres]
 */
import { parseArgs } from "node:util";
import { startAlertedLedger } from "../test/support/alerted-ledger.js";
import { fmt, table } from "./lib/stats.js";

const { values } = parseArgs({ options: { debits: { type: "string", default: "2000" }, engine: { type: "string" } } });
const ENGINES = (["sqlite", "postgres"] as const).filter((e) => !values.engine || values.engine === e);
const DEBITS = Number(values.debits);

const rows: (string | number)[][] = [];
for (const engine of ENGINES) {
  const setup = await startAlertedLedger(engine);
  const { ledger, dispatcher } = setup;
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
  await setup.close();
}
console.log(table(["engine", "debits", "dispatcher passes", "wall ms", "service CPU ms"], rows));
