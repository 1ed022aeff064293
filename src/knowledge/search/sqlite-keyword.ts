import type Database from "better-sqlite3";
import type { SqliteDatabase } from "../../db/sqlite.js";
import { batchStemmer, chunkTerms } from "./analysis.js";
import { type KeywordScores, scoreBm25, type TermPostings } from "./bm25.js";
import { decodePostings, encodePostings, type Posting } from "./postings.js";
import type { IndexScope } from "./search-index.js";

/**
 * Postings per block. A block is rewritten whole when a chunk in it is deleted and read whole by every search for its
 * term: 1,024 postings (~4 KiB) keeps both cheap, and a term in half of 100,000 chunks is ~50 rows.
 */
const BLOCK_POSTINGS = 1024;

/** A chunk as the keyword index sees it: its row key in `knowledge_chunks`, and the text it indexes. */
export interface KeywordChunk {
  key: number;
  text: string;
  heading: string | null;
}

/**
 * The SQLite keyword index: per knowledge base, its totals (`knowledge_keyword_bases`) and, per term, blocks of
 * postings in chunk-key order (`knowledge_postings`). New chunks always get higher keys than every stored chunk
 * (SQLite hands out max(rowid) + 1), so adding appends to each term's last block. Methods are synchronous and
 * expect to run inside the caller's transaction.
 */
