import { StaleWriteError, type TransactionalWrite } from "../../db/sql.js";
import { type SqliteSql, StatementCache } from "../../db/sqlite.js";
import { queryTerms } from "./analysis.js";
import { bestFirstBatches, type KeywordScores, scoresOfKeys, topPositions } from "./bm25.js";
import {
  DEFAULT_HYBRID,
  type HybridConfig,
  type KeywordRanking,
  type RetrievalBackend,
  type RowKey,
  runSearch,
  type ScoredKey,
} from "./hybrid.js";
import type { KeywordChunk } from "./keyword-blocks.js";
import type { IndexedChunk, IndexScope, SearchHit, SearchIndex, SearchQuery } from "./search-index.js";
import { metadataClauses } from "./sqlite-filters.js";
import { SqliteKeywordIndex } from "./sqlite-keyword.js";
import { upgradeLegacyIndex } from "./sqlite-upgrade.js";
import { SqliteVectorIndex } from "./sqlite-vectors.js";

type Params = unknown[];

/** Weight of the heading against the body in BM25: a word in a section title says more than one in its text. */
const HEADING_WEIGHT = 2;

const floatBlob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

interface ChunkRow extends KeywordChunk {
  dimensions: number;
}

/**
 * The knowledge index on the service's SQLite file: BM25 over postings kept per knowledge base (sqlite-keyword.ts)
 * and sign-bit sketches re-ranked by exact cosine (sqlite-vectors.ts). The schema comes from
 * `knowledgeIndexMigrations`; an index written by an older version is upgraded when this opens it. Each call is
 * its own transaction, serialised with the other users of the connection.
 */
export class SqliteSearchIndex implements SearchIndex {
  private readonly config: HybridConfig;
  private readonly backend: RetrievalBackend;
  private readonly keywords: SqliteKeywordIndex;
  private readonly vectors: SqliteVectorIndex;
  /** For the fixed statements; those with a WHERE built per filter are prepared per call. */
  private readonly statements: StatementCache;

  constructor(
    private readonly sql: SqliteSql,
    config: Partial<HybridConfig> = {},
  ) {
    this.config = { ...DEFAULT_HYBRID, ...config };
    this.keywords = new SqliteKeywordIndex(sql.db, HEADING_WEIGHT);
    this.vectors = new SqliteVectorIndex(sql.db);
    this.statements = new StatementCache(sql.db);
    upgradeLegacyIndex(sql.db, this.keywords, this.vectors);
    this.backend = {
      keywordTop: async (q, limit) => this.exclusive(() => this.keywordTop(q, limit)),
      semanticTop: async (q, v, limit) => this.exclusive(() => this.semanticTop(q, v, limit)),
      semanticScores: async (q, v, keys) => this.exclusive(() => this.semanticScores(q, v, keys)),
      load: async (q, keys) => this.exclusive(() => this.load(q, keys)),
    };
  }

  private get db() {
    return this.sql.db;
  }

  /** better-sqlite3 is synchronous: run now unless an async transaction holds the shared connection. */
  private exclusive<T>(fn: () => T): Promise<T> {
    return this.sql.lock.locked ? this.sql.lock.run(fn) : Promise.resolve().then(fn);
  }

  private all<T>(text: string, params: Params): T[] {
    return this.db.prepare(text).all(...params) as T[];
  }

