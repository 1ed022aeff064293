/**
 * The ledger and ingestion on PostgreSQL with pgvector, the service laid out as docs/postgres.md tells an operator to
 * run it, topologies side by side in one run: one process serving the API and running jobs, and two API-only
 * processes (`JOB_CONCURRENCY=0`) with one worker process (`JOB_CONCURRENCY=N`), all on one DATABASE_URL +
 * DATABASE_SCHEMA (a fresh schema per topology, dropped after) and one DATA_DIR, the local embedder, loopback only.
 * Clients go round-robin across the API processes.
 *
 * Ingestion runs in two modes: "queued" (`KNOWLEDGE_INLINE_MAX_CHUNKS=0`: every document is indexed by a background
 * job, so by the worker process in the split topology) and "inline" (the default, 24: a small document is indexed
 * within its upload request, by the API process that took it).
 *
 * Exits non-zero when a money check fails: a charge lost or made twice, an overdraft, a document charged other than
 * once.
 *
 *   npx tsx bench/multi-process.ts [--seconds 20] [--clients 32] [--documents 200] [--uploaders 8] [--jobs 2]
 *     [--topologies single,split] [--modes queued,inline] [--accounts 4] [--words 100] [--race-credits 500]
 *     [--rounds 1]
 *
 * With `--rounds 2` or more the topologies run again in the other order (single, split, split, single…), so a machine
 * whose load changes during the run does not favour one of them.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { PG_URL } from "../test/support/db.js";
import { type IngestResult, ingestRun } from "./lib/multi-ingest.js";
import { type LedgerResult, ledgerRun } from "./lib/multi-ledger.js";
import { fmt, table } from "./lib/stats.js";
import { startTopology, type Topology, type TopologyKind } from "./lib/topology.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    clients: { type: "string", default: "32" },
    documents: { type: "string", default: "200" },
    uploaders: { type: "string", default: "8" },
    jobs: { type: "string", default: "2" },
    topologies: { type: "string", default: "single,split" },
    modes: { type: "string", default: "queued,inline" },
    accounts: { type: "string", default: "4" },
    words: { type: "string", default: "100" },
    "race-credits": { type: "string", default: "500" },
    rounds: { type: "string", default: "1" },
  },
});
const JOBS = Number(values.jobs);
const TOPOLOGIES = values.topologies.split(",") as TopologyKind[];
const MODES = values.modes.split(",").filter(Boolean) as ("queued" | "inline")[];
const INLINE_MAX_CHUNKS = { queued: "0", inline: "24" } as const;

const load = () =>
  os
    .loadavg()
    .map((l) => fmt(l, 1))
    .join(" / ");

async function withTopology<T>(kind: TopologyKind, env: Record<string, string>, fn: (t: Topology) => Promise<T>) {
  const topology = await startTopology(kind, { jobs: JOBS, env });
  try {
    return await fn(topology);
  } finally {
    await topology.stop();
  }
}

const ledgerRows: (string | number)[][] = [];
const ingestRows: (string | number)[][] = [];
const failures: string[] = [];
const notes: string[] = [];
const started = new Date().toISOString();
const loadAtStart = load();

const ROUNDS = Number(values.rounds);
const order = Array.from({ length: ROUNDS }, (_, r) => (r % 2 ? [...TOPOLOGIES].reverse() : TOPOLOGIES)).flat();
for (const [turn, kind] of order.entries()) {
  const round = ROUNDS > 1 ? `${Math.floor(turn / TOPOLOGIES.length) + 1}` : "";
  // The ledger part runs once per topology, on the processes of the first ingestion mode (or alone).
  const modes = MODES.length ? MODES : [undefined];
  for (const [m, mode] of modes.entries()) {
    const env: Record<string, string> = mode ? { KNOWLEDGE_INLINE_MAX_CHUNKS: INLINE_MAX_CHUNKS[mode] } : {};
    await withTopology(kind, env, async (topology) => {
      if (m === 0 && Number(values.seconds) > 0) {
        process.stderr.write(`${topology.label}: ledger, ${values.clients} clients for ${values.seconds} s…\n`);
        const loadBefore = load();
        const r: LedgerResult = await ledgerRun(topology, {
          seconds: Number(values.seconds),
          clients: Number(values.clients),
          raceCredits: Number(values["race-credits"]),
        });
        ledgerRows.push([
          ...(round ? [round] : []),
          topology.label,
          fmt(r.perSecond, 0),
          fmt(r.p50, 1),
          fmt(r.p99, 1),
          fmt(r.cpuMsPerCharge, 2),
          fmt(r.idleCpuPercent, 1),
          r.charges,
          r.failures.length ? "**FAILED**" : "held",
          `${loadBefore} → ${load()}`,
        ]);
        notes.push(...r.notes.map((n) => `${round ? `round ${round}, ` : ""}${topology.label}: ${n}`));
        failures.push(...r.failures.map((f) => `${topology.label}, ledger: ${f}`));
      }
      if (!mode) return;
      process.stderr.write(`${topology.label}: ingestion (${mode}), ${values.documents} documents…\n`);
      const loadBefore = load();
      const r: IngestResult = await ingestRun(topology, {
        documents: Number(values.documents),
        uploaders: Number(values.uploaders),
        accounts: Number(values.accounts),
        words: Number(values.words),
        seed: 11,
      });
      ingestRows.push([
        ...(round ? [round] : []),
        topology.label,
        `${mode} (KNOWLEDGE_INLINE_MAX_CHUNKS=${INLINE_MAX_CHUNKS[mode]})`,
        r.documents,
        r.chunks,
        fmt(r.uploadSeconds, 1),
        fmt(r.seconds, 1),
        fmt(r.documents / r.seconds, 1),
        fmt(r.chunks / r.seconds, 1),
        fmt((1000 * r.cpuSeconds) / Math.max(1, r.chunks), 0),
        r.statuses,
        r.chargedBy,
        r.failures.length ? "**FAILED**" : "held",
        `${loadBefore} → ${load()}`,
      ]);
      failures.push(...r.failures.map((f) => `${topology.label}, ingestion (${mode}): ${f}`));
    });
  }
}

console.log(
  `\nPostgreSQL (${new URL(PG_URL).host}, pgvector), local embedder, ${os.cpus().length} cores; ${started}; ` +
    `load average (1/5/15 min) at the start ${loadAtStart}\n`,
);
if (ledgerRows.length) {
  console.log(
    `Ledger over HTTP: ${values.clients} clients for ${values.seconds} s, admin grants of −1 credit with an ` +
      "Idempotency-Key on one hot account, round-robin across the API processes\n",
  );
  console.log(
    table(
      [
        ...(ROUNDS > 1 ? ["round"] : []),
        "topology",
        "charges/s",
        "p50 ms",
        "p99 ms",
        "service CPU ms per charge (idle subtracted)",
        "service CPU at idle, % of a core",
        "charges",
        "money checks",
        "load avg 1/5/15 before → after",
      ],
      ledgerRows,
    ),
  );
  console.log(`\n- ${notes.join("\n- ")}\n`);
}
if (ingestRows.length) {
  console.log(
    `Ingestion: ${values.documents} text documents of ${values.words} words over ${values.accounts} accounts, ` +
      `${values.uploaders} concurrent uploaders round-robin across the API processes; upload → every document ready\n`,
  );
  console.log(
    table(
      [
        ...(ROUNDS > 1 ? ["round"] : []),
        "topology",
        "indexing",
        "documents",
        "chunks",
        "uploads s",
        "all ready s",
        "documents/s",
        "chunks/s",
        "service CPU ms per chunk",
        "upload answers",
        "indexing charged by",
        "money checks",
        "load avg 1/5/15 before → after",
      ],
      ingestRows,
    ),
  );
}
if (failures.length) {
  console.error(`\nMONEY CHECKS FAILED:\n- ${failures.join("\n- ")}`);
  process.exit(1);
}
