/**
 * Retrieval quality of the knowledge index on SciFact, Cranfield and CISI (/work/shared/eval, read in place).
 *   npx tsx bench/retrieval.ts [--engine sqlite|pglite] [--collections scifact,cranfield,cisi] [--semantic-weight 0.3]
 *   [--chunking one|product]
 * Each document is uploaded as the API reads a text by default: plain text, its title on the first line, a blank line,
 * then the body, through the product's own extraction (which takes such a first line as the title and heading). Then
 * one chunk per document (default) whose text is the extracted text and whose heading is the detected title, or —
 * with `--chunking product` — the product's `chunkDocument` (256-token chunks), ranked by each document's best chunk.
 * Embeddings come from bench/.cache (computed on a miss: product chunking embeds ~2–3× as many texts).
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
    // one: each document is one chunk. product: chunkDocument (256-token chunks). Both extract the text as plain text.
    chunking: { type: "string", default: "one" },
  },
});
const productChunking = values.chunking === "product";
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

interface BenchChunk {
  documentId: string;
  position: number;
  text: string;
  heading?: string;
}

async function chunkCorpus(docs: { id: string; title: string; text: string }[]): Promise<BenchChunk[]> {
  const { extractDocument, documentText: extractedText } = await import("../src/knowledge/extract/index.js");
  const { chunkDocument } = await import("../src/knowledge/chunk.js");
  const limits = { maxBytes: 10_000_000, maxUnzippedBytes: 10_000_000, maxPages: 1000, timeoutMs: 10_000 };
  const out: BenchChunk[] = [];
  for (const d of docs) {
    const text = documentText(d);
    if (!text.trim()) continue; // the product refuses an empty document; it cannot be found anyway
    // Uploaded as the API reads a text by default: plain text, "title", blank line, body (the title on one line).
    const extracted = await extractDocument(
      { bytes: Buffer.from(text), filename: `${d.id}.txt`, contentType: "text/plain" },
      limits,
    );
    if (!productChunking) {
      const heading = extracted.title;
      out.push({ documentId: d.id, position: 0, text: extractedText(extracted), ...(heading ? { heading } : {}) });
      continue;
    }
    for (const ch of chunkDocument(extracted)) {
      out.push({
        documentId: d.id,
        position: ch.position,
        text: ch.text,
        ...(ch.heading ? { heading: ch.heading } : {}),
      });
    }
  }
  return out;
}
const results = new Map<string, Map<SearchMode, Scores>>();
/** Per collection: recall@10 of the index's semantic top 10 against exact cosine over the same vectors. */
const vectorRecall = new Map<string, number>();

function exactTop(query: Float32Array, vectors: Float32Array[], k: number): number[] {
  const scores = vectors.map((v) => {
    let dot = 0;
    let nv = 0;
    for (let i = 0; i < v.length; i++) {
      dot += v[i]! * query[i]!;
      nv += v[i]! * v[i]!;
    }
    return nv > 0 ? dot / Math.sqrt(nv) : 0;
  });
  return [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!).slice(0, k);
}

for (const name of values.collections!.split(",")) {
  const c = loadCollection(name);
  const chunks = await chunkCorpus(c.docs);
  const texts = chunks.map((ch) => ch.text);
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
  for (let i = 0; i < chunks.length; i += 500) {
    await index.addChunks(
      scope,
      chunks
        .slice(i, i + 500)
        .map((ch, j) => ({ ...ch, id: `chk_${ch.documentId}_${ch.position}`, vector: docVectors[i + j]! })),
    );
  }
  process.stderr.write(
    `${name}: indexed ${c.docs.length} docs as ${chunks.length} chunks in ${Date.now() - started} ms\n`,
  );
  const byMode = new Map<SearchMode, Scores>();
  for (const mode of modes) {
    const runs = [];
    for (const [i, q] of c.queries.entries()) {
      // Several chunks of one document may rank: ask for more so 100 distinct documents remain.
      const topK = productChunking ? 300 : 100;
      const hits = await index.search({ ...scope, text: q.text, vector: queryVectors[i], mode, topK });
      // Documents in order of their best chunk.
      const ranked = [...new Set(hits.map((h) => h.documentId))].slice(0, 100);
      runs.push({ ranked, relevant: c.qrels.get(q.id)! });
    }
    byMode.set(mode, scoreRun(runs));
  }
  if (modes.includes("semantic")) {
    let found = 0;
    for (const [i, q] of c.queries.entries()) {
      const hits = await index.search({ ...scope, text: q.text, vector: queryVectors[i], mode: "semantic", topK: 10 });
      const exact = new Set(
        exactTop(queryVectors[i]!, docVectors, 10).map((j) => `chk_${chunks[j]!.documentId}_${chunks[j]!.position}`),
      );
      found += hits.filter((h) => exact.has(h.chunkId)).length;
    }
    vectorRecall.set(name, found / (10 * c.queries.length));
  }
  results.set(name, byMode);
  await dispose();
}

const names = [...results.keys()];
const f = (x: number | undefined) => (x === undefined ? "  –  " : x.toFixed(3));
const chunkingLabel = productChunking ? "text/plain extraction + chunkDocument" : "one chunk per document";
console.log(`\nengine: ${engine}, model: ${MODEL.id}, ${chunkingLabel}\n`);
console.log(`| mode | ${names.map((n) => `${n} nDCG@10 | R@10 | R@100`).join(" | ")} |`);
console.log(`|---|${names.map(() => "---|---|---").join("|")}|`);
for (const mode of modes) {
  const cells = names.map((n) => {
    const s = results.get(n)!.get(mode)!;
    return `${f(s.ndcg10)} | ${f(s.recall10)} | ${f(s.recall100)}`;
  });
  console.log(`| ${mode} | ${cells.join(" | ")} |`);
}
if (vectorRecall.size) {
  console.log(
    `\nvector index recall@10 against exact cosine (semantic, topK 10): ${names.map((n) => `${n} ${f(vectorRecall.get(n))}`).join(", ")}`,
  );
}
