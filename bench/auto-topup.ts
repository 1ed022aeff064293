/**
 * The charge path with an auto top-up rule set against none, side by side in one run: 32 concurrent clients debiting
 * one hot account through the ledger, on SQLite and on PostgreSQL. "rule" is an account with a rule switched on and a
 * saved card, spending above its threshold (every debit carries the watcher's conditional claim and job inserts);
 * "rule, crossing" starts below the threshold with an attempt already in flight (the claim's NOT EXISTS and the
 * unique index refuse a second one on every debit). The goal: ≥ 0.8× the charges/s of "none".
 *
 *   npx tsx bench/auto-topup.ts [--seconds 4] [--clients 32] [--rounds 2] [--engine sqlite|postgres]
 */
import { parseArgs } from "node:util";
import { createLedger } from "../src/credits/create-ledger.js";
import type { Ledger } from "../src/credits/ledger.js";
import { watchLedger } from "../src/credits/ledger-watchers.js";
import { creditsMigrations } from "../src/credits/schema.js";
import { JobQueue, jobsMigrations } from "../src/jobs/queue.js";
import { newId } from "../src/lib/ids.js";
import { AutoTopupStore } from "../src/payments/auto-topup/store.js";
import { AutoTopupWatcher } from "../src/payments/auto-topup/watcher.js";
import { paymentsMigrations } from "../src/payments/schema.js";
import { freshDatabase } from "../test/support/db.js";
import { fmt, table } from "./lib/stats.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "4" },
    clients: { type: "string", default: "32" },
    rounds: { type: "string", default: "2" },
    engine: { type: "string" },
  },
});
const ENGINES = (["sqlite", "postgres"] as const).filter((e) => !values.engine || values.engine === e);
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const ROUNDS = Number(values.rounds);

type Variant = "none" | "rule" | "rule, crossing";

async function run(ledger: Ledger, accountId: string): Promise<number> {
  let charges = 0;
  const deadline = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const r = await ledger.debit({
          accountId,
          amountMc: 1000,
          type: "usage",
          idemKey: `${accountId}-${client}-${i}`,
          cause: { operation: "bench" },
        });
        if (r.ok) charges++;
      }
    }),
  );
  return charges / SECONDS;
}

async function engineBench(engine: "sqlite" | "postgres") {
  const t = await freshDatabase(engine, [creditsMigrations, paymentsMigrations, jobsMigrations]);
  const store = new AutoTopupStore(t.db.sql);
  const watcher = new AutoTopupWatcher({
    store,
    jobs: new JobQueue(t.db),
    retryAfterMs: 3600_000,
    onQueued: () => {},
    log: console,
  });
  const ledger = watchLedger(createLedger(t.db), [watcher]);
  const results: Record<Variant, number[]> = { none: [], rule: [], "rule, crossing": [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of ["none", "rule", "rule, crossing"] as Variant[]) {
      const accountId = newId("acct");
      await ledger.credit({ accountId, amountMc: 1e12, type: "grant", cause: {} });
      if (variant !== "none") {
        await store.rememberCustomer(accountId, `cus_${accountId}`);
        await store.saveCard(accountId, {
          paymentMethod: "pm_x",
          brand: "visa",
          last4: "4242",
          expMonth: 1,
          expYear: 2030,
        });
        await store.saveRule(accountId, {
          enabled: true,
          thresholdMc: variant === "rule" ? 1000 : 2e12,
          packId: "credits-1000",
          amountCents: 1000,
          baseMc: 1_000_000,
          bonusMc: 0,
          maxPerMonth: 100,
          maxCentsPerMonth: null,
        });
        watcher.ruleChanged(accountId, true);
      }
      results[variant].push(await run(ledger, accountId));
      if (variant === "rule, crossing") {
        const claims = await t.db.sql.all("SELECT id FROM auto_topup_claims WHERE account_id = ?", [accountId]);
        if (claims.length !== 1) throw new Error(`expected one claim, found ${claims.length}`);
      }
    }
  }
  await ledger.close();
  await t.cleanup();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const base = mean(results.none);
  return (Object.keys(results) as Variant[]).map((v) => [
    engine,
    v,
    fmt(mean(results[v]), 0),
    fmt(mean(results[v]) / base, 2),
  ]);
}

const rows: (string | number)[][] = [];
for (const engine of ENGINES) rows.push(...(await engineBench(engine)));
console.log(
  `\n${CLIENTS} clients debiting one account, ${SECONDS} s per run, ${ROUNDS} rounds interleaved (mean charges/s)\n`,
);
console.log(table(["engine", "auto top-up", "charges/s", "× none"], rows));
