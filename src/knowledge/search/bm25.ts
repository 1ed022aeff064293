import { decodeInto, type PostingArrays, postingArrays } from "./postings.js";

/**
 * Okapi BM25 over stored postings, in memory, for one knowledge base. Pure: the adapters fetch the blocks of the
 * query's terms and the knowledge base's own totals; nothing here sees another owner's statistics.
 *
 * The formula is FTS5's `bm25()` (k1 1.2, b 0.75, a term counted once per query occurrence) with Lucene's idf,
 * ln(1 + (N − df + 0.5) / (df + 0.5)): FTS5's ln((N − df + 0.5) / (df + 0.5)) is floored at 1e-6, so a word in half
 * the chunks or more counted for nothing. Measured on SciFact / Cranfield / CISI with titles as headings, keyword
 * nDCG@10 0.693 / 0.375 / 0.391 → 0.696 / 0.376 / 0.393 (bench/retrieval.ts).
 */
export const K1 = 1.2;
export const B = 0.75;

/** A knowledge base's totals: how many chunks, and how many tokens they hold. */
export interface CorpusStats {
  chunks: number;
  tokens: number;
}

/** One query term: how often the query says it, and its postings blocks in key order. */
export interface TermPostings {
  qtf: number;
  blocks: Uint8Array[];
}

export function idf(df: number, chunks: number): number {
  return Math.log(1 + (chunks - df + 0.5) / (df + 0.5));
}

/** BM25 of every chunk holding a query term, keys ascending. */
export interface KeywordScores {
  keys: Float64Array;
  scores: Float64Array;
}

interface Scored {
  postings: PostingArrays;
  weight: number;
}

function decodeTerm(term: TermPostings, stats: CorpusStats): Scored {
  // A posting takes at least 3 bytes: room for every posting whatever the stored counts say.
  const postings = postingArrays(term.blocks.reduce((n, b) => n + Math.floor(b.length / 3), 0));
  for (const block of term.blocks) decodeInto(block, postings);
  return { postings, weight: term.qtf * idf(postings.count, stats.chunks) };
}

/** Adds one term's contributions into a dense accumulator indexed by key − base. */
function addDense(acc: Float64Array, base: number, { postings, weight }: Scored, avgdl: number): void {
  const { keys, tf, length, count } = postings;
  const k = K1 * (1 - B);
  const kl = (K1 * B) / avgdl;
  for (let i = 0; i < count; i++) {
    const f = tf[i]!;
    acc[keys[i]! - base] += (weight * f * (K1 + 1)) / (f + k + kl * length[i]!);
  }
}

/** Merges one term's contributions into a sorted sparse accumulator (keys spread too thin for a dense one). */
function addSparse(acc: KeywordScores, { postings, weight }: Scored, avgdl: number): KeywordScores {
  const { keys, tf, length, count } = postings;
  const outKeys = new Float64Array(acc.keys.length + count);
  const outScores = new Float64Array(acc.keys.length + count);
  let a = 0;
  let t = 0;
  let o = 0;
  while (a < acc.keys.length || t < count) {
    const ak = a < acc.keys.length ? acc.keys[a]! : Number.POSITIVE_INFINITY;
    const tk = t < count ? keys[t]! : Number.POSITIVE_INFINITY;
    let s = 0;
    if (ak <= tk) s += acc.scores[a++]!;
    if (tk <= ak) {
      const f = tf[t]!;
      s += (weight * f * (K1 + 1)) / (f + K1 * (1 - B + (B * length[t]!) / avgdl));
      t++;
    }
    outKeys[o] = Math.min(ak, tk);
    outScores[o++] = s;
  }
  return { keys: outKeys.subarray(0, o), scores: outScores.subarray(0, o) };
}

export function scoreBm25(terms: TermPostings[], stats: CorpusStats): KeywordScores {
  const decoded = terms.map((t) => decodeTerm(t, stats)).filter((d) => d.postings.count > 0);
  const empty = { keys: new Float64Array(0), scores: new Float64Array(0) };
  if (decoded.length === 0 || stats.chunks === 0) return empty;
  const avgdl = Math.max(stats.tokens / stats.chunks, 1);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let total = 0;
  for (const { postings } of decoded) {
    lo = Math.min(lo, postings.keys[0]!);
    hi = Math.max(hi, postings.keys[postings.count - 1]!);
    total += postings.count;
  }
  const span = hi - lo + 1;
  if (span > 4 * total + 4096) return decoded.reduce<KeywordScores>((acc, d) => addSparse(acc, d, avgdl), empty);
  // Keys of one knowledge base are mostly consecutive: a dense array indexed by key is the cheapest accumulator.
  const acc = new Float64Array(span);
  for (const d of decoded) addDense(acc, lo, d, avgdl);
  let n = 0;
  for (let i = 0; i < span; i++) if (acc[i]! > 0) n++;
  const keys = new Float64Array(n);
  const scores = new Float64Array(n);
  for (let i = 0, o = 0; i < span; i++) {
    if (acc[i]! > 0) {
      keys[o] = lo + i;
      scores[o++] = acc[i]!;
    }
  }
  return { keys, scores };
}

/** The scores of the given keys that hold a query term (keys as an adapter spells them: numbers or numeric text). */
export function scoresOfKeys<K extends number | string>(s: KeywordScores, keys: K[]): Map<K, number> {
  const out = new Map<K, number>();
  for (const key of keys) {
    const score = scoreOf(s, Number(key));
    if (score > 0) out.set(key, score);
  }
  return out;
}

/** The score of one key (0 when it holds no query term). */
export function scoreOf(s: KeywordScores, key: number): number {
  let lo = 0;
  let hi = s.keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const k = s.keys[mid]!;
    if (k === key) return s.scores[mid]!;
    if (k < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/**
 * Best-first batches of every scored key, for a filtered search that checks candidates against the chunk table: the
 * first holds max(256, 4 × limit), each next one the following keys of a ranking four times as long, so a loose
 * filter costs one check and a tight one still reaches its few chunks. The caller stops once it has `limit`.
 */
export function* bestFirstBatches(s: KeywordScores, limit: number): Generator<{ key: number; score: number }[]> {
  let checked = 0;
  for (let want = Math.max(256, 4 * limit); checked < s.keys.length; want *= 4) {
    const batch = topPositions(s, want)
      .slice(checked)
      .map((i) => ({ key: s.keys[i]!, score: s.scores[i]! }));
    checked += batch.length;
    yield batch;
  }
}

/** Positions of the best `limit` scores, best first (ties: lower key first), without sorting everything. */
export function topPositions(s: KeywordScores, limit: number): number[] {
  const n = s.keys.length;
  if (limit <= 0 || n === 0) return [];
  const better = (i: number, j: number) => s.scores[i]! > s.scores[j]! || (s.scores[i] === s.scores[j] && i < j);
  if (limit >= n) return Array.from({ length: n }, (_, i) => i).sort((i, j) => (better(i, j) ? -1 : 1));
  // A min-heap of the best positions seen so far; its root is the weakest of them.
  const heap: number[] = [];
  const down = (from: number) => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && better(heap[m]!, heap[l]!)) m = l;
      if (r < heap.length && better(heap[m]!, heap[r]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let i = 0; i < n; i++) {
    if (heap.length < limit) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!better(heap[p]!, heap[c]!)) break;
        [heap[p], heap[c]] = [heap[c]!, heap[p]!];
        c = p;
      }
    } else if (better(i, heap[0]!)) {
      heap[0] = i;
      down(0);
    }
  }
  return heap.sort((i, j) => (better(i, j) ? -1 : 1));
}
