/**
 * The cost of a job's lease fence on the knowledge index's writes: batches of 32 chunks (384 dimensions) added with
 * and without `JobQueue.leaseFence`, alternating in rounds so both see the same machine, on SQLite and PostgreSQL.
 * Wall time per batch (median, p90) and this process's CPU per batch; PostgreSQL's own CPU is not in the latter.
 * Then the fence statement alone, 2,000 times in one transaction: what each batch adds, free of the batches' noise.
 *
 *   npx tsx bench/lease-fence.ts [--rounds 8] [--batches 25]
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { numberPlaceholders, type PostgresSql } from "../src/db/postgres.js";
import type { TransactionalWrite } from "../src/db/sql.js";
import type { SqliteSql } from "../src/db/sqlite.js";
import { JobQueue, jobsMigrations } from "../src/jobs/queue.js";
import { PostgresSearchIndex } from "../src/knowledge/search/postgres.js";
import type { IndexedChunk, SearchIndex } from "../src/knowledge/search/search-index.js";
import { SqliteSearchIndex } from "../src/knowledge/search/sqlite.js";
import { knowledgeIndexMigrations } from "../src/knowledge/search/sqlite-schema.js";
import { LocalKeyStore } from "../src/storage/key-store.js";
import { type Engine, freshDatabase } from "../test/support/db.js";
import { fmt, percentile, table } from "./lib/stats.js";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "8" }, batches: { type: "string", default: "25" } },
});
const ROUNDS = Number(values.rounds);
const BATCHES = Number(values.batches);
const DIMS = 384;
const WORDS = "archive basin cedar delta ember fjord glacier harbor island juniper kelp lagoon meadow nectar".split(
  " ",
);

let serial = 0;
const fenceAlone: (string | number)[][] = [];
function batchOf(doc: string): IndexedChunk[] {
  return Array.from({ length: 32 }, (_, i) => {
    const n = serial++;
    const text = Array.from({ length: 180 }, (_, k) => WORDS[(n * 7 + k * 3) % WORDS.length]).join(" ");
    const vector = Float32Array.from({ length: DIMS }, (_, k) => Math.sin(n * 31 + k));
    return { id: `chk_${n}`, documentId: doc, position: i, text: `${n} ${text}`, vector };
  });
}

async function measure(engine: Engine) {
  const t = await freshDatabase(engine, [jobsMigrations, knowledgeIndexMigrations]);
  let index: SearchIndex;
  if (engine === "sqlite") index = new SqliteSearchIndex(t.db.sql as SqliteSql);
  else {
    const pg = new PostgresSearchIndex((t.db.sql as PostgresSql).pool, {
      keys: new LocalKeyStore(path.join(t.dataDir, "keys")),
      vectors: "exact",
    });
    await pg.init();
    index = pg;
  }
  const queue = new JobQueue(t.db);
  await queue.enqueue({ kind: "bench.ingest", accountId: "acct_bench" });
  const job = (await queue.claim("bench-worker", 3_600_000, ["bench.ingest"]))!;
  const fence = queue.leaseFence(job, "bench-worker");
  const scope = { accountId: "acct_bench", knowledgeBaseId: "kb_bench" };
  const samples = { plain: [] as number[], fenced: [] as number[] };
  const cpu = { plain: 0, fenced: 0 };
  const run = async (mode: "plain" | "fenced", withFence?: TransactionalWrite) => {
    for (let b = 0; b < BATCHES; b++) {
      const chunks = batchOf(`doc_${serial}`);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await index.addChunks(scope, chunks, withFence);
      samples[mode].push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[mode] += (c.user + c.system) / 1000;
    }
  };
  await run("plain"); // warm-up, not counted
  samples.plain = [];
  cpu.plain = 0;
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      await run("plain");
      await run("fenced", fence);
    } else {
      await run("fenced", fence);
      await run("plain");
    }
  }
  // The fence's own statement, alone, 2,000 times in one transaction: what it adds to a batch's transaction (whose
  // commit is paid anyway), free of the batches' noise.
  const alone: number[] = [];
  if (engine === "sqlite") {
    const sql = t.db.sql as SqliteSql;
    sql.db.exec("BEGIN IMMEDIATE");
    for (let i = 0; i < 2000; i++) {
      const t0 = performance.now();
      sql.runSync(fence.sql, fence.params);
      alone.push(performance.now() - t0);
    }
    sql.db.exec("COMMIT");
  } else {
    const client = await (t.db.sql as PostgresSql).pool.connect();
    await client.query("BEGIN");
    for (let i = 0; i < 2000; i++) {
      const t0 = performance.now();
      await client.query(
        `WITH fence AS (${numberPlaceholders(fence.sql)} RETURNING 1) SELECT count(*)::int AS n FROM fence`,
        fence.params,
      );
      alone.push(performance.now() - t0);
    }
    await client.query("COMMIT");
    client.release();
  }
  fenceAlone.push([engine, 2000, fmt(percentile(alone, 50), 3), fmt(percentile(alone, 90), 3)]);
  await index.close?.();
  await t.cleanup();
  const n = ROUNDS * BATCHES;
  return (["plain", "fenced"] as const).map((mode) => [
    engine,
    mode === "plain" ? "no fence" : "lease fence",
    n,
    fmt(percentile(samples[mode], 50), 2),
    fmt(percentile(samples[mode], 90), 2),
    fmt(cpu[mode] / n, 2),
  ]);
}

const rows = [...(await measure("sqlite")), ...(await measure("postgres"))];
console.log("\n### A job's lease fence on each batch of 32 chunks (384 dimensions)\n");
console.log(table(["engine", "write", "batches", "median ms", "p90 ms", "CPU ms (this process)"], rows));
console.log("\n### The fence statement alone, inside a transaction\n");
console.log(table(["engine", "statements", "median ms", "p90 ms"], fenceAlone));
