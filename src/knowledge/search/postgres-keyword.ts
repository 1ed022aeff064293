import type { PgStatements } from "../../db/postgres.js";
import { prepared } from "../../db/sql.js";
import type { Sealer } from "../../lib/sealing.js";
import { type KeywordScores, scoreBm25 } from "./bm25.js";
import {
  type BlockTail,
  type BlockWrite,
  invertChunks,
  type KeywordChunk,
  planAppends,
  planRemovals,
  postingsOf,
  type StoredBlock,
  termPostings,
} from "./keyword-blocks.js";
import type { Posting } from "./postings.js";
import type { IndexScope } from "./search-index.js";

/** Terms as the index stores them: keyed with the knowledge base's key, so its words are unreadable once it is gone. */
export function keyedTerms(byTerm: Map<string, Posting[]>, sealer: Sealer): Map<string, Posting[]> {
  return new Map([...byTerm].map(([term, postings]) => [sealer.term(term), postings]));
}

/** New chunks' postings under keyed terms, with how many chunks and tokens they add to the knowledge base. */
export interface KeyedPostings {
  chunks: number;
  tokens: number;
  byTerm: Map<string, Posting[]>;
  /** The new chunks' keys, ascending (when known). */
  keys?: number[];
}

/** Every keyword search's one statement: the knowledge base's statistics and the query terms' blocks. */
const SCORES = prepared(
  `SELECT b.chunks::float8 AS chunks, b.tokens::float8 AS tokens, p.term, p.data
   FROM knowledge_index_bases b
   LEFT JOIN knowledge_postings p
     ON p.kb = b.kb AND p.term = ANY (ARRAY(SELECT jsonb_array_elements_text($3::jsonb)))
   WHERE b.account_id = $1 AND b.knowledge_base_id = $2
   ORDER BY p.term, p.first_key`,
);

/** One statement with positional `$n` parameters (a pool, a client inside a transaction, or PGlite). */
export type PgQueryable = PgStatements;

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
const writesJson = (writes: BlockWrite[]) =>
  JSON.stringify(
    writes.map((w) => ({ term: w.term, first_key: w.firstKey, last_key: w.lastKey, n: w.n, data: hex(w.data) })),
  );
export const bytes = (v: unknown) =>
  typeof v === "string" ? Buffer.from(v.replace(/^\\x/, ""), "hex") : (v as Uint8Array);

/**
 * The PostgreSQL keyword index: the same postings blocks as SQLite's (keyword-blocks.ts), in `knowledge_postings`
 * (bytea), with each knowledge base's totals in `knowledge_index_bases`. BM25 is computed in the process from the
 * query terms' blocks — one indexed read per term instead of the SQL BM25 over every matching row, which took
 * hundreds of ms at 100,000 chunks. Writes run inside the caller's transaction, after `lockBase`.
 *
 * Terms are stored keyed (`Sealer.term`, an HMAC with the knowledge base's key), never as words: the blocks then
 * hold nothing readable once the key is destroyed, whatever copies PostgreSQL keeps of rows that were deleted.
 */
export class PostgresKeywordIndex {
  constructor(private readonly headingWeight: number) {}

  /**
   * Locks the knowledge base's row for this transaction (so writes to one knowledge base are serialised and new
   * chunk keys always come after its stored ones) and returns its id; with `create`, a missing row is created and
   * chunks stored before the keyword index existed are indexed.
   */
  async lockBase(
    tx: PgQueryable,
    scope: IndexScope,
    /** Called once the row is made: the key, and the chunks already stored, to index. */
    create?: () => Promise<{ sealer: Sealer; existing: KeywordChunk[] }>,
  ): Promise<number | undefined> {
    if (create) {
      const made = (
        await tx.query(
          `INSERT INTO knowledge_index_bases (account_id, knowledge_base_id, chunks, tokens, keyed)
           VALUES ($1, $2, 0, 0, true)
           ON CONFLICT (account_id, knowledge_base_id) DO NOTHING RETURNING kb::text AS kb`,
          [scope.accountId, scope.knowledgeBaseId],
        )
      ).rows as { kb: string }[];
      if (made[0]) {
        const kb = Number(made[0].kb);
        const { sealer, existing } = await create();
        await this.add(tx, kb, existing, sealer);
        return kb;
      }
    }
    const rows = (
      await tx.query(
        `SELECT kb::text AS kb FROM knowledge_index_bases WHERE account_id = $1 AND knowledge_base_id = $2 FOR UPDATE`,
        [scope.accountId, scope.knowledgeBaseId],
      )
    ).rows as { kb: string }[];
    return rows[0] ? Number(rows[0].kb) : undefined;
  }

  /** Adds to (or takes from) the knowledge base's totals: BM25's chunk count and their lengths. */
  async count(tx: PgQueryable, kb: number, chunks: number, tokens: number) {
    await tx.query("UPDATE knowledge_index_bases SET chunks = chunks + $2, tokens = tokens + $3 WHERE kb = $1", [
      kb,
      chunks,
      tokens,
    ]);
  }

  private async insert(tx: PgQueryable, kb: number, writes: BlockWrite[]) {
    if (!writes.length) return;
    await tx.query(
      `INSERT INTO knowledge_postings (kb, term, first_key, last_key, n, data)
       SELECT $1, term, first_key, last_key, n, decode(data, 'hex')
       FROM jsonb_to_recordset($2::jsonb) AS w(term TEXT, first_key BIGINT, last_key BIGINT, n INTEGER, data TEXT)`,
      [kb, writesJson(writes)],
    );
  }

