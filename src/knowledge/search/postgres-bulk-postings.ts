import type { Sealer } from "../../lib/sealing.js";
import { BLOCK_POSTINGS, type BlockWrite, blocksOf } from "./keyword-blocks.js";
import { bytes, type PgQueryable } from "./postgres-keyword.js";
import { decodePostings, encodePostings, type Posting } from "./postings.js";
import type { IndexScope } from "./search-index.js";

/** A term's postings not yet stored: finished blocks, and the open one's bytes. */
interface TermBlocks {
  done: BlockWrite[];
  buf: Uint8Array;
  len: number;
  n: number;
  firstKey: number;
  lastKey: number;
}

/** Bytes of memory a term's entry costs besides its postings' bytes (the map entry, the object, its string). */
const TERM_OVERHEAD = 160;

/**
 * A bulk load's postings of one knowledge base, kept in memory across its batches and written at the end (or when
 * the load's memory budget is spent) as whole new blocks: one INSERT instead of, per batch, a read of each term's
 * last block and an UPDATE appending to it (~18,000 per 1,000 chunks, rewriting each block up to 1,024 times).
 * The blocks are the ones `planAppends` would have made from an empty index, so several blocks per term with a
 * partial last one, as the per-upload path leaves them. Postings are held encoded (~4 bytes each).
 */
export class PendingPostings {
  private readonly terms = new Map<string, TermBlocks>();
  private keys = new Float64Array(1024);
  private keyCount = 0;
  /** Bytes held: postings and per-term overhead. */
  bytes = 0;

  get chunks(): number {
    return this.keyCount;
  }

  /** Adds a batch's postings (keys above every key added before, each term's postings in key order). */
  add(byTerm: Map<string, Posting[]>, keys: Iterable<number>): void {
    for (const k of keys) {
      if (this.keyCount === this.keys.length) {
        const grown = new Float64Array(this.keys.length * 2);
        grown.set(this.keys);
        this.keys = grown;
      }
      this.keys[this.keyCount++] = k;
      this.bytes += 8;
    }
    for (const [term, postings] of byTerm) this.addTerm(term, postings);
  }

  private addTerm(term: string, postings: Posting[]): void {
    let t = this.terms.get(term);
    if (!t) {
      t = { done: [], buf: new Uint8Array(16), len: 0, n: 0, firstKey: 0, lastKey: 0 };
      this.terms.set(term, t);
      this.bytes += TERM_OVERHEAD + term.length * 2;
    }
    for (let i = 0; i < postings.length; ) {
      const take = postings.slice(i, i + BLOCK_POSTINGS - t.n);
      const data = encodePostings(t.n ? t.lastKey : 0, take);
      if (t.len + data.length > t.buf.length) {
        const grown = new Uint8Array(Math.max(t.buf.length * 2, t.len + data.length));
        grown.set(t.buf.subarray(0, t.len));
        this.bytes += grown.length - t.buf.length;
        t.buf = grown;
      }
      t.buf.set(data, t.len);
      t.len += data.length;
      if (t.n === 0) t.firstKey = take[0]!.key;
      t.n += take.length;
      t.lastKey = take.at(-1)!.key;
      if (t.n === BLOCK_POSTINGS) {
        t.done.push({ term, firstKey: t.firstKey, lastKey: t.lastKey, n: t.n, data: t.buf.slice(0, t.len) });
        this.bytes += t.len - t.buf.length;
        t.buf = new Uint8Array(16);
        this.bytes += 16;
        t.len = 0;
        t.n = 0;
      }
      i += take.length;
    }
  }

  /** Every block, the open ones included; `without` drops the postings of those keys (chunks gone since). */
  blocks(without?: Set<number>): BlockWrite[] {
    const out: BlockWrite[] = [];
    for (const [term, t] of this.terms) {
      const all = [...t.done];
      if (t.n) all.push({ term, firstKey: t.firstKey, lastKey: t.lastKey, n: t.n, data: t.buf.slice(0, t.len) });
      if (!without?.size) {
        out.push(...all);
        continue;
      }
      const kept = all.flatMap((b) => decodePostings(b.data)).filter((p) => !without.has(p.key));
      out.push(...blocksOf(term, kept));
    }
    return out;
  }

