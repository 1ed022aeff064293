import { alertsMigrations } from "../../src/alerts/schema.js";
import { BalanceAlertWatcher } from "../../src/alerts/watcher.js";
import { createLedger } from "../../src/credits/create-ledger.js";
import type { Ledger } from "../../src/credits/ledger.js";
import { creditsMigrations } from "../../src/credits/schema.js";
import { EventDispatcher } from "../../src/events/dispatcher.js";
import { eventsMigrations, Outbox } from "../../src/events/outbox.js";
import { type Engine, freshDatabase, type TestDatabase } from "./db.js";

/** The real dispatcher, counting the passes it makes over the outbox (its own poll is an hour away). */
export class CountingDispatcher extends EventDispatcher {
  passes = 0;
  override async drain(): Promise<number> {
    this.passes++;
    return super.drain();
  }
}

/** A fresh database, a ledger with the balance-alert watcher (threshold 5 credits), the dispatcher it wakes. */
export interface AlertedLedger {
  t: TestDatabase;
  ledger: Ledger;
  dispatcher: CountingDispatcher;
  close(): Promise<void>;
}

export async function startAlertedLedger(engine: Engine): Promise<AlertedLedger> {
  const quiet = { warn() {} };
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
  return {
    t,
    ledger,
    dispatcher,
    async close() {
      await dispatcher.stop();
      await ledger.close();
      await t.cleanup();
    },
  };
}