  /** Adds new chunks (keys above every stored key of the knowledge base) in four statements whatever their size. */
  async add(tx: PgQueryable, kb: number, chunks: KeywordChunk[], sealer: Sealer): Promise<void> {
    if (chunks.length === 0) return;
    const inverted = invertChunks(chunks, this.headingWeight);
    await this.addKeyed(tx, kb, {
      chunks: chunks.length,
      tokens: inverted.tokens,
      byTerm: keyedTerms(inverted.byTerm, sealer),
    });
  }

  /** `add` of chunks already inverted, their terms keyed (`keyedTerms`). */
  async addKeyed(tx: PgQueryable, kb: number, keyed: KeyedPostings): Promise<void> {
    const { byTerm, tokens } = keyed;
    if (keyed.chunks === 0) return;
    await this.count(tx, kb, keyed.chunks, tokens);
    const tailRows = (
      await tx.query(
        // Each term's last block by its primary key: a join over the terms (what the planner chose before) read
        // every block of the knowledge base per write, dead versions included, which grew with each batch.
        `SELECT t.term, b."firstKey", b."lastKey", b.n FROM jsonb_array_elements_text($2::jsonb) AS t(term)
         CROSS JOIN LATERAL (
           SELECT first_key::float8 AS "firstKey", last_key::float8 AS "lastKey", n FROM knowledge_postings
           WHERE kb = $1 AND term = t.term ORDER BY first_key DESC LIMIT 1
         ) b`,
        [kb, JSON.stringify([...byTerm.keys()])],
      )
    ).rows as (BlockTail & { term: string })[];
    const { appends, inserts } = planAppends(byTerm, new Map(tailRows.map((t) => [t.term, t])));
    if (appends.length) {
      await tx.query(
        `UPDATE knowledge_postings p SET data = p.data || decode(w.data, 'hex'), n = p.n + w.n, last_key = w.last_key
         FROM jsonb_to_recordset($2::jsonb) AS w(term TEXT, first_key BIGINT, last_key BIGINT, n INTEGER, data TEXT)
         WHERE p.kb = $1 AND p.term = w.term AND p.first_key = w.first_key`,
        [kb, writesJson(appends)],
      );
    }
    await this.insert(tx, kb, inserts);
  }

  /** Erases deleted chunks' postings (their text re-analysed), rewriting or deleting the blocks that held them. */
  async remove(tx: PgQueryable, kb: number, chunks: KeywordChunk[], sealer: Sealer): Promise<void> {
    if (chunks.length === 0) return;
    const inverted = invertChunks(chunks, this.headingWeight);
    const { tokens } = inverted;
    const byTerm = keyedTerms(inverted.byTerm, sealer);
    await this.count(tx, kb, -chunks.length, -tokens);
    const wanted = [...byTerm].flatMap(([term, postings]) => postings.map((p) => ({ term, key: p.key })));
    const found = (
      await tx.query(
        `SELECT DISTINCT ON (b.term, b.first_key) b.term, b.first_key::float8 AS "firstKey", b.data
         FROM jsonb_to_recordset($2::jsonb) AS t(term TEXT, key BIGINT)
         CROSS JOIN LATERAL (
           SELECT term, first_key, data FROM knowledge_postings
           WHERE kb = $1 AND term = t.term AND first_key <= t.key ORDER BY first_key DESC LIMIT 1
         ) b`,
        [kb, JSON.stringify(wanted)],
      )
    ).rows as StoredBlock[];
    const { rewrites, deletes } = planRemovals(
      found.map((b) => ({ ...b, data: bytes(b.data) })),
      postingsOf(byTerm),
    );
    if (rewrites.length) {
      await tx.query(
        `UPDATE knowledge_postings p SET data = decode(w.data, 'hex'), n = w.n, last_key = w.last_key
         FROM jsonb_to_recordset($2::jsonb) AS w(term TEXT, first_key BIGINT, last_key BIGINT, n INTEGER, data TEXT)
         WHERE p.kb = $1 AND p.term = w.term AND p.first_key = w.first_key`,
        [kb, writesJson(rewrites)],
      );
    }
    if (deletes.length) {
      await tx.query(
        `DELETE FROM knowledge_postings p USING jsonb_to_recordset($2::jsonb) AS d(term TEXT, first_key BIGINT)
         WHERE p.kb = $1 AND p.term = d.term AND p.first_key = d.first_key`,
        [kb, JSON.stringify(deletes.map((d) => ({ term: d.term, first_key: d.firstKey })))],
      );
    }
  }

  /** BM25 of every chunk of the knowledge base holding a query term: statistics and postings in one snapshot. */
  async scores(
    db: PgQueryable,
    scope: IndexScope,
    terms: Map<string, number>,
    sealer: Sealer,
  ): Promise<KeywordScores | undefined> {
    if (terms.size === 0) return undefined;
    const words = new Map([...terms.keys()].map((t) => [sealer.term(t), t]));
    const rows = (await db.query(SCORES, [scope.accountId, scope.knowledgeBaseId, JSON.stringify([...words.keys()])]))
      .rows as { chunks: number; tokens: number; term: string | null; data: unknown }[];
    if (!rows[0]) return undefined;
    // Back to the words, in the words' order (SQLite's), so that scores add up in the same order on both engines.
    const blocks = rows
      .filter((r) => r.term !== null)
      .map((r, i) => ({ term: words.get(r.term!)!, data: bytes(r.data), i }))
      .sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : a.i - b.i));
    return scoreBm25(termPostings(blocks, terms), rows[0]);
  }
}
