/**
 * Hybrid search latency over one knowledge base of N synthetic chunks, per engine, query embedding excluded
 * (measured separately with the local model), plus recall@10 of the vector index against exact search.
 *   npx tsx bench/search-latency.ts [--chunks 100000] [--queries 200] [--engines sqlite,pglite,postgres]
 *     [--modes hybrid,keyword,semantic] [--embed-queries 30] [--build-memory 4GB] [--build-workers 2]
 *     [--schema NAME [--reuse]] [--ef-search 100,200,400] [--recall-queries 50] [--tie 0.01] [--knowledge-bases 1]
 * `postgres` is the server at PG_TEST_URL (or the tests' database, 127.0.0.1:5432/api_credits_test) in a fresh
 * schema, with pgvector HNSW when the extension is installed (else exact vectors; it says which). `pglite` has
 * pgvector too. The load is one bulk load (`SearchIndex.bulkLoad`): on PostgreSQL, rows first and the HNSW index built
 * after them; "load" includes that build, with `--build-memory`/`--build-workers` (or PGVECTOR_BUILD_MEMORY and
 * PGVECTOR_BUILD_WORKERS; 1GB and 2 by default). A million 512-d chunks need ~2.5 GB for the graph to fit.
 * `--schema NAME` keeps the server schema (and its keys) after the run; `--reuse` then skips the load and measures
 * the rows already there (same seed, same corpus). `--ef-search` measures semantic search and recall at each
 * `hnsw.ef_search` (the search function is redefined for each, then put back). Recall is printed strict (share of
 * the exact top 10 returned) and near-tie-aware (share of hits within `--tie` of the exact 10th's similarity).
 * `--knowledge-bases K` deals the chunks round-robin into K knowledge bases of one account (tenants sharing the
 * vector index); a query searches the knowledge base of the chunk it was made near, against that one's exact top 10.
 */
import { parseArgs } from "node:util";
import { searchFunctionsDdl } from "../src/knowledge/search/postgres-schema.js";
import type { SearchIndex, SearchMode } from "../src/knowledge/search/search-index.js";
import { type EngineName, openBenchIndex } from "./lib/engines.js";
import { exactTop, type RecallReport, recallReport } from "./lib/recall.js";
import { clusteredVectors, rng, unit, vocabulary, zipfSampler } from "./lib/synthetic.js";

const { values } = parseArgs({
  options: {
    chunks: { type: "string", default: "100000" },
    queries: { type: "string", default: "200" },
    engines: { type: "string", default: "sqlite,pglite" },
    modes: { type: "string", default: "hybrid,keyword,semantic" },
    "embed-queries": { type: "string", default: "30" },
    "build-memory": { type: "string" },
    "build-workers": { type: "string" },
    schema: { type: "string" },
    reuse: { type: "boolean", default: false },
    "ef-search": { type: "string" },
    "recall-queries": { type: "string", default: "50" },
    tie: { type: "string", default: "0.01" },
    "knowledge-bases": { type: "string", default: "1" },
  },
});
if (values.reuse && !values.schema) throw new Error("--reuse needs --schema NAME (a schema kept by an earlier run)");
if (values["build-memory"]) process.env.PGVECTOR_BUILD_MEMORY = values["build-memory"];
if (values["build-workers"]) process.env.PGVECTOR_BUILD_WORKERS = values["build-workers"];
const N = Number(values.chunks);
const Q = Number(values.queries);
const DIMS = 512;
const random = rng(42);
const vocab = vocabulary(30_000, random);
const word = zipfSampler(vocab.length, random);

