/**
 * Where a PostgreSQL bulk load's time goes: the latency bench's corpus loaded into a fresh schema, each statement's
 * wall time summed by its first words, and the process's CPU time.
 *   npx tsx bench/pg-bulk-profile.ts [--chunks 20000]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureSchema, openPostgres } from "../src/db/postgres.js";
import { PostgresSearchIndex } from "../src/knowledge/search/postgres.js";
import { randomChars } from "../src/lib/ids.js";
import { LocalKeyStore } from "../src/storage/key-store.js";
import { clusteredVectors, rng, vocabulary, zipfSampler } from "./lib/synthetic.js";

const { values } = parseArgs({ options: { chunks: { type: "string", default: "20000" } } });
const N = Number(values.chunks);
const random = rng(42);
const vocab = vocabulary(30_000, random);
const word = zipfSampler(vocab.length, random);
const texts = Array.from({ length: N }, () => {
  const len = 80 + Math.floor(random() * 120);
  return Array.from({ length: len }, () => vocab[word()]).join(" ");
});
const vectors = clusteredVectors(N, 512, 500, 0.08, random);

const url = process.env.PG_TEST_URL ?? "postgres://postgres@127.0.0.1:5432/api_credits_test";
const schema = `bench_${randomChars(10)}`;
const pool = openPostgres({ url, schema, poolSize: 4, applicationName: schema });
const keysDir = mkdtempSync(path.join(os.tmpdir(), "apic-bench-keys-"));
await ensureSchema(pool, schema);
const plans: string[] = [];
const spent = new Map<string, { ms: number; n: number }>();
const label = (text: string) => text.replace(/\s+/g, " ").trim().slice(0, 70);
const planLine = (line: string) => (line.length > 200 ? `${line.slice(0, 200)}…` : line);
const wrapped = new WeakSet<object>();
let explainNext = false;
const timed = <Q extends { query: (...a: never[]) => unknown }>(q: Q): Q => {
  if (wrapped.has(q)) return q;
  wrapped.add(q);
  const orig = q.query.bind(q) as (...a: unknown[]) => Promise<unknown>;
  (q as { query: unknown }).query = async (...a: unknown[]) => {
    if (explainNext && typeof a[0] === "string" && /^\s*(WITH|UPDATE|SELECT DISTINCT|DELETE|INSERT)/.test(a[0])) {
      const plan = (await orig(`EXPLAIN ${a[0]}`, a[1])) as { rows: { "QUERY PLAN": string }[] };
      plans.push(`${label(a[0])}\n${plan.rows.map((r) => `    ${planLine(r["QUERY PLAN"])}`).join("\n")}`);
    }
    const t0 = performance.now();
    try {
      return await orig(...a);
    } finally {
      const k = typeof a[0] === "string" ? label(a[0]) : "?";
      const s = spent.get(k) ?? { ms: 0, n: 0 };
      s.ms += performance.now() - t0;
      s.n++;
      spent.set(k, s);
    }
  };
  return q;
};
const connect = pool.connect.bind(pool);
// Pool.query connects with a callback; the index's transactions connect with a promise.
(pool as { connect: unknown }).connect = (...a: unknown[]) =>
  a.length ? (connect as (...x: unknown[]) => unknown)(...a) : connect().then(timed);
timed(pool);
const index = new PostgresSearchIndex(pool, { keys: new LocalKeyStore(keysDir) });
await index.init();
const scope = { accountId: "acct_latency", knowledgeBaseId: "kb_latency" };
/** CPU seconds of this run's server sessions (their processes on this machine), from /proc. */
async function backendCpu(): Promise<number> {
  const pids = (await pool.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [schema])).rows;
  let ticks = 0;
  for (const { pid } of pids as { pid: number }[]) {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / 100;
}
let rowsCpu = 0;
const c0 = process.cpuUsage();
const t0 = performance.now();
let rowsS = 0;
await index.bulkLoad({ chunks: N, dimensions: 512, wordsAtEnd: true }, async () => {
  for (let i = 0; i < N; i += 1000) {
    explainNext = i + 1000 >= N;
    await index.addChunks(
      scope,
      texts.slice(i, i + 1000).map((text, j) => ({
        id: `chk_${i + j}`,
        documentId: `doc_${Math.floor((i + j) / 20)}`,
        position: (i + j) % 20,
        text,
        vector: vectors[i + j]!,
      })),
    );
  }
  rowsS = (performance.now() - t0) / 1000;
  explainNext = false;
  rowsCpu = await backendCpu();
});
const total = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(c0);
console.log(
  `${N} chunks: ${total.toFixed(1)} s (rows ${rowsS.toFixed(1)} s), process cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
);
console.log(`server sessions' cpu during rows: ${rowsCpu.toFixed(1)} s (pool of 4, still open ones only)`);
for (const [k, s] of [...spent].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
  console.log(`${(s.ms / 1000).toFixed(2).padStart(8)} s ${String(s.n).padStart(5)}× ${k}`);
}
const sizes = await pool.query(
  `SELECT relname, n_live_tup, n_dead_tup, n_tup_upd, n_tup_hot_upd,
     pg_size_pretty(pg_table_size(relid)) AS heap_and_toast, pg_size_pretty(pg_indexes_size(relid)) AS indexes
   FROM pg_stat_user_tables WHERE schemaname = $1 ORDER BY relname`,
  [schema],
);
console.table(sizes.rows);
const blocks = await pool.query(
  `SELECT count(*) AS blocks, avg(octet_length(data))::int AS avg_bytes, avg(n)::int AS avg_n,
     count(*) FILTER (WHERE pg_column_size(data) > 2000) AS over_2k FROM knowledge_postings`,
);
console.table(blocks.rows);
if (process.env.PLANS) console.log(plans.join("\n"));
await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
await pool.end();
rmSync(keysDir, { recursive: true, force: true });
