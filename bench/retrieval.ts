/**
 * Retrieval quality of the knowledge index on SciFact, Cranfield and CISI (/work/shared/eval, read in place).
 *   npx tsx bench/retrieval.ts [--engine sqlite|pglite] [--collections scifact,cranfield,cisi] [--semantic-weight 0.3]
 * Each document (title + text) is indexed as one chunk; embeddings come from bench/.cache (computed on a miss).
 */
import { parseArgs } from "node:util";
import type { HybridConfig } from "../src/knowledge/search/hybrid.js";
import type { SearchMode } from "../src/knowledge/search/search-index.js";
import { COLLECTIONS, documentText, loadCollection } from "./lib/collections.js";
import { EmbeddingCache, embedCached, type TextEmbedder } from "./lib/embed-cache.js";
import { type EngineName, openBenchIndex } from "./lib/engines.js";
import { type Scores, scoreRun } from "./lib/metrics.js";

const { values } = parseArgs({
  options: {
    engine: { type: "string", default: "sqlite" },
    collections: { type: "string", default: COLLECTIONS.join(",") },
    modes: { type: "string", default: "keyword,semantic,hybrid" },
    "semantic-weight": { type: "string" },
  },
});
const engine = values.engine as EngineName;
const modes = values.modes!.split(",") as SearchMode[];
const config: Partial<HybridConfig> = {};
if (values["semantic-weight"]) config.fusion = { semanticWeight: Number(values["semantic-weight"]) };

const MODEL = { id: "local:use-lite-512", dimensions: 512 };
let embedder: TextEmbedder | undefined;
const lazyEmbedder: TextEmbedder = {
  ...MODEL,
  async embed(texts, kind) {
    if (!embedder) embedder = await (await import("./lib/use-embedder.js")).loadUseEmbedder();
    return embedder.embed(texts, kind);
  },
};
const cache = new EmbeddingCache(MODEL.id, MODEL.dimensions);
const ACCOUNT = "acct_bench";
const results = new Map<string, Map<SearchMode, Scores>>();

for (const name of values.collections!.split(",")) {
  const c = loadCollection(name);
  const texts = c.docs.map(documentText);
  // A keyword-only run needs no model: every chunk gets the same placeholder vector.
  const needVectors = modes.some((m) => m !== "keyword");
  const placeholder = Float32Array.from({ length: MODEL.dimensions }, (_, i) => (i === 0 ? 1 : 0));
  const docVectors = needVectors
    ? await embedCached(lazyEmbedder, cache, texts, "document")
    : texts.map(() => placeholder);
  const queryVectors = needVectors
    ? await embedCached(
        lazyEmbedder,
        cache,
        c.queries.map((q) => q.text),
        "query",
      )
    : c.queries.map(() => placeholder);
  const { index, dispose } = await openBenchIndex(engine, config);
  const scope = { accountId: ACCOUNT, knowledgeBaseId: `kb_${name}` };
  const started = Date.now();
  for (let i = 0; i < c.docs.length; i += 500) {
    await index.addChunks(
      scope,
      c.docs.slice(i, i + 500).map((d, j) => ({
        id: `chk_${d.id}`,
        documentId: d.id,
        position: 0,
        text: texts[i + j]!,
        vector: docVectors[i + j]!,
      })),
    );
  }
  process.stderr.write(`${name}: indexed ${c.docs.length} docs in ${Date.now() - started} ms\n`);
  const byMode = new Map<SearchMode, Scores>();
  for (const mode of modes) {
    const runs = [];
    for (const [i, q] of c.queries.entries()) {
      const hits = await index.search({ ...scope, text: q.text, vector: queryVectors[i], mode, topK: 100 });
      // Documents in order of their best chunk.
      const ranked = [...new Set(hits.map((h) => h.documentId))];
      runs.push({ ranked, relevant: c.qrels.get(q.id)! });
    }
    byMode.set(mode, scoreRun(runs));
  }
  results.set(name, byMode);
  await dispose();
}

const names = [...results.keys()];
const f = (x: number | undefined) => (x === undefined ? "  –  " : x.toFixed(3));
console.log(`\nengine: ${engine}, model: ${MODEL.id}, one chunk per document\n`);
console.log(`| mode | ${names.map((n) => `${n} nDCG@10 | R@10 | R@100`).join(" | ")} |`);
console.log(`|---|${names.map(() => "---|---|---").join("|")}|`);
for (const mode of modes) {
  const cells = names.map((n) => {
    const s = results.get(n)!.get(mode)!;
    return `${f(s.ndcg10)} | ${f(s.recall10)} | ${f(s.recall100)}`;
  });
  console.log(`| ${mode} | ${cells.join(" | ")} |`);
}