  /** The keys of the chunks added, ascending. */
  chunkKeys(): Float64Array {
    return this.keys.subarray(0, this.keyCount);
  }

  /** The smallest key added (undefined when empty). */
  get firstKey(): number | undefined {
    return this.keyCount ? this.keys[0] : undefined;
  }
}

/**
 * Keyed terms remembered across the batches of one load: the HMAC of a term is computed once per load rather than
 * once per batch. The key is checked each batch by the keyed form of a probe term, so a knowledge base whose key was
 * destroyed and made again meanwhile starts over with its new key.
 */
export class TermKeyCache {
  private probe: string | undefined;
  private readonly keyed = new Map<string, string>();
  bytes = 0;

  clear(): void {
    this.keyed.clear();
    this.bytes = 0;
  }

  /** The keying function of `sealer` for this batch. */
  keyer(sealer: Sealer): (term: string) => string {
    const probe = sealer.term("\u0000probe");
    if (probe !== this.probe) {
      this.clear();
      this.probe = probe;
    }
    return (term) => {
      let k = this.keyed.get(term);
      if (k === undefined) {
        k = sealer.term(term);
        this.keyed.set(term, k);
        this.bytes += TERM_OVERHEAD + (term.length + k.length) * 2;
      }
      return k;
    };
  }
}

/** Block writes in statements of about this many bytes of postings. */
const STATEMENT_BYTES = 16 << 20;

export const arrayLiteral = (values: (string | number)[]) =>
  `{${values.map((v) => (typeof v === "number" ? String(v) : `"${v.replace(/["\\]/g, "\\$&")}"`)).join(",")}}`;

/**
 * Writes new blocks, a few multi-row INSERTs whatever their number: terms and numbers as array literals, the bytes
 * as one `bytea[]` (binary through node-pg; `byteaParam`).
 */
export async function insertBlocks(
  tx: PgQueryable,
  kb: number,
  blocks: BlockWrite[],
  bytea: (values: Buffer[]) => Buffer | string,
): Promise<void> {
  for (let i = 0; i < blocks.length; ) {
    let size = 0;
    let j = i;
    while (j < blocks.length && (j === i || size < STATEMENT_BYTES)) size += blocks[j++]!.data.length;
    const part = blocks.slice(i, j);
    await tx.query(
      `INSERT INTO knowledge_postings (kb, term, first_key, last_key, n, data)
       SELECT $1, term, first_key, last_key, n, data
       FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::integer[], $6::bytea[])
         AS w(term, first_key, last_key, n, data)`,
      [
        kb,
        arrayLiteral(part.map((b) => b.term)),
        arrayLiteral(part.map((b) => b.firstKey)),
        arrayLiteral(part.map((b) => b.lastKey)),
        arrayLiteral(part.map((b) => b.n)),
        bytea(part.map((b) => Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength))),
      ],
    );
    i = j;
  }
}

/**
 * Stores a load's pending postings of one knowledge base, inside a transaction that holds its lock (`lockBase`).
 * Their chunks were counted in the knowledge base's totals when their rows went in, and chunks deleted or replaced
 * since were subtracted then, so here only their postings are dropped. Should another writer have added chunks to
 * the knowledge base since the load began, the blocks holding its keys above the load's first are merged with the
 * load's (a rare path: blocks of one term must not overlap, for `remove` finds a key's block by its first key).
 */
