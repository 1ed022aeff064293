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
import {
  autoTopupWatcher,
  debitLoop,
  guardrailsDatabase,
  mean,
  richAccount,
  setAutoTopup,
  watchedLedger,
} from "./lib/guardrails.js";
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

async function engineBench(engine: "sqlite" | "postgres") {
  const t = await guardrailsDatabase(engine);
  const { store, watcher } = autoTopupWatcher(t);
  const ledger = watchedLedger(t, [watcher]);
  const results: Record<Variant, number[]> = { none: [], rule: [], "rule, crossing": [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of ["none", "rule", "rule, crossing"] as Variant[]) {
      const accountId = await richAccount(ledger);
      if (variant !== "none") await setAutoTopup(store, watcher, accountId, variant === "rule" ? 1000 : 2e12);
      results[variant].push(await debitLoop(ledger, accountId, { seconds: SECONDS, clients: CLIENTS }));
      if (variant === "rule, crossing") {
        const claims = await t.db.sql.all("SELECT id FROM auto_topup_claims WHERE account_id = ?", [accountId]);
        if (claims.length !== 1) throw new Error(`expected one claim, found ${claims.length}`);
      }
    }
  }
  watcher.stop();
  await ledger.close();
  await t.cleanup();
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
