/**
 * What one hybrid search costs PostgreSQL: the statements the service sends for it (counted by wrapping node-pg's
 * `Client.query` in this process), and the server's CPU per search (its backends' CPU from /proc over sequential
 * searches, the embedder's work excluded: it runs in this process). With `--explain`, each distinct statement's
 * planning and execution time from `EXPLAIN (ANALYZE, SUMMARY)` with the values it was sent (writes rolled back).
 *   npx tsx bench/query-statements.ts [--searches 200] [--explain]
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { grant, newCustomer, startTestApp } from "../test/support/app.js";
import { PG_URL } from "../test/support/db.js";
import { backendsOf, cpuSeconds } from "./lib/cpu.js";
import { fmt, table } from "./lib/stats.js";
import { rng, vocabulary, zipfSampler } from "./lib/synthetic.js";

const { values } = parseArgs({
  options: {
    searches: { type: "string", default: "200" },
    explain: { type: "boolean", default: false },
    replay: { type: "string", default: "0" },
  },
});
const SEARCHES = Number(values.searches);

const random = rng(7);
const vocab = vocabulary(5_000, random);
const word = zipfSampler(vocab.length, random);
const words = (n: number) => Array.from({ length: n }, () => vocab[word()]).join(" ");
const queries = Array.from({ length: 500 }, () => words(3 + Math.floor(random() * 6)));

interface Sent {
  text: string;
  values: unknown[];
  ms: number;
}
let recording: Sent[] | undefined;
const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const [first, second] = args;
  const text = typeof first === "string" ? first : (first as { text: string }).text;
  const params =
    (typeof first === "string" && Array.isArray(second) ? second : (first as { values?: unknown[] }).values) ?? [];
  if (!recording) return original.apply(this, args);
  const entry: Sent = { text, values: params as unknown[], ms: 0 };
  const t0 = performance.now();
  recording.push(entry);
  const done = () => (entry.ms = performance.now() - t0);
  // pg-pool's `query` passes a callback; a client's own `query` returns a promise.
  const last = args.at(-1);
  if (typeof last === "function")
    args[args.length - 1] = (...r: unknown[]) => {
      done();
      return (last as (...r: unknown[]) => unknown)(...r);
    };
  const result = original.apply(this, args);
  if (result instanceof Promise) void result.then(done, () => {});
  return result;
} as never;

const app = await startTestApp("postgres", { NODE_ENV: "production", LOG_LEVEL: "warn" });
try {
  const c = await newCustomer(app);
  await grant(app, c.accountId, 100_000);
  const kb = await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "profile" } });
  for (let d = 0; d < 3; d++)
    await app.api("POST", `/v1/knowledge-bases/${kb.body.id}/documents`, {
      token: c.apiKey,
      body: { name: `doc ${d}`, text: words(600) },
    });
  const search = async (i: number) => {
    const r = await app.api("POST", `/v1/knowledge-bases/${kb.body.id}/query`, {
      token: c.apiKey,
      body: { query: queries[i % queries.length], mode: "hybrid", topK: 5 },
    });
    if (r.status !== 200) throw new Error(`search: ${r.status} ${JSON.stringify(r.body)}`);
  };
  for (let i = 0; i < 20; i++) await search(i); // warm: caches, connections, the model

  recording = [];
  await search(21);
  const one = recording;
  recording = undefined;

  recording = [];
  const backends = await backendsOf(PG_URL, process.pid);
  const cpu = () => backends.reduce((s, pid) => s + cpuSeconds(pid), 0);
  const before = { server: cpu(), self: process.cpuUsage() };
  const t0 = performance.now();
  for (let i = 0; i < SEARCHES; i++) await search(100 + i);
  const wall = performance.now() - t0;
  const server = cpu() - before.server;
  const self = process.cpuUsage(before.self);
  const all = recording;
  recording = undefined;
  const counts = new Map<string, number>();
  for (const s of all) {
    const key = s.text.replace(/\s+/g, " ").slice(0, 70);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  console.log(`\nstatements per search over ${SEARCHES} sequential searches: ${fmt(all.length / SEARCHES, 2)}\n`);
  console.log(
    table(
      ["statement", "per search"],
      [...counts].sort((a, b) => b[1] - a[1]).map(([text, n]) => [text, fmt(n / SEARCHES, 2)]),
    ),
  );

  console.log(`\n${one.length} statements for one hybrid search:\n`);
  const rows: (string | number)[][] = one.map((s, i) => [
    i + 1,
    s.text.replace(/\s+/g, " ").slice(0, 110),
    fmt(s.ms, 2),
  ]);
  if (values.explain) {
    const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${app.env.DATABASE_SCHEMA}` });
    await client.connect();
    for (const [i, s] of one.entries()) {
      if (!/^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)/i.test(s.text)) {
        rows[i]!.push("", "");
        continue;
      }
      await client.query("BEGIN");
      try {
        const plan = (await client.query(`EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) ${s.text}`, s.values)).rows[0][
          "QUERY PLAN"
        ][0];
        rows[i]!.push(fmt(plan["Planning Time"], 3), fmt(plan["Execution Time"], 3));
      } catch (error) {
        rows[i]!.push("?", (error as Error).message.slice(0, 30));
      } finally {
        await client.query("ROLLBACK");
      }
    }
    await client.end();
  }
  const REPLAY = Number(values.replay);
  if (REPLAY > 0) {
    // The search's reads sent again and again on one connection, as they are and as prepared statements: the
    // server CPU one costs against the other.
    const reads = one.filter((s) => /^\s*SELECT/i.test(s.text) && !/credits_apply|FROM events/.test(s.text));
    const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${app.env.DATABASE_SCHEMA}` });
    await client.connect();
    const [backend] = (await client.query("SELECT pg_backend_pid() AS pid")).rows.map((r) => r.pid as number);
    for (const named of [false, true, false, true]) {
      const start = cpuSeconds(backend!);
      const started = performance.now();
      for (let n = 0; n < REPLAY; n++)
        for (const [i, s] of reads.entries())
          await client.query(
            named ? { name: `r${i}`, text: s.text, values: s.values } : { text: s.text, values: s.values },
          );
      console.log(
        `replay ${named ? "prepared" : "unnamed "}: ${reads.length} reads × ${REPLAY}: server CPU ${fmt(
          (1000 * (cpuSeconds(backend!) - start)) / REPLAY,
          3,
        )} ms per search's reads, wall ${fmt((performance.now() - started) / REPLAY, 3)} ms`,
      );
    }
    await client.end();
  }
  console.log(
    table(["#", "statement", "round trip ms", ...(values.explain ? ["planning ms", "execution ms"] : [])], rows),
  );
  console.log(
    `\n${SEARCHES} sequential searches: ${fmt(wall / SEARCHES, 2)} ms each; CPU per search: server backends ` +
      `${fmt((1000 * server) / SEARCHES, 2)} ms (${backends.length} backends), this process ` +
      `${fmt((self.user + self.system) / 1000 / SEARCHES, 2)} ms (service + client + model)`,
  );
} finally {
  await app.close();
}
