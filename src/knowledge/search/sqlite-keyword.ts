import { type SqliteDatabase, StatementCache } from "../../db/sqlite.js";
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
import { decodePostings, encodePostings, type Posting } from "./postings.js";
import type { IndexScope } from "./search-index.js";

/**
 * Fresh segments a knowledge base gathers before they are merged into its blocks. Each addition writes one segment
 * (its postings, one row per term, side by side on disk) instead of appending to every term's last block: those
 * blocks lie all over the table in term order, and touching ~2,000 of them per 32-chunk batch dirtied as many pages
 * per commit (3 ms per chunk ingested, 12× FTS5). A search reads the segments too, by key (segment, term).
 */
const MAX_SEGMENTS = 64;
const MAX_FRESH_CHUNKS = 4096;

/**
 * The SQLite keyword index: per knowledge base, its totals (`knowledge_index_bases`), its terms' postings blocks
 * (`knowledge_postings`, laid out by keyword-blocks.ts) and the fresh segments not yet merged into them
 * (`knowledge_fresh_postings`). Methods are synchronous and expect to run inside the caller's transaction.
 */
export class SqliteKeywordIndex {
  private readonly statements: StatementCache;

  constructor(
    db: SqliteDatabase,
    private readonly headingWeight: number,
  ) {
    this.statements = new StatementCache(db);
  }

  /** The knowledge base's internal id (shared with the vector sketches); created when `create` is set. */
  base(scope: IndexScope, create: boolean): number | undefined {
    const row = this.statements
      .get("SELECT kb FROM knowledge_index_bases WHERE account_id = ? AND knowledge_base_id = ?")
      .get(scope.accountId, scope.knowledgeBaseId) as { kb: number } | undefined;
    if (row || !create) return row?.kb;
    const { lastInsertRowid } = this.statements
      .get("INSERT INTO knowledge_index_bases (account_id, knowledge_base_id, chunks, tokens) VALUES (?, ?, 0, 0)")
      .run(scope.accountId, scope.knowledgeBaseId);
    return Number(lastInsertRowid);
  }

  private count(kb: number, chunks: number, tokens: number): void {
    this.statements
      .get("UPDATE knowledge_index_bases SET chunks = chunks + ?, tokens = tokens + ? WHERE kb = ?")
      .run(chunks, tokens, kb);
  }

  private rewrite(kb: number, writes: BlockWrite[]): void {
    const update = this.statements.get(
      "UPDATE knowledge_postings SET data = ?, n = ?, last_key = ? WHERE kb = ? AND term = ? AND first_key = ?",
    );
    for (const w of writes) update.run(w.data, w.n, w.lastKey, kb, w.term, w.firstKey);
  }

  /** Adds new chunks (keys above every stored key of the knowledge base) as one fresh segment. */
  add(kb: number, chunks: KeywordChunk[]): void {
    if (chunks.length === 0) return;
    const { byTerm, tokens } = invertChunks(chunks, this.headingWeight);
    this.count(kb, chunks.length, tokens);
    const { segment, fresh } = this.statements
      .get("SELECT fresh_segments AS segment, fresh_chunks AS fresh FROM knowledge_index_bases WHERE kb = ?")
      .get(kb) as { segment: number; fresh: number };
    const insert = this.statements.get(
      "INSERT INTO knowledge_fresh_postings (kb, segment, term, data) VALUES (?, ?, ?, ?)",
    );
    for (const term of [...byTerm.keys()].sort()) insert.run(kb, segment, term, encodePostings(0, byTerm.get(term)!));
    this.statements
      .get(
        "UPDATE knowledge_index_bases SET fresh_segments = fresh_segments + 1, fresh_chunks = fresh_chunks + ? WHERE kb = ?",
      )
      .run(chunks.length, kb);
    if (segment + 1 >= MAX_SEGMENTS || fresh + chunks.length >= MAX_FRESH_CHUNKS) this.merge(kb);
  }

  /** Appends the fresh segments to the terms' blocks (one read and one write per term) and erases them. */
  private merge(kb: number): void {
    const rows = this.statements
      .get("SELECT term, data FROM knowledge_fresh_postings WHERE kb = ? ORDER BY term, segment")
      .all(kb) as { term: string; data: Uint8Array }[];
    if (rows.length === 0) return;
    const byTerm = new Map<string, Posting[]>();
    for (const { term, data } of rows) {
      const list = byTerm.get(term) ?? [];
      if (list.length === 0) byTerm.set(term, list);
      list.push(...decodePostings(data));
    }
    const tailOf = this.statements.get(
      `SELECT first_key AS firstKey, last_key AS lastKey, n FROM knowledge_postings WHERE kb = ? AND term = ?
       ORDER BY first_key DESC LIMIT 1`,
    );
    const tails = new Map<string, BlockTail>();
    for (const term of byTerm.keys()) {
      const tail = tailOf.get(kb, term) as BlockTail | undefined;
      if (tail) tails.set(term, tail);
    }
    const { appends, inserts } = planAppends(byTerm, tails);
    // `||` yields TEXT even for two blobs; the cast keeps the bytes a BLOB.
    const append = this.statements.get(
      `UPDATE knowledge_postings SET data = CAST(data || ? AS BLOB), n = n + ?, last_key = ?
       WHERE kb = ? AND term = ? AND first_key = ?`,
    );
    for (const a of appends) append.run(a.data, a.n, a.lastKey, kb, a.term, a.firstKey);
    const insert = this.statements.get(
      "INSERT INTO knowledge_postings (kb, term, first_key, last_key, n, data) VALUES (?, ?, ?, ?, ?, ?)",
    );
    for (const b of inserts) insert.run(kb, b.term, b.firstKey, b.lastKey, b.n, b.data);
    this.statements.get("DELETE FROM knowledge_fresh_postings WHERE kb = ?").run(kb);
    this.statements.get("UPDATE knowledge_index_bases SET fresh_segments = 0, fresh_chunks = 0 WHERE kb = ?").run(kb);
  }