export async function writePending(
  tx: PgQueryable,
  kb: number,
  scope: { accountId: string; knowledgeBaseId: string },
  pending: PendingPostings,
  bytea: (values: Buffer[]) => Buffer | string,
): Promise<void> {
  const keys = pending.chunkKeys();
  const first = pending.firstKey;
  if (first === undefined) return;
  const gone = (
    await tx.query(
      `SELECT k::float8 AS key FROM unnest($1::bigint[]) AS k
       WHERE NOT EXISTS (SELECT 1 FROM knowledge_chunks c WHERE c.pk = k)`,
      [arrayLiteral([...keys])],
    )
  ).rows as { key: number }[];
  const since = (
    await tx.query(
      `SELECT count(*)::float8 AS n FROM knowledge_chunks
       WHERE account_id = $1 AND knowledge_base_id = $2 AND pk >= $3`,
      [scope.accountId, scope.knowledgeBaseId, first],
    )
  ).rows as { n: number }[];
  const blocks = pending.blocks(new Set(gone.map((g) => g.key)));
  const others = since[0]!.n - (keys.length - gone.length);
  if (others <= 0) return insertBlocks(tx, kb, blocks, bytea);
  const byTerm = new Map<string, BlockWrite[]>();
  for (const b of blocks) {
    const list = byTerm.get(b.term) ?? [];
    if (list.length === 0) byTerm.set(b.term, list);
    list.push(b);
  }
  const stored = (
    await tx.query(
      `SELECT term, first_key::float8 AS "firstKey", data FROM knowledge_postings WHERE kb = $1 AND last_key >= $2`,
      [kb, first],
    )
  ).rows as { term: string; firstKey: number; data: unknown }[];
  const merged = new Map<string, Posting[]>();
  const deletes: { term: string; first_key: number }[] = [];
  for (const s of stored) {
    const mine = byTerm.get(s.term);
    if (!mine) continue;
    const list = merged.get(s.term) ?? mine.flatMap((b) => decodePostings(b.data));
    merged.set(s.term, list);
    list.push(...decodePostings(bytes(s.data)));
    deletes.push({ term: s.term, first_key: s.firstKey });
  }
  if (deletes.length) {
    await tx.query(
      `DELETE FROM knowledge_postings p USING jsonb_to_recordset($2::jsonb) AS d(term TEXT, first_key BIGINT)
       WHERE p.kb = $1 AND p.term = d.term AND p.first_key = d.first_key`,
      [kb, JSON.stringify(deletes)],
    );
  }
  for (const [term, list] of merged)
    byTerm.set(
      term,
      blocksOf(
        term,
        list.sort((a, b) => a.key - b.key),
      ),
    );
  await insertBlocks(tx, kb, [...byTerm.values()].flat(), bytea);
}

/** What one bulk load keeps in memory per knowledge base: its pending postings and its keyed terms. */
export class LoadPostings {
  private readonly bases = new Map<string, { scope: IndexScope; pending: PendingPostings; terms: TermKeyCache }>();

  /** `budget`: bytes held before a knowledge base's postings are written out mid-load. */
  constructor(readonly budget: number) {}

  of(scope: IndexScope): { pending: PendingPostings; terms: TermKeyCache } {
    const name = JSON.stringify([scope.accountId, scope.knowledgeBaseId]);
    let base = this.bases.get(name);
    if (!base) {
      base = { scope, pending: new PendingPostings(), terms: new TermKeyCache() };
      this.bases.set(name, base);
    }
    return base;
  }

  /** Whether the memory held is over the budget (keyed terms are forgotten first, past a quarter of it). */
  get full(): boolean {
    for (const b of this.bases.values()) if (b.terms.bytes > this.budget / 4) b.terms.clear();
    let n = 0;
    for (const b of this.bases.values()) n += b.pending.bytes + b.terms.bytes;
    return n > this.budget;
  }

  /** Takes a knowledge base's pending postings (a new, empty set stays in their place). */
  take(scope: IndexScope): PendingPostings {
    const base = this.of(scope);
    const pending = base.pending;
    base.pending = new PendingPostings();
    return pending;
  }

  /** Gives back postings taken for a write that failed (nothing was added since: the write held the lock). */
  putBack(scope: IndexScope, pending: PendingPostings): void {
    this.of(scope).pending = pending;
  }

  get scopes(): IndexScope[] {
    return [...this.bases.values()].filter((b) => b.pending.chunks > 0).map((b) => b.scope);
  }
}