process.stderr.write(`generating ${N} chunks…\n`);
const texts = Array.from({ length: N }, () => {
  const len = 80 + Math.floor(random() * 120); // ~ a 200–300-token chunk of prose
  return Array.from({ length: len }, () => vocab[word()]).join(" ");
});
const vectors = clusteredVectors(N, DIMS, 500, 0.08, random);
// Queries: 3–8 words, skewed towards the mid-frequency words questions are made of; vectors near a chunk.
const KBS = Number(values["knowledge-bases"]);
const scopeOf = (row: number) => ({
  accountId: "acct_latency",
  knowledgeBaseId: KBS === 1 ? "kb_latency" : `kb_latency_${row % KBS}`,
});
const queries = Array.from({ length: Q }, () => {
  const n = 3 + Math.floor(random() * 6);
  const text = Array.from({ length: n }, () => vocab[Math.min(vocab.length - 1, 20 + word())]).join(" ");
  const source = Math.floor(random() * N);
  const vector = unit(Float32Array.from(vectors[source]!, (x) => x + 0.04 * (random() - 0.5)));
  return { text, vector, scope: scopeOf(source), tenant: source % KBS };
});
type Query = (typeof queries)[number];
const searchOf = (q: Query, mode: SearchMode) => ({ ...q.scope, text: q.text, vector: q.vector, mode, topK: 10 });

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

/**
 * Wall-clock and CPU time of this process per search. The machine is shared (2 cores, other work running), so the
 * CPU time — what one search costs when it has a core to itself — is the steadier figure; both are printed.
 */
async function time(index: SearchIndex, mode: SearchMode) {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const q of queries.slice(0, 10)) await index.search(searchOf(q, mode)); // warm-up
  for (const q of queries) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await index.search(searchOf(q, mode));
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const f = (xs: number[]) => `${pct(xs, 0.5).toFixed(1)} / ${pct(xs, 0.95).toFixed(1)}`;
  return `${f(wall)} (cpu ${f(cpu)})`;
}

const TIE = Number(values.tie);
const sample = queries.slice(0, Number(values["recall-queries"]));
const sampleVectors = sample.map((q) => q.vector);
let exactTops: ReturnType<typeof exactTop>[] | undefined;
/** The exact top 50 of each recall query, computed once for every engine and ef_search. */
const exact = () => {
  exactTops ??= sample.map((q) => exactTop(vectors, q.vector, 50, (row) => row % KBS === q.tenant));
  return exactTops;
};
const EXTENSION = `SELECT quote_ident(n.nspname) AS schema FROM pg_extension e
  JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'`;
const recallLines: string[] = [];
const f3 = (x: number) => x.toFixed(3);
const recallCells = (r: RecallReport) =>
  `${f3(r.strict)} | ${f3(r.withinTie)} | ${f3(r.gap10)} | ${r.tiesPerQuery.toFixed(1)} | ${r.profile.map(f3).join(" / ")}`;

