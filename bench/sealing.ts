/**
 * In-process CPU cost of crypto-shredding on PostgreSQL: sealing and opening chunk text (AES-256-GCM) and keying terms
 * (HMAC-SHA256), per chunk of ~200 words — what the search index adds to an ingestion and to a search's load step.
 *   npx tsx bench/sealing.ts [--chunks 20000]
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { batchStemmer, chunkTerms } from "../src/knowledge/search/analysis.js";
import { Sealer } from "../src/lib/sealing.js";
import { rng, vocabulary, zipfSampler } from "./lib/synthetic.js";

const { values } = parseArgs({ options: { chunks: { type: "string", default: "20000" } } });
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
