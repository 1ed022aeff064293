import { batchStemmer, chunkTerms } from "./analysis.js";
import type { TermPostings } from "./bm25.js";
import { decodePostings, encodePostings, type Posting } from "./postings.js";

/**
 * How the keyword index's postings blocks change, decided in memory so that the SQLite and PostgreSQL adapters
 * store exactly the same blocks. A term's postings are split into blocks of at most `BLOCK_POSTINGS` chunks in
 * ascending chunk-key order, each stored as one row keyed by (knowledge base, term, first key). New chunks get
 * higher keys than every stored chunk of their knowledge base, so adding appends to each term's last block.
 */

/**
 * A block is rewritten whole when a chunk in it is deleted and read whole by every search for its term: 1,024
 * postings (~4 KiB) keeps both cheap, and a term in half of 100,000 chunks is ~50 rows.
 */
export const BLOCK_POSTINGS = 1024;

/** A chunk as the keyword index sees it: its row key, and the text it indexes. */
export interface KeywordChunk {
  key: number;
  text: string;
  heading: string | null;
}

/** Postings per term and total length in tokens (BM25's document lengths), built a chunk at a time. */
export class Inversion {
  private readonly stem = batchStemmer();
  readonly byTerm = new Map<string, Posting[]>();
  tokens = 0;

  constructor(private readonly headingWeight: number) {}

  /** Adds a chunk whose key is above every key added before. */
  add(c: KeywordChunk): void {
    const { tf, length } = chunkTerms(c.text, c.heading ?? undefined, {
      headingWeight: this.headingWeight,
      stem: this.stem,
    });
    this.tokens += length;
    for (const [term, f] of tf) {
      const list = this.byTerm.get(term) ?? [];
      if (list.length === 0) this.byTerm.set(term, list);
      list.push({ key: c.key, tf: f, length });
    }
  }
}

/** Postings per term of `chunks` (keys ascending), and their total length in tokens (BM25's document lengths). */
export function invertChunks(
  chunks: KeywordChunk[],
  headingWeight: number,
): { byTerm: Map<string, Posting[]>; tokens: number } {
  const inversion = new Inversion(headingWeight);
  for (const c of [...chunks].sort((a, b) => a.key - b.key)) inversion.add(c);
  return inversion;
}

/** A term's last stored block. */
export interface BlockTail {
  firstKey: number;
  lastKey: number;
  n: number;
}

/** Bytes to append to an existing block, or a new block; `n` counts the postings the bytes hold. */
export interface BlockWrite {
  term: string;
  firstKey: number;
  lastKey: number;
  n: number;
  data: Uint8Array;
}

export function planAppends(
  byTerm: Map<string, Posting[]>,
  tails: Map<string, BlockTail>,
): { appends: BlockWrite[]; inserts: BlockWrite[] } {
  const appends: BlockWrite[] = [];
  const inserts: BlockWrite[] = [];
  for (const [term, postings] of byTerm) {
    let rest = postings;
    const tail = tails.get(term);
    if (tail && tail.n < BLOCK_POSTINGS) {
      const take = rest.slice(0, BLOCK_POSTINGS - tail.n);
      const data = encodePostings(tail.lastKey, take);
      appends.push({ term, firstKey: tail.firstKey, lastKey: take.at(-1)!.key, n: take.length, data });
      rest = rest.slice(take.length);
    }
    inserts.push(...blocksOf(term, rest));
  }
  return { appends, inserts };
}

/** A stored block holding at least one posting to erase. */
export interface StoredBlock {
  term: string;
  firstKey: number;
  data: Uint8Array;
}

/** New contents of the blocks that lose postings (`gone`: term → keys), and the blocks left empty. */
export function planRemovals(
  blocks: StoredBlock[],
  gone: Map<string, Set<number>>,
): { rewrites: BlockWrite[]; deletes: { term: string; firstKey: number }[] } {
  const rewrites: BlockWrite[] = [];
  const deletes: { term: string; firstKey: number }[] = [];
  for (const { term, firstKey, data } of blocks) {
    const keys = gone.get(term);
    const stored = decodePostings(data);
    const kept = stored.filter((p) => !keys?.has(p.key));
    if (kept.length === stored.length) continue;
    if (kept.length === 0) deletes.push({ term, firstKey });
    else {
      rewrites.push({ term, firstKey, lastKey: kept.at(-1)!.key, n: kept.length, data: encodePostings(0, kept) });
    }
  }
  return { rewrites, deletes };
}

/** term → keys of the postings to erase, from the chunks' re-analysed text. */
export function postingsOf(byTerm: Map<string, Posting[]>): Map<string, Set<number>> {
  return new Map([...byTerm].map(([term, postings]) => [term, new Set(postings.map((p) => p.key))]));
}

/** Rows of (term, block) in key order, grouped per term with the query's count of it. */
export function termPostings(rows: { term: string; data: Uint8Array }[], terms: Map<string, number>): TermPostings[] {
  const byTerm = new Map<string, TermPostings>();
  for (const { term, data } of rows) {
    const t = byTerm.get(term) ?? { qtf: terms.get(term) ?? 1, blocks: [] };
    if (t.blocks.length === 0) byTerm.set(term, t);
    t.blocks.push(data);
  }
  return [...byTerm.values()];
}

/** Postings (keys ascending) as blocks of at most `BLOCK_POSTINGS`. */
export function blocksOf(term: string, postings: Posting[]): BlockWrite[] {
  const out: BlockWrite[] = [];
  for (let i = 0; i < postings.length; i += BLOCK_POSTINGS) {
    const part = postings.slice(i, i + BLOCK_POSTINGS);
    out.push({
      term,
      firstKey: part[0]!.key,
      lastKey: part.at(-1)!.key,
      n: part.length,
      data: encodePostings(0, part),
    });
  }
  return out;
}
