/**
 * The charge path with a low-balance alert set, against none, side by side in one run: 32 concurrent clients debiting
 * one hot account through the ledger store (SQLite and PostgreSQL), bare and wrapped with the balance-alert watcher
 * (a threshold set; every debit carries its two conditional writes). Rounds alternate to spread the machine's noise.
 *
 *   npx tsx bench/balance-alerts.ts [--seconds 3] [--rounds 2] [--clients 32] [--engine sqlite|postgres]
 */
import { parseArgs } from "node:util";
import { alertsMigrations } from "../src/alerts/schema.js";
import { BalanceAlertWatcher } from "../src/alerts/watcher.js";
import { createLedger } from "../src/credits/create-ledger.js";
import type { Ledger } from "../src/credits/ledger.js";
import { watchLedger } from "../src/credits/ledger-watchers.js";
import { creditsMigrations } from "../src/credits/schema.js";
import { eventsMigrations, Outbox } from "../src/events/outbox.js";
import { newId } from "../src/lib/ids.js";
import { freshDatabase } from "../test/support/db.js";
import { fmt, table } from "./lib/stats.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    rounds: { type: "string", default: "2" },
    clients: { type: "string", default: "32" },
    engine: { type: "string" },
  },
});
const ENGINES = (["sqlite", "postgres"] as const).filter((e) => !values.engine || values.engine === e);
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);

async function chargesPerSecond(ledger: Ledger, accountId: string): Promise<number> {
  let charges = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const r = await ledger.debit({
          accountId,
          amountMc: 1000,
          type: "usage",
          idemKey: `c${client}-${i}-${newId("x")}`,
          cause: { operation: "bench" },
        });
        if (r.ok) charges++;
      }
    }),
  );
  return charges / ((performance.now() - started) / 1000);
}

const rows: (string | number)[][] = [];
for (const engine of ENGINES) {
  const t = await freshDatabase(engine, [creditsMigrations, eventsMigrations, alertsMigrations]);
  const bare = createLedger(t.db);
  const watcher = new BalanceAlertWatcher({
    sql: t.db.sql,
    outbox: new Outbox(),
    defaultThresholdMc: 0,
    onEvent: () => {},
    log: { warn() {} },
  });
  const watched = watchLedger(createLedger(t.db), [watcher]);
  const plain = newId("acct");
  const alerted = newId("acct");
  for (const accountId of [plain, alerted]) await bare.credit({ accountId, amountMc: 1e12, type: "grant", cause: {} });
  // A threshold far above the balance's reach in the run: armed, so every debit evaluates it.
  await t.db.sql.run(
    "INSERT INTO balance_alerts (account_id, threshold_mc, email, low_sent, depleted_sent, updated_at) VALUES (?, ?, 1, 0, 0, ?)",
    [alerted, 1_000_000, Date.now()],
  );
  const none: number[] = [];
  const withAlert: number[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    none.push(await chargesPerSecond(bare, plain));
    withAlert.push(await chargesPerSecond(watched, alerted));
  }
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  rows.push([engine, fmt(avg(none), 0), fmt(avg(withAlert), 0), `${fmt(avg(withAlert) / avg(none), 2)}×`]);
  await bare.close();
  await watched.close();
  await t.cleanup();
}
console.log(table(["engine", "charges/s, no alert", "charges/s, alert set", "ratio (goal ≥ 0.8×)"], rows));
process.exit(0);
