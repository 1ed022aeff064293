/**
 * The charge path with a low-balance alert set, against none, side by side in one run: 32 concurrent clients debiting
 * one hot account through the ledger store (SQLite and PostgreSQL), bare and wrapped with the balance-alert watcher
 * (a threshold set; every debit carries its two conditional writes). Rounds alternate (A B B A …) to spread the
 * machine's noise.
 *
 *   npx tsx bench/balance-alerts.ts [--seconds 3] [--rounds 2] [--clients 32] [--engine sqlite|postgres]
 */
import { parseArgs } from "node:util";
import { createLedger } from "../src/credits/create-ledger.js";
import {
  alertWatcher,
  debitLoop,
  guardrailsDatabase,
  interleaved,
  mean,
  richAccount,
  setAlert,
  watchedLedger,
} from "./lib/guardrails.js";
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
const OPTS = { seconds: Number(values.seconds), clients: Number(values.clients) };

const rows: (string | number)[][] = [];
for (const engine of ENGINES) {
  const t = await guardrailsDatabase(engine);
  const bare = createLedger(t.db);
  const watched = watchedLedger(t, [alertWatcher(t.db.sql)]);
  const plain = await richAccount(bare);
  const alerted = await richAccount(bare);
  // A threshold far above the balance's reach in the run: armed, so every debit evaluates it.
  await setAlert(t.db.sql, alerted, 1_000_000);
  const runs = { none: [] as number[], alert: [] as number[] };
  for (const kind of interleaved(["none", "alert"] as const, Number(values.rounds)))
    runs[kind].push(await debitLoop(kind === "none" ? bare : watched, kind === "none" ? plain : alerted, OPTS));
  rows.push([
    engine,
    fmt(mean(runs.none), 0),
    fmt(mean(runs.alert), 0),
    `${fmt(mean(runs.alert) / mean(runs.none), 2)}×`,
  ]);
  await bare.close();
  await watched.close();
  await t.cleanup();
}
console.log(table(["engine", "charges/s, no alert", "charges/s, alert set", "ratio (goal ≥ 0.8×)"], rows));
process.exit(0);