  async addChunks(scope: IndexScope, chunks: IndexedChunk[], fence?: TransactionalWrite): Promise<void> {
    if (chunks.length === 0) return;
    // Re-adding a chunk id (a retried ingestion) replaces it; within one call the last copy wins.
    const unique = [...new Map(chunks.map((c) => [c.id, c])).values()];
    await this.exclusive(() =>
      this.fenced(fence, () => {
        const kb = this.keywords.base(scope, true)!;
        this.deleteRows(
          "account_id = ? AND knowledge_base_id = ? AND chunk_id IN (SELECT value FROM json_each(?))",
          [scope.accountId, scope.knowledgeBaseId, JSON.stringify(unique.map((c) => c.id))],
          { kb },
        );
        const insert = this.statements.get(
          `INSERT INTO knowledge_chunks (account_id, knowledge_base_id, document_id, chunk_id, position, page, heading,
             metadata, text, dimensions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        const added: KeywordChunk[] = [];
        const vectors: { key: number; vector: Float32Array }[] = [];
        for (const chunk of unique) {
          const { lastInsertRowid } = insert.run(
            scope.accountId,
            scope.knowledgeBaseId,
            chunk.documentId,
            chunk.id,
            chunk.position,
            chunk.page ?? null,
            chunk.heading ?? null,
            chunk.metadata ? JSON.stringify(chunk.metadata) : null,
            chunk.text,
            chunk.vector.length,
          );
          const key = Number(lastInsertRowid);
          vectors.push({ key, vector: chunk.vector });
          added.push({ key, text: chunk.text, heading: chunk.heading ?? null });
        }
        this.vectors.add(scope, kb, vectors);
        this.keywords.add(kb, added);
      }),
    );
  }

  /**
   * Runs `write` in one transaction, behind `fence` when there is one. BEGIN IMMEDIATE takes the file's write lock
   * before the fence runs, so no other connection (another process's takeover) commits between the fence and the
   * write; a fence that changes no row rolls the transaction back.
   */
  private fenced<T>(fence: TransactionalWrite | undefined, write: () => T): T {
    const tx = this.db.transaction(() => {
      if (fence && this.sql.runSync(fence.sql, fence.params) === 0) throw new StaleWriteError();
      return write();
    });
    return fence ? tx.immediate() : tx();
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    return runSearch(this.backend, query, this.config);
  }

  /**
   * Removes the chunks matching `where` from the chunk table, the vectors and the keyword index: with `kb`, their
   * postings and sketches are erased one by one; with `dropBases`, whole knowledge bases' indexes are dropped.
   */
  private deleteRows(where: string, params: Params, index: { kb?: number; dropBases?: number[] }): number {
    if (index.dropBases) {
      this.db
        .prepare(`DELETE FROM knowledge_vectors WHERE pk IN (SELECT pk FROM knowledge_chunks WHERE ${where})`)
        .run(...params);
      this.vectors.drop(index.dropBases);
      this.keywords.drop(index.dropBases);
    } else {
      const rows = this.all<ChunkRow>(
        `SELECT pk AS key, dimensions, text, heading FROM knowledge_chunks WHERE ${where}`,
        params,
      );
      if (rows.length === 0) return 0;
      this.vectors.remove(index.kb, rows);
      if (index.kb !== undefined) this.keywords.remove(index.kb, rows);
    }
    return this.db.prepare(`DELETE FROM knowledge_chunks WHERE ${where}`).run(...params).changes;
  }

  private deleting(
    where: string,
    params: Params,
    index: () => { kb?: number; dropBases?: number[] },
    fence?: TransactionalWrite,
  ) {
    return this.exclusive(() => this.fenced(fence, () => this.deleteRows(where, params, index())));
  }

  async deleteDocument(scope: IndexScope, documentId: string, fence?: TransactionalWrite): Promise<number> {
    return this.deleting(
      "account_id = ? AND knowledge_base_id = ? AND document_id = ?",
      [scope.accountId, scope.knowledgeBaseId, documentId],
      () => ({ kb: this.keywords.base(scope, false) }),
      fence,
    );
  }

  async deleteKnowledgeBase(scope: IndexScope): Promise<number> {
    return this.deleting("account_id = ? AND knowledge_base_id = ?", [scope.accountId, scope.knowledgeBaseId], () => ({
      dropBases: this.keywords.bases(scope.accountId, scope.knowledgeBaseId),
    }));
  }

  /** vec0 has no index to build after the rows: a bulk load is its loads, one by one. */
  bulkLoad<T>(_size: { chunks: number; dimensions: number }, load: () => Promise<T>): Promise<T> {
    return load();
  }

  async deleteAccount(accountId: string): Promise<number> {
    return this.deleting("account_id = ?", [accountId], () => ({ dropBases: this.keywords.bases(accountId) }));
  }

  /**
   * Owner and filters of `q` as a WHERE fragment over `knowledge_chunks c`. `byKey`: the query already names its
   * rows by key, and the unary `+` keeps SQLite from scanning the knowledge base's index instead of looking them up
   * (which made loading 10 hits of a 100,000-chunk knowledge base take 12 ms).
   */
  private scopeSql(q: SearchQuery, byKey = false): { where: string; params: Params } {
    const col = (name: string) => `${byKey ? "+" : ""}c.${name}`;
    const clauses = [`${col("account_id")} = ?`, `${col("knowledge_base_id")} = ?`];
    const params: Params = [q.accountId, q.knowledgeBaseId];
    if (q.filter?.documentIds) {
      clauses.push(`${col("document_id")} IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(q.filter.documentIds));
    }
    const meta = metadataClauses(q.filter?.metadata);
    return { where: [...clauses, ...meta.clauses].join(" AND "), params: [...params, ...meta.params] };
  }

  private keywordTop(q: SearchQuery, limit: number): KeywordRanking {
    const scores = this.keywords.scores(q, queryTerms(q.text));
    if (!scores) return { top: [], scores: async () => new Map() };
    const top = q.filter ? this.filteredTop(q, scores, limit) : this.bestOf(scores, limit);
    return {
      top,
      scores: async (keys) => scoresOfKeys(scores, keys),
    };
  }

  private bestOf(scores: KeywordScores, limit: number): ScoredKey[] {
    return topPositions(scores, limit).map((i) => ({ key: scores.keys[i]!, score: scores.scores[i]! }));
  }

  /** The best `limit` chunks that pass the filter, checked against the chunk table in best-first batches. */
  private filteredTop(q: SearchQuery, scores: KeywordScores, limit: number): ScoredKey[] {
    const scope = this.scopeSql(q, true);
    const passing: ScoredKey[] = [];
    for (const batch of bestFirstBatches(scores, limit)) {
      const ok = new Set(
        this.all<{ key: number }>(
          `SELECT c.pk AS key FROM knowledge_chunks c WHERE c.pk IN (SELECT value FROM json_each(?)) AND ${scope.where}`,
          [JSON.stringify(batch.map((b) => b.key)), ...scope.params],
        ).map((r) => r.key),
      );
      passing.push(...batch.filter((b) => ok.has(b.key)).slice(0, limit - passing.length));
      if (passing.length >= limit) break;
    }
    return passing;
  }

  private semanticTop(q: SearchQuery, vector: Float32Array, limit: number): ScoredKey[] {
    if (!q.filter) return this.vectors.nearest(q, vector, limit);
    // A filtered search is exact over the owner's matching chunks (the sketches know nothing of metadata).
    const scope = this.scopeSql(q);
    const rows = this.all<{ key: number; distance: number }>(
      `SELECT c.pk AS key, vec_distance_cosine(v.embedding, ?) AS distance
       FROM knowledge_chunks c JOIN knowledge_vectors v ON v.pk = c.pk
       WHERE ${scope.where} AND c.dimensions = ? ORDER BY distance LIMIT ?`,
      [floatBlob(vector), ...scope.params, vector.length, limit],
    );
    return rows.map((r) => ({ key: r.key, score: 1 - r.distance }));
  }

  private semanticScores(q: SearchQuery, vector: Float32Array, keys: RowKey[]): Map<RowKey, number> {
    return this.vectors.similarities(q, vector, keys.map(Number));
  }

  private load(q: SearchQuery, keys: RowKey[]): Map<RowKey, Omit<SearchHit, "score">> {
    const rows = this.statements
      .get(
        `SELECT pk AS key, chunk_id, document_id, position, text, page, heading FROM knowledge_chunks
         WHERE pk IN (SELECT value FROM json_each(?)) AND +account_id = ? AND +knowledge_base_id = ?`,
      )
      .all(JSON.stringify(keys), q.accountId, q.knowledgeBaseId) as {
      key: number;
      chunk_id: string;
      document_id: string;
      position: number;
      text: string;
      page: number | null;
      heading: string | null;
    }[];
    return new Map(
      rows.map((r) => [
        r.key,
        {
          chunkId: r.chunk_id,
          documentId: r.document_id,
          position: r.position,
          text: r.text,
          ...(r.page !== null ? { page: r.page } : {}),
          ...(r.heading !== null ? { heading: r.heading } : {}),
        },
      ]),
    );
  }
}
