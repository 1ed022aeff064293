/**
 * The charge path (reserve → capture, as Metering does it) of a site's key on one hot account with every guardrail
 * set — a low-balance threshold, three spend limits that bind the key (its site's per day, its key's per month, the
 * account's in total) and an auto top-up rule with a saved card — against none, in the same run, on SQLite and on
 * PostgreSQL. Goal (issue 11): ≥ 0.8× the charges/s of "none".
 *
 * "none" is the bare ledger (no watcher at all); "none set" is the ledger as the app composes it (the alert and auto
 * top-up watchers attached) for an account that set nothing; "all set" is that ledger for an account with all three.
 * Thresholds sit below the balance the run reaches, so every charge evaluates them and none fires. Runs alternate
 * A B C C B A … to even out a shared machine's drift.
 *
 *   npx tsx bench/guardrails.ts [--seconds 2] [--rounds 4] [--clients 32] [--engine sqlite|postgres]
 */
import { parseArgs } from "node:util";
import { createLedger } from "../src/credits/create-ledger.js";
import {
  alertWatcher,
  autoTopupWatcher,
  type Engine,
  guardrailsDatabase,
  interleaved,
  mean,
  reserveCaptureLoop,
  richAccount,
  setAlert,
  setAutoTopup,
  setSpendLimits,
  watchedLedger,
} from "./lib/guardrails.js";
import { fmt, percentile, table } from "./lib/stats.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "2" },
    rounds: { type: "string", default: "4" },
    clients: { type: "string", default: "32" },
    engine: { type: "string" },
  },
});
const ENGINES = (["sqlite", "postgres"] as const).filter((e) => !values.engine || values.engine === e);
const OPTS = { seconds: Number(values.seconds), clients: Number(values.clients) };
const ROUNDS = Number(values.rounds);

const VARIANTS = ["none", "none set", "all set"] as const;
type Variant = (typeof VARIANTS)[number];

async function engineBench(engine: Engine) {
  const t = await guardrailsDatabase(engine);
  const bare = createLedger(t.db);
  const topup = autoTopupWatcher(t);
  const watched = watchedLedger(t, [topup.watcher, alertWatcher(t.db.sql)]);
  const spender = { siteId: "site_bench", keyId: "key_bench" };
  const accounts: Record<Variant, string> = {
    none: await richAccount(bare),
    "none set": await richAccount(watched),
    "all set": await richAccount(watched),
  };
  const guarded = accounts["all set"];
  await setAlert(t.db.sql, guarded, 1_000_000);
  await setSpendLimits(t.db.sql, guarded, spender);
  await setAutoTopup(topup.store, topup.watcher, guarded, 1000);
  const ledgerOf = (v: Variant) => (v === "none" ? bare : watched);

  const perSecond: Record<Variant, number[]> = { none: [], "none set": [], "all set": [] };
  const latencies: Record<Variant, number[]> = { none: [], "none set": [], "all set": [] };
  const cpu: Record<Variant, number[]> = { none: [], "none set": [], "all set": [] };
  for (const v of VARIANTS) await reserveCaptureLoop(ledgerOf(v), accounts[v], spender, { ...OPTS, seconds: 0.5 });
  for (const v of interleaved(VARIANTS, ROUNDS)) {
    const r = await reserveCaptureLoop(ledgerOf(v), accounts[v], spender, OPTS);
    perSecond[v].push(r.perSecond);
    latencies[v].push(...r.latencies);
    cpu[v].push(r.cpuMicrosPerCharge);
  }
  // Nothing fired: no event, no claim (thresholds unreached); every limit counted every charge of the account.
  const events = await t.db.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE account_id = ?", [guarded]);
  const claims = await t.db.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM auto_topup_claims WHERE account_id = ?", [
    guarded,
  ]);
  if (Number(events?.n) !== 0 || Number(claims?.n) !== 0) throw new Error("a guardrail fired during the run");
  topup.watcher.stop();
  await bare.close();
  await watched.close();
  await t.cleanup();
  const base = mean(perSecond.none);
  return VARIANTS.map((v) => [
    engine,
    v,
    fmt(mean(perSecond[v]), 0),
    `${fmt(mean(perSecond[v]) / base, 2)}×`,
    fmt(percentile(latencies[v], 50), 2),
    fmt(percentile(latencies[v], 99), 2),
    fmt(mean(cpu[v]), 0),
  ]);
}

const rows: (string | number)[][] = [];
for (const engine of ENGINES) rows.push(...(await engineBench(engine)));
console.log(
  `\n### Charge path with every guardrail set (${OPTS.clients} clients, one account, ${OPTS.seconds} s × ${ROUNDS} rounds each, interleaved)\n`,
);
console.log(
  table(
    ["engine", "guardrails", "charges/s", "× none (goal ≥ 0.8×)", "p50 ms", "p99 ms", "µs CPU/charge (this process)"],
    rows,
  ),
);
process.exit(0);
