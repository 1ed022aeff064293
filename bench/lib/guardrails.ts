/**
 * Set-up shared by the guardrails' benches (balance alerts, spend limits, auto top-up, all three together): a fresh
 * database with the tables they need, the ledger watched as `src/app.ts` composes it, the settings of one account
 * written as the routes would, and the charge loops the benches time.
 */
import { alertsMigrations } from "../../src/alerts/schema.js";
import { BalanceAlertWatcher } from "../../src/alerts/watcher.js";
import { createLedger } from "../../src/credits/create-ledger.js";
import type { Ledger, Spender } from "../../src/credits/ledger.js";
import type { LedgerWatcher } from "../../src/credits/ledger-watchers.js";
import { creditsMigrations } from "../../src/credits/schema.js";
import { SpendLimitStore } from "../../src/credits/spend-limits.js";
import type { Sql } from "../../src/db/sql.js";
import { eventsMigrations, Outbox } from "../../src/events/outbox.js";
import { JobQueue, jobsMigrations } from "../../src/jobs/queue.js";
import { newId } from "../../src/lib/ids.js";
import { AutoTopupStore } from "../../src/payments/auto-topup/store.js";
import { AutoTopupWatcher } from "../../src/payments/auto-topup/watcher.js";
import { paymentsMigrations } from "../../src/payments/schema.js";
import { freshDatabase, type TestDatabase } from "../../test/support/db.js";

export type Engine = "sqlite" | "postgres";

/** Every table the guardrails touch on the charge path. */
export function guardrailsDatabase(engine: Engine): Promise<TestDatabase> {
  return freshDatabase(engine, [
    creditsMigrations,
    eventsMigrations,
    alertsMigrations,
    paymentsMigrations,
    jobsMigrations,
  ]);
}

export function alertWatcher(sql: Sql): BalanceAlertWatcher {
  return new BalanceAlertWatcher({
    sql,
    outbox: new Outbox(),
    defaultThresholdMc: 0,
    onEvent: () => {},
    log: { warn() {} },
  });
}

export function autoTopupWatcher(t: TestDatabase): { store: AutoTopupStore; watcher: AutoTopupWatcher } {
  const store = new AutoTopupStore(t.db.sql);
  const watcher = new AutoTopupWatcher({
    store,
    jobs: new JobQueue(t.db),
    retryAfterMs: 3600_000,
    onQueued: () => {},
    log: { warn() {} },
  });
  return { store, watcher };
}

/** The ledger as the app composes it: the watchers are asked about every batch of credits, debits and captures. */
export function watchedLedger(t: TestDatabase, watchers: LedgerWatcher[]): Ledger {
  return createLedger(t.db, { watchers });
}

/** A new account holding far more credits than a run can spend. */
export async function richAccount(ledger: Ledger): Promise<string> {
  const accountId = newId("acct");
  await ledger.credit({ accountId, amountMc: 1e12, type: "grant", cause: {} });
  return accountId;
}

/** A low-balance threshold (`thresholdMc`) set by the customer, armed: every spend evaluates it. */
export async function setAlert(sql: Sql, accountId: string, thresholdMc: number): Promise<void> {
  await sql.run(
    "INSERT INTO balance_alerts (account_id, threshold_mc, email, low_sent, depleted_sent, updated_at) VALUES (?, ?, 1, 0, 0, ?)",
    [accountId, thresholdMc, Date.now()],
  );
}

/** A saved card and an auto top-up rule switched on, buying a pack when the balance falls below `thresholdMc`. */
export async function setAutoTopup(
  store: AutoTopupStore,
  watcher: AutoTopupWatcher,
  accountId: string,
  thresholdMc: number,
): Promise<void> {
  await store.rememberCustomer(accountId, `cus_${accountId}`);
  await store.saveCard(accountId, { paymentMethod: "pm_x", brand: "visa", last4: "4242", expMonth: 1, expYear: 2030 });
  await store.saveRule(accountId, {
    enabled: true,
    thresholdMc,
    packId: "credits-1000",
    amountCents: 1000,
    baseMc: 1_000_000,
    bonusMc: 0,
    maxPerMonth: 100,
    maxCentsPerMonth: null,
  });
  watcher.ruleChanged(accountId, true);
}

/** Three limits that bind `spender` (its site's per day, its key's per month, the account's in total), never reached. */
export async function setSpendLimits(
  sql: Sql,
  accountId: string,
  spender: { siteId: string; keyId: string },
): Promise<void> {
  const limits = new SpendLimitStore(sql);
  await limits.create({ accountId, siteId: spender.siteId, limitMc: 1e11, period: "day" });
  await limits.create({ accountId, keyId: spender.keyId, limitMc: 1e11, period: "month" });
  await limits.create({ accountId, limitMc: 1e11, period: "total" });
}

export interface ChargeRun {
  perSecond: number;
  /** Milliseconds per charge, one per charge. */
  latencies: number[];
  /** CPU this process spent per charge (on PostgreSQL most of the work is the server's, not counted here). */
  cpuMicrosPerCharge: number;
}

/** `clients` concurrent clients charging 1 credit at a time for `seconds`, as Metering does: reserve → capture. */
export async function reserveCaptureLoop(
  ledger: Ledger,
  accountId: string,
  spender: Spender | undefined,
  opts: { seconds: number; clients: number },
): Promise<ChargeRun> {
  const latencies: number[] = [];
  let charged = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;
  await Promise.all(
    Array.from({ length: opts.clients }, async () => {
      while (performance.now() < deadline) {
        const start = performance.now();
        const r = await ledger.reserve({ accountId, amountMc: 1000, cause: {}, ttlMs: 60_000, owner: "b", spender });
        if (!r.ok) throw new Error("refused");
        await ledger.capture({ accountId, holdId: r.hold.id, amountMc: 1000, cause: { operation: "bench" } });
        latencies.push(performance.now() - start);
        charged++;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    perSecond: charged / ((performance.now() - started) / 1000),
    latencies,
    cpuMicrosPerCharge: (used.user + used.system) / Math.max(1, charged),
  };
}

/** `clients` concurrent clients debiting 1 credit at a time for `seconds`: charges per second. */
export async function debitLoop(
  ledger: Ledger,
  accountId: string,
  opts: { seconds: number; clients: number },
): Promise<number> {
  let charges = 0;
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;
  await Promise.all(
    Array.from({ length: opts.clients }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const r = await ledger.debit({
          accountId,
          amountMc: 1000,
          type: "usage",
          idemKey: `${accountId}-${client}-${i}-${newId("x")}`,
          cause: { operation: "bench" },
        });
        if (r.ok) charges++;
      }
    }),
  );
  return charges / ((performance.now() - started) / 1000);
}

/** A B B A …: `rounds` rounds over `variants`, every other one reversed, so a drift over the run weighs on all alike. */
export function interleaved<T>(variants: readonly T[], rounds: number): T[] {
  const order: T[] = [];
  for (let round = 0; round < rounds; round++) order.push(...(round % 2 ? [...variants].reverse() : variants));
  return order;
}

export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
