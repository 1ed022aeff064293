/**
 * The charge path (reserve → capture, as Metering does it) of a site's key on one hot account, with no spend limit
 * against with three that bind it (its site's per day, its key's per month, the account's in total), in the same run,
 * alternated to even out a shared machine's drift. Goal: with limits ≥ 0.8× the charges/s without.
 *
 * The CPU this process spends per charge is shown too: on a shared machine it moves less than charges/s do (on
 * PostgreSQL most of the work is the server's, which it does not include).
 *
 *   npx tsx bench/spend-limits.ts [--seconds 2] [--rounds 4] [--clients 32] [--engine sqlite|postgres]
 */
import { parseArgs } from "node:util";
import { createLedger } from "../src/credits/create-ledger.js";
import { SpendLimitStore } from "../src/credits/spend-limits.js";
import {
  guardrailsDatabase,
  interleaved,
  mean,
  reserveCaptureLoop,
  richAccount,
  setSpendLimits,
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
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const ROUNDS = Number(values.rounds);
const OPTS = { seconds: SECONDS, clients: CLIENTS };

async function bench(engine: "sqlite" | "postgres") {
  const t = await guardrailsDatabase(engine);
  const ledger = createLedger(t.db);
  const limits = new SpendLimitStore(t.db.sql);
  const plain = await richAccount(ledger);
  const limited = await richAccount(ledger);
  const spender = { siteId: "site_bench", keyId: "key_bench" };
  await setSpendLimits(t.db.sql, limited, spender);
  const runs = { none: [] as number[], limits: [] as number[] };
  const lat = { none: [] as number[], limits: [] as number[] };
  const cpu = { none: [] as number[], limits: [] as number[] };
  await reserveCaptureLoop(ledger, plain, spender, OPTS); // warm-up
  // A B B A …: a drift over the run (a growing WAL, a neighbour's load) weighs on both alike.
  for (const kind of interleaved(["none", "limits"] as const, ROUNDS)) {
    const r = await reserveCaptureLoop(ledger, kind === "none" ? plain : limited, spender, OPTS);
    runs[kind].push(r.perSecond);
    lat[kind].push(...r.latencies);
    cpu[kind].push(r.cpuMicrosPerCharge);
  }
  const used = (await limits.list(limited)).map((l) => l.usedMc);
  await ledger.close();
  await t.cleanup();
  const ratio = mean(runs.limits) / mean(runs.none);
  return [
    {
      name: `reserve + capture, no limit, ${engine}`,
      perSecond: mean(runs.none),
      p50: percentile(lat.none, 50),
      p99: percentile(lat.none, 99),
      note: `${fmt(mean(cpu.none), 0)} µs CPU per charge in this process`,
    },
    {
      name: `reserve + capture, 3 binding limits, ${engine}`,
      perSecond: mean(runs.limits),
      p50: percentile(lat.limits, 50),
      p99: percentile(lat.limits, 99),
      note:
        `${fmt(ratio, 2)}× (goal ≥ 0.8×); ${fmt(mean(cpu.limits), 0)} µs CPU per charge in this process; ` +
        `limits counted ${used.every((u) => u === used[0]) ? "alike" : "DIFFERENTLY"}`,
    },
  ];
}

const rows = [];
for (const engine of ENGINES) rows.push(...(await bench(engine)));
console.log(`\n### Spend limits on the charge path (${CLIENTS} clients, one account, ${SECONDS} s × ${ROUNDS} each)\n`);
console.log(
  table(
    ["path", "charges/s", "p50 ms", "p99 ms", "note"],
    rows.map((r) => [r.name, fmt(r.perSecond, 0), fmt(r.p50, 2), fmt(r.p99, 2), r.note]),
  ),
);