export class SqliteKeywordIndex {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly headingWeight: number,
  ) {}

  private stmt(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  /**
   * The knowledge base's internal id. A knowledge base whose chunks were stored before this index existed is
   * indexed from them now; one without chunks gets an id only when `create` is set.
   */
  base(scope: IndexScope, create: boolean): number | undefined {
    const row = this.stmt("SELECT kb FROM knowledge_keyword_bases WHERE account_id = ? AND knowledge_base_id = ?").get(
      scope.accountId,
      scope.knowledgeBaseId,
    ) as { kb: number } | undefined;
    if (row) return row.kb;
    const legacy = this.stmt(
      `SELECT pk AS key, text, heading FROM knowledge_chunks WHERE account_id = ? AND knowledge_base_id = ?
       ORDER BY pk`,
    ).all(scope.accountId, scope.knowledgeBaseId) as KeywordChunk[];
    if (!create && legacy.length === 0) return undefined;
    const { lastInsertRowid } = this.stmt(
      `INSERT INTO knowledge_keyword_bases (account_id, knowledge_base_id, chunks, tokens) VALUES (?, ?, 0, 0)`,
    ).run(scope.accountId, scope.knowledgeBaseId);
    const kb = Number(lastInsertRowid);
    if (legacy.length) this.add(kb, legacy);
    return kb;
  }

  /** Postings per term of `chunks` (keys ascending), and their total length. */
  private invert(chunks: KeywordChunk[]): { byTerm: Map<string, Posting[]>; tokens: number } {
    const stem = batchStemmer();
    const byTerm = new Map<string, Posting[]>();
    let tokens = 0;
    for (const c of [...chunks].sort((a, b) => a.key - b.key)) {
      const { tf, length } = chunkTerms(c.text, c.heading ?? undefined, { headingWeight: this.headingWeight, stem });
      tokens += length;
      for (const [term, f] of tf) {
        let list = byTerm.get(term);
        if (!list) byTerm.set(term, (list = []));
        list.push({ key: c.key, tf: f, length });
      }
    }
    return { byTerm, tokens };
  }

  add(kb: number, chunks: KeywordChunk[]): void {
    if (chunks.length === 0) return;
    const { byTerm, tokens } = this.invert(chunks);
    this.stmt("UPDATE knowledge_keyword_bases SET chunks = chunks + ?, tokens = tokens + ? WHERE kb = ?").run(
      chunks.length,
      tokens,
      kb,
    );
    const tailOf = this.stmt(
      `SELECT first_key, last_key, n FROM knowledge_postings WHERE kb = ? AND term = ?
       ORDER BY first_key DESC LIMIT 1`,
    );
    // `||` yields TEXT even for two blobs; the cast keeps the bytes a BLOB.
    const append = this.stmt(
      `UPDATE knowledge_postings SET data = CAST(data || ? AS BLOB), n = n + ?, last_key = ?
       WHERE kb = ? AND term = ? AND first_key = ?`,
    );
    const insert = this.stmt(
      "INSERT INTO knowledge_postings (kb, term, first_key, last_key, n, data) VALUES (?, ?, ?, ?, ?, ?)",
    );
    for (const [term, postings] of byTerm) {
      let rest = postings;
      const tail = tailOf.get(kb, term) as { first_key: number; last_key: number; n: number } | undefined;
      if (tail && tail.n < BLOCK_POSTINGS) {
        const take = rest.slice(0, BLOCK_POSTINGS - tail.n);
        append.run(encodePostings(tail.last_key, take), take.length, take.at(-1)!.key, kb, term, tail.first_key);
        rest = rest.slice(take.length);
      }
      for (let i = 0; i < rest.length; i += BLOCK_POSTINGS) {
        const part = rest.slice(i, i + BLOCK_POSTINGS);
        insert.run(kb, term, part[0]!.key, part.at(-1)!.key, part.length, encodePostings(0, part));
      }
    }
  }

  /** Erases the chunks' postings: each block holding one is rewritten without it, or deleted when nothing is left. */
  remove(kb: number, chunks: KeywordChunk[]): void {
    if (chunks.length === 0) return;
    const { byTerm, tokens } = this.invert(chunks);
    this.stmt("UPDATE knowledge_keyword_bases SET chunks = chunks - ?, tokens = tokens - ? WHERE kb = ?").run(
      chunks.length,
      tokens,
      kb,
    );
    const blockOf = this.stmt(
      `SELECT first_key, data FROM knowledge_postings WHERE kb = ? AND term = ? AND first_key <= ?
       ORDER BY first_key DESC LIMIT 1`,
    );
    const rewrite = this.stmt(
      "UPDATE knowledge_postings SET data = ?, n = ?, last_key = ? WHERE kb = ? AND term = ? AND first_key = ?",
    );
    const drop = this.stmt("DELETE FROM knowledge_postings WHERE kb = ? AND term = ? AND first_key = ?");
    for (const [term, postings] of byTerm) {
      const keys = postings.map((p) => p.key);
      let i = 0;
      while (i < keys.length) {
        const block = blockOf.get(kb, term, keys[i]) as { first_key: number; data: Uint8Array } | undefined;
        const stored = block ? decodePostings(block.data) : [];
        const last = stored.at(-1)?.key ?? Number.NEGATIVE_INFINITY;
        const gone = new Set<number>();
        while (i < keys.length && keys[i]! <= last) gone.add(keys[i++]!);
        if (gone.size === 0) {
          i++; // not indexed (cannot happen while chunks and postings change together)
          continue;
        }
        const kept = stored.filter((p) => !gone.has(p.key));
        if (kept.length === 0) drop.run(kb, term, block!.first_key);
        else rewrite.run(encodePostings(0, kept), kept.length, kept.at(-1)!.key, kb, term, block!.first_key);
      }
    }
  }

  /** Drops knowledge bases' whole keyword indexes. */
  drop(kbs: number[]): void {
    for (const kb of kbs) {
      this.stmt("DELETE FROM knowledge_postings WHERE kb = ?").run(kb);
      this.stmt("DELETE FROM knowledge_keyword_bases WHERE kb = ?").run(kb);
    }
  }

  /** The internal ids of a knowledge base, or of every knowledge base of an account. */
  bases(accountId: string, knowledgeBaseId?: string): number[] {
    const rows = (
      knowledgeBaseId === undefined
        ? this.stmt("SELECT kb FROM knowledge_keyword_bases WHERE account_id = ?").all(accountId)
        : this.stmt("SELECT kb FROM knowledge_keyword_bases WHERE account_id = ? AND knowledge_base_id = ?").all(
            accountId,
            knowledgeBaseId,
          )
    ) as { kb: number }[];
    return rows.map((r) => r.kb);
  }

  /** BM25 of every chunk of the knowledge base that holds a query term, with that knowledge base's statistics. */
  scores(scope: IndexScope, terms: Map<string, number>): KeywordScores | undefined {
    if (terms.size === 0 || this.base(scope, false) === undefined) return undefined;
    const stats = this.stmt(
      "SELECT chunks, tokens FROM knowledge_keyword_bases WHERE account_id = ? AND knowledge_base_id = ?",
    ).get(scope.accountId, scope.knowledgeBaseId) as { chunks: number; tokens: number };
    const rows = this.stmt(
      `SELECT p.term AS term, p.data AS data FROM knowledge_keyword_bases b
       JOIN knowledge_postings p ON p.kb = b.kb
       WHERE b.account_id = ? AND b.knowledge_base_id = ? AND p.term IN (SELECT value FROM json_each(?))
       ORDER BY p.term, p.first_key`,
    ).all(scope.accountId, scope.knowledgeBaseId, JSON.stringify([...terms.keys()])) as {
      term: string;
      data: Uint8Array;
    }[];
    const byTerm = new Map<string, TermPostings>();
    for (const { term, data } of rows) {
      let t = byTerm.get(term);
      if (!t) byTerm.set(term, (t = { qtf: terms.get(term) ?? 1, blocks: [] }));
      t.blocks.push(data);
    }
    return scoreBm25([...byTerm.values()], stats);
  }
}