  /** Erases the chunks' postings: each block holding one is rewritten without it, or deleted when nothing is left. */
  remove(kb: number, chunks: KeywordChunk[]): void {
    if (chunks.length === 0) return;
    // Erasing works on blocks only: the fresh segments join them first.
    this.merge(kb);
    const { byTerm, tokens } = invertChunks(chunks, this.headingWeight);
    this.count(kb, -chunks.length, -tokens);
    const blockOf = this.statements.get(
      `SELECT first_key AS firstKey, last_key AS lastKey, data FROM knowledge_postings
       WHERE kb = ? AND term = ? AND first_key <= ? ORDER BY first_key DESC LIMIT 1`,
    );
    const blocks: StoredBlock[] = [];
    for (const [term, postings] of byTerm) {
      let covered = Number.NEGATIVE_INFINITY;
      for (const { key } of postings) {
        if (key <= covered) continue; // already in the block fetched last (keys ascend)
        const block = blockOf.get(kb, term, key) as (StoredBlock & { lastKey: number }) | undefined;
        if (!block || block.lastKey < key) continue;
        blocks.push({ term, firstKey: block.firstKey, data: block.data });
        covered = block.lastKey;
      }
    }
    const { rewrites, deletes } = planRemovals(blocks, postingsOf(byTerm));
    this.rewrite(kb, rewrites);
    const drop = this.statements.get("DELETE FROM knowledge_postings WHERE kb = ? AND term = ? AND first_key = ?");
    for (const d of deletes) drop.run(kb, d.term, d.firstKey);
  }

  /** Drops knowledge bases' whole keyword indexes. */
  drop(kbs: number[]): void {
    for (const kb of kbs) {
      this.statements.get("DELETE FROM knowledge_postings WHERE kb = ?").run(kb);
      this.statements.get("DELETE FROM knowledge_fresh_postings WHERE kb = ?").run(kb);
      this.statements.get("DELETE FROM knowledge_index_bases WHERE kb = ?").run(kb);
    }
  }

  /** The internal ids of a knowledge base, or of every knowledge base of an account. */
  bases(accountId: string, knowledgeBaseId?: string): number[] {
    const rows = (
      knowledgeBaseId === undefined
        ? this.statements.get("SELECT kb FROM knowledge_index_bases WHERE account_id = ?").all(accountId)
        : this.statements
            .get("SELECT kb FROM knowledge_index_bases WHERE account_id = ? AND knowledge_base_id = ?")
            .all(accountId, knowledgeBaseId)
    ) as { kb: number }[];
    return rows.map((r) => r.kb);
  }

  /** BM25 of every chunk of the knowledge base that holds a query term, with that knowledge base's statistics. */
  scores(scope: IndexScope, terms: Map<string, number>): KeywordScores | undefined {
    if (terms.size === 0) return undefined;
    const stats = this.statements
      .get(
        `SELECT chunks, tokens, fresh_segments AS segments FROM knowledge_index_bases
       WHERE account_id = ? AND knowledge_base_id = ?`,
      )
      .get(scope.accountId, scope.knowledgeBaseId) as { chunks: number; tokens: number; segments: number } | undefined;
    if (!stats) return undefined;
    const owner = [scope.accountId, scope.knowledgeBaseId];
    const wanted = JSON.stringify([...terms.keys()]);
    const blocks = this.statements
      .get(
        `SELECT p.term AS term, p.data AS data FROM knowledge_index_bases b
       JOIN knowledge_postings p ON p.kb = b.kb
       WHERE b.account_id = ? AND b.knowledge_base_id = ? AND p.term IN (SELECT value FROM json_each(?))
       ORDER BY p.term, p.first_key`,
      )
      .all(...owner, wanted) as { term: string; data: Uint8Array }[];
    // Each fresh segment holds higher keys than every block, and a later segment higher than an earlier one.
    const fresh = this.statements
      .get(
        `SELECT f.term AS term, f.data AS data FROM knowledge_index_bases b
       JOIN json_each(?) s JOIN json_each(?) t
       JOIN knowledge_fresh_postings f ON f.kb = b.kb AND f.segment = s.value AND f.term = t.value
       WHERE b.account_id = ? AND b.knowledge_base_id = ?
       ORDER BY f.term, f.segment`,
      )
      .all(JSON.stringify(Array.from({ length: stats.segments }, (_, i) => i)), wanted, ...owner) as {
      term: string;
      data: Uint8Array;
    }[];
    return scoreBm25(termPostings([...blocks, ...fresh], terms), stats);
  }
}
