/**
 * In-process CPU cost of crypto-shredding on PostgreSQL: sealing and opening chunk text (AES-256-GCM) and keying terms
 * (HMAC-SHA256), per chunk of ~200 words — what the search index adds to an ingestion and to a search's load step —
 * then the keys a search needs, side by side in one run: the knowledge base's key read from its file twice per search
 * (before per-document keys), and per-document keys through the search's cache (postgres-keys.ts), warm, over more
 * documents than it holds, and without it (one key file per hit).
 *   npx tsx bench/sealing.ts [--chunks 20000] [--queries 2000] [--hits 10]
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { batchStemmer, chunkTerms } from "../src/knowledge/search/analysis.js";
import { IndexKeys, KeyRing } from "../src/knowledge/search/postgres-keys.js";
import { Sealer } from "../src/lib/sealing.js";
import { LocalKeyStore } from "../src/storage/key-store.js";
import { rng, vocabulary, zipfSampler } from "./lib/synthetic.js";

const { values } = parseArgs({
  options: {
    chunks: { type: "string", default: "20000" },
    queries: { type: "string", default: "2000" },
    hits: { type: "string", default: "10" },
  },
});
const N = Number(values.chunks);
const random = rng(7);
const vocab = vocabulary(30_000, random);
const word = zipfSampler(vocab.length, random);
const texts = Array.from({ length: N }, () => Array.from({ length: 200 }, () => vocab[word()]).join(" "));
const sealer = new Sealer(randomBytes(32));

const cpu = (fn: () => void) => {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const stem = batchStemmer();
const termSets = texts.map((t) => [...chunkTerms(t, undefined, { headingWeight: 2, stem }).tf.keys()]);
let sealed: Buffer[] = [];
const sealMs = cpu(() => {
  sealed = texts.map((t) => sealer.seal(JSON.stringify([t, null])));
});
const openMs = cpu(() => {
  for (const s of sealed) sealer.open(s);
});
// The index keys each distinct term of a write once (addChunks writes up to 1,000 chunks at a time).
let distinct = 0;
const termMs = cpu(() => {
  for (let i = 0; i < N; i += 1000) {
    const batch = new Set(termSets.slice(i, i + 1000).flat());
    for (const t of batch) sealer.term(t);
    distinct += batch.size;
  }
});
const us = (ms: number, n: number) => `${((ms * 1000) / n).toFixed(1)} µs`;
console.log(`${N} chunks of 200 words (${(texts.reduce((n, t) => n + t.length, 0) / N).toFixed(0)} characters)`);
console.log(`seal: ${us(sealMs, N)} per chunk; open: ${us(openMs, N)} per chunk`);
console.log(
  `term keys: ${us(termMs, distinct)} per term; ${distinct} distinct terms per 1,000-chunk batch summed → ${us(termMs, N)} per chunk`,
);

// --- The keys of a search: the load step opens `hits` chunks of as many documents, after keying the query's terms.
const QUERIES = Number(values.queries);
const HITS = Number(values.hits);
const keysDir = mkdtempSync(path.join(os.tmpdir(), "apic-bench-keys-"));
const store = new LocalKeyStore(keysDir);
const BASE = "acct_bench/kb_bench";
const DOCS = Math.min(N, 10_000);
const docName = (d: number) => `${BASE}/doc_${d}`;
const baseSealer = new Sealer(await store.key(BASE, { create: true }));
// One chunk per document, sealed with the knowledge base's key (before) and with the document's own (after).
const byBase: Buffer[] = [];
const byDoc: Buffer[] = [];
// Making a document's key (a file written, synced and linked, its folder synced) is what an ingestion adds per document.
let makeMs = 0;
for (let d = 0; d < DOCS; d++) {
  const plain = JSON.stringify([texts[d], null]);
  byBase.push(baseSealer.seal(plain));
  const t0 = performance.now();
  const key = await store.key(docName(d), { create: true });
  makeMs += performance.now() - t0;
  byDoc.push(new Sealer(key).seal(plain));
}
console.log(`\nmaking a document's key: ${(makeMs / DOCS).toFixed(2)} ms wall each (${DOCS} keys, one after another)`);
const queryTerms = Array.from({ length: 5 }, () => vocab[word()]!);
const pick = (docs: number) => Array.from({ length: HITS }, () => Math.floor(random() * docs));

const asyncCpu = async (fn: () => Promise<void>) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1000, wall: performance.now() - t0 };
};

type Variant = { name: string; docs: number; search: (hits: number[]) => Promise<void> };
// Before: keywordTop and load each read the knowledge base's key file and derive its sealer; every hit opens with it.
const before: Variant = {
  name: "before: knowledge-base key file read twice per search",
  docs: DOCS,
  search: async (hits) => {
    const terms = new Sealer((await store.key(BASE))!);
    for (const t of queryTerms) terms.term(t);
    const text = new Sealer((await store.key(BASE))!);
    for (const d of hits) text.open(byBase[d]!);
  },
};
const after = (name: string, keys: IndexKeys, docs: number): Variant => ({
  name,
  docs,
  search: async (hits) => {
    const terms = (await keys.cached(BASE))!;
    for (const t of queryTerms) terms.term(t);
    const ring = new KeyRing(keys, "cached");
    await Promise.all(hits.map((d) => ring.open(docName(d), (sealer) => sealer.open(byDoc[d]!))));
  },
});
const cached = new IndexKeys(store);
const variants: Variant[] = [
  before,
  after(`after: document keys, cache warm (${Math.min(DOCS, 2000)} documents searched)`, cached, Math.min(DOCS, 2000)),
  after(
    `after: document keys, ${DOCS} documents searched, cache of 4,096`,
    new IndexKeys(store, { entries: 4096 }),
    DOCS,
  ),
  after("after: document keys, no cache (a key file per hit)", new IndexKeys(store, { entries: 0 }), DOCS),
];
// Warm-up, then rounds in turn so that the machine's load falls on every variant alike.
for (const v of variants) for (let q = 0; q < 200; q++) await v.search(pick(v.docs));
const totals = variants.map(() => ({ cpu: 0, wall: 0 }));
const ROUNDS = 5;
for (let r = 0; r < ROUNDS; r++) {
  for (const [i, v] of variants.entries()) {
    const m = await asyncCpu(async () => {
      for (let q = 0; q < QUERIES / ROUNDS; q++) await v.search(pick(v.docs));
    });
    totals[i]!.cpu += m.cpu;
    totals[i]!.wall += m.wall;
  }
}
console.log(`\nkeys of a search: ${QUERIES} searches × ${HITS} hits, 5 query terms; CPU (and wall) per search`);
for (const [i, v] of variants.entries()) {
  console.log(`  ${v.name}: ${us(totals[i]!.cpu, QUERIES)} cpu (${us(totals[i]!.wall, QUERIES)} wall)`);
}
console.log(`  sealers cached at the end: ${cached.cachedCount} (warm), limit 16,384 by default`);
// What a full cache costs in memory: JS heap plus buffers, per cached key (gc exposed: node --expose-gc).
const gc = (globalThis as { gc?: () => void }).gc;
const memory = () => {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const full = new IndexKeys(store, { entries: DOCS });
const m0 = memory();
for (let d = 0; d < DOCS; d++) await full.cached(docName(d));
const perKey = (memory() - m0) / full.cachedCount;
console.log(
  `  memory: ${perKey.toFixed(0)} bytes per cached key (${full.cachedCount} keys${gc ? "" : ", without gc"})`,
);
rmSync(keysDir, { recursive: true, force: true });