const modes = values.modes!.split(",") as SearchMode[];
const rows: string[] = [];
for (const engine of values.engines!.split(",") as EngineName[]) {
  const { index, dispose, query } = await openBenchIndex(engine, {}, engine === "postgres" ? values.schema : undefined);
  const t0 = performance.now();
  let rowsS = 0;
  const loadAll = async () => {
    for (let i = 0; i < N; i += 1000) {
      // Each batch of 1,000 rows, one call per knowledge base it deals rows to.
      for (let tenant = 0; tenant < KBS; tenant++) {
        const batch = [];
        for (let row = i + tenant; row < Math.min(N, i + 1000); row += KBS) {
          const chunk = { id: `chk_${row}`, documentId: `doc_${Math.floor(row / 20)}`, position: row % 20 };
          batch.push({ ...chunk, text: texts[row]!, vector: vectors[row]! });
        }
        await index.addChunks(scopeOf(i + tenant), batch);
      }
      if (i % 20_000 === 0)
        process.stderr.write(`  ${engine}: ${i} chunks, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    }
    rowsS = (performance.now() - t0) / 1000;
  };
  if (values.reuse && engine === "postgres") process.stderr.write(`  ${engine}: reusing schema ${values.schema}\n`);
  else await index.bulkLoad({ chunks: N, dimensions: DIMS, wordsAtEnd: true }, loadAll);
  // PostgreSQL plans by table statistics: until they exist, a knowledge base's owner index looks as selective as
  // a single row and the planner scans all its vectors instead of walking the HNSW graph (126 ms against 2.7 ms
  // at 10,000 chunks in PGlite). Autovacuum analyzes a loaded table on a server; PGlite has no autovacuum.
  await query?.("ANALYZE", []);
  // A kept schema gets this code's search functions (a new process replaces them on its first write).
  const ext = engine === "postgres" ? await query?.(EXTENSION, []) : undefined;
  const vectorSchema = (ext?.[0] as { schema?: string } | undefined)?.schema;
  if (vectorSchema) await query!(searchFunctionsDdl(DIMS, vectorSchema, true), []);
  const loadS = (performance.now() - t0) / 1000;
  // What follows the rows (PostgreSQL: the HNSW build of a bulk load, then ANALYZE).
  process.stderr.write(`  ${engine}: rows ${rowsS.toFixed(0)} s, index after rows ${(loadS - rowsS).toFixed(0)} s\n`);
  const lat: Record<string, string> = {};
  for (const mode of ["hybrid", "keyword", "semantic"] as const) {
    lat[mode] = modes.includes(mode) ? await time(index, mode) : "–";
  }
  let recall = "–";
  if (modes.includes("semantic")) {
    const semantic = async () => {
      const returned: number[][] = [];
      for (const q of sample) {
        const hits = await index.search(searchOf(q, "semantic"));
        returned.push(hits.map((h) => Number(h.chunkId.slice(4))));
      }
      return recallReport(vectors, sampleVectors, exact(), returned, TIE);
    };
    const r = await semantic();
    recall = r.strict.toFixed(3);
    recallLines.push(`| ${engine} | ${N} | product default | ${lat.semantic} | ${recallCells(r)} |`);
    const efs = vectorSchema && values["ef-search"] ? values["ef-search"].split(",").map(Number) : [];
    for (const ef of efs) {
      await query!(searchFunctionsDdl(DIMS, vectorSchema!, true, ef), []);
      const timed = await time(index, "semantic");
      recallLines.push(`| ${engine} | ${N} | ef_search ${ef} | ${timed} | ${recallCells(await semantic())} |`);
      process.stderr.write(`${recallLines.at(-1)}\n`);
    }
    if (efs.length) await query!(searchFunctionsDdl(DIMS, vectorSchema!, true), []);
  }
  rows.push(
    `| ${engine} | ${N} | ${loadS.toFixed(0)} s | ${lat.hybrid} | ${lat.keyword} | ${lat.semantic} | ${recall} |`,
  );
  process.stderr.write(`${rows.at(-1)}\n`);
  await dispose();
}

let embedLine = "query embedding: skipped";
const E = Number(values["embed-queries"]);
if (E > 0) {
  const { loadUseEmbedder } = await import("./lib/use-embedder.js");
  const embedder = await loadUseEmbedder();
  await embedder.embed(["warm up"], "query");
  const ms: number[] = [];
  for (const q of queries.slice(0, E)) {
    const t0 = performance.now();
    await embedder.embed([q.text], "query");
    ms.push(performance.now() - t0);
  }
  embedLine = `query embedding (${embedder.id}, one query): p50 ${pct(ms, 0.5).toFixed(1)} ms, p95 ${pct(ms, 0.95).toFixed(1)} ms`;
}

console.log(
  `\n${N} chunks of ~200 synthetic words, ${DIMS}-d clustered unit vectors, ${Q} queries, topK 10, times in ms\n`,
);
console.log(
  "| engine | chunks | load | hybrid p50 / p95 | keyword p50 / p95 | semantic p50 / p95 | vector recall@10 vs exact |",
);
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
if (recallLines.length) {
  console.log(
    `\nsemantic search against exact cosine, ${sample.length} queries, topK 10 (a near-tie: within ${TIE} of the exact 10th's similarity)\n`,
  );
  console.log(
    "| engine | chunks | search | semantic p50 / p95 ms (cpu) | recall@10 | hits within the tie | exact 10th − returned 10th | exact ranks 11–50 within the tie | exact similarity at ranks 1 / 2 / 10 / 50 |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of recallLines) console.log(r);
}
console.log(`\n${embedLine}`);
