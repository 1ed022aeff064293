import type { SqliteSql } from "../../db/sqlite.js";
import { ftsMatchExpression } from "./analysis.js";
import {
  DEFAULT_HYBRID,
  type HybridConfig,
  type RetrievalBackend,
  type RowKey,
  runSearch,
  type ScoredKey,
} from "./hybrid.js";
import type { IndexedChunk, IndexScope, SearchHit, SearchIndex, SearchQuery } from "./search-index.js";
import { metadataClauses } from "./sqlite-filters.js";
import { vectorTableName, vectorTableSql } from "./sqlite-schema.js";

type Params = unknown[];

/** vec0 answers at most this many neighbours per query. */
const VEC0_MAX_K = 4096;

/** Weight of the heading column against the body in BM25: a word in a section title says more than one in its text. */
const HEADING_WEIGHT = 2;

const floatBlob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/**
 * The knowledge index on the service's SQLite file: FTS5 (porter stemming, diacritics folded, BM25) for keywords and
 * sqlite-vec vec0 (exact cosine KNN, partitioned by owner) for vectors. The schema comes from
 * `knowledgeIndexMigrations`. Each call is its own transaction, serialised with the other users of the connection.
 */
export class SqliteSearchIndex implements SearchIndex {
  private readonly vectorTables = new Set<number>();
  private readonly config: HybridConfig;
  private readonly backend: RetrievalBackend;

  constructor(
    private readonly sql: SqliteSql,
    config: Partial<HybridConfig> = {},
  ) {
    this.config = { ...DEFAULT_HYBRID, ...config };
    this.backend = {
      keywordTop: async (q, limit) => this.exclusive(() => this.keywordTop(q, limit)),
      semanticTop: async (q, v, limit) => this.exclusive(() => this.semanticTop(q, v, limit)),
      keywordScores: async (q, keys) => this.exclusive(() => this.keywordScores(q, keys)),
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

  private hasVectorTable(dimensions: number): boolean {
    if (this.vectorTables.has(dimensions)) return true;
    const found = this.db.prepare("SELECT 1 FROM sqlite_schema WHERE name = ?").get(vectorTableName(dimensions));
    if (found) this.vectorTables.add(dimensions);
    return found !== undefined;
  }

  private ensureVectorTable(dimensions: number): string {
    if (!this.hasVectorTable(dimensions)) {
      this.db.exec(vectorTableSql(dimensions));
      this.vectorTables.add(dimensions);
    }
    return vectorTableName(dimensions);
  }

  async addChunks(scope: IndexScope, chunks: IndexedChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    await this.exclusive(() =>
      this.db.transaction(() => {
        const insertChunk = this.db.prepare(
          `INSERT INTO knowledge_chunks (account_id, knowledge_base_id, document_id, chunk_id, position, page, heading,
             metadata, text, dimensions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        const insertFts = this.db.prepare("INSERT INTO knowledge_fts (rowid, text, heading) VALUES (?, ?, ?)");
        for (const chunk of chunks) {
          // Re-adding a chunk id (a retried ingestion) replaces it instead of duplicating it.
          this.deleteWhere("account_id = ? AND knowledge_base_id = ? AND chunk_id = ?", [
            scope.accountId,
            scope.knowledgeBaseId,
            chunk.id,
          ]);
          const dims = chunk.vector.length;
          const table = this.ensureVectorTable(dims);
          const { lastInsertRowid } = insertChunk.run(
            scope.accountId,
            scope.knowledgeBaseId,
            chunk.documentId,
            chunk.id,
            chunk.position,
            chunk.page ?? null,
            chunk.heading ?? null,
            chunk.metadata ? JSON.stringify(chunk.metadata) : null,
            chunk.text,
            dims,
          );
          const rowid = BigInt(lastInsertRowid);
          insertFts.run(rowid, chunk.text, chunk.heading ?? null);
          this.db
            .prepare(`INSERT INTO ${table} (rowid, account_id, knowledge_base_id, embedding) VALUES (?, ?, ?, ?)`)
            .run(rowid, scope.accountId, scope.knowledgeBaseId, floatBlob(chunk.vector));
        }
      })(),
    );
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    return runSearch(this.backend, query, this.config);
  }

  /** Removes the chunks matching `where` from the chunk table, the keyword index and every vector table. */
  private deleteWhere(where: string, params: Params): number {
    const rows = this.all<{ pk: number; dimensions: number }>(
      `SELECT pk, dimensions FROM knowledge_chunks WHERE ${where}`,
      params,
    );
    if (rows.length === 0) return 0;
    // The external-content delete command needs the indexed values to find (and erase) every term of the row.
    const deleteFts = this.db.prepare(
      `INSERT INTO knowledge_fts (knowledge_fts, rowid, text, heading)
       SELECT 'delete', pk, text, heading FROM knowledge_chunks WHERE pk = ?`,
    );
    for (const { pk, dimensions } of rows) {
      deleteFts.run(pk);
      if (this.hasVectorTable(dimensions)) {
        this.db.prepare(`DELETE FROM ${vectorTableName(dimensions)} WHERE rowid = ?`).run(BigInt(pk));
      }
    }
    return this.db.prepare(`DELETE FROM knowledge_chunks WHERE ${where}`).run(...params).changes;
  }

  private deleting(where: string, params: Params): Promise<number> {
    return this.exclusive(() => this.db.transaction(() => this.deleteWhere(where, params))());
  }

  async deleteDocument(scope: IndexScope, documentId: string): Promise<number> {
    return this.deleting("account_id = ? AND knowledge_base_id = ? AND document_id = ?", [
      scope.accountId,
      scope.knowledgeBaseId,
      documentId,
    ]);
  }

  async deleteKnowledgeBase(scope: IndexScope): Promise<number> {
    return this.deleting("account_id = ? AND knowledge_base_id = ?", [scope.accountId, scope.knowledgeBaseId]);
  }

  async deleteAccount(accountId: string): Promise<number> {
    return this.deleting("account_id = ?", [accountId]);
  }

  /** Owner and filters of `q` as a WHERE fragment over `knowledge_chunks c`. */
  private scopeSql(q: SearchQuery): { where: string; params: Params } {
    const clauses = ["c.account_id = ?", "c.knowledge_base_id = ?"];
    const params: Params = [q.accountId, q.knowledgeBaseId];
    if (q.filter?.documentIds) {
      clauses.push("c.document_id IN (SELECT value FROM json_each(?))");
      params.push(JSON.stringify(q.filter.documentIds));
    }
    const meta = metadataClauses(q.filter?.metadata);
    return { where: [...clauses, ...meta.clauses].join(" AND "), params: [...params, ...meta.params] };
  }

  private keywordTop(q: SearchQuery, limit: number): ScoredKey[] {
    const match = ftsMatchExpression(q.text);
    if (!match) return [];
    const scope = this.scopeSql(q);
    return this.all<ScoredKey>(
      `SELECT c.pk AS key, -bm25(knowledge_fts, 1.0, ${HEADING_WEIGHT}) AS score
       FROM knowledge_fts JOIN knowledge_chunks c ON c.pk = knowledge_fts.rowid
       WHERE knowledge_fts MATCH ? AND ${scope.where}
       ORDER BY score DESC LIMIT ?`,
      [match, ...scope.params, limit],
    );
  }

  private keywordScores(q: SearchQuery, keys: RowKey[]): Map<RowKey, number> {
    const match = ftsMatchExpression(q.text);
    if (!match) return new Map();
    const scope = this.scopeSql(q);
    const rows = this.all<ScoredKey>(
      `SELECT c.pk AS key, -bm25(knowledge_fts, 1.0, ${HEADING_WEIGHT}) AS score
       FROM knowledge_fts JOIN knowledge_chunks c ON c.pk = knowledge_fts.rowid
       WHERE knowledge_fts MATCH ? AND knowledge_fts.rowid IN (SELECT value FROM json_each(?)) AND ${scope.where}`,
      [match, JSON.stringify(keys), ...scope.params],
    );
    return new Map(rows.map((r) => [r.key, r.score]));
  }

  private semanticTop(q: SearchQuery, vector: Float32Array, limit: number): ScoredKey[] {
    if (!this.hasVectorTable(vector.length)) return [];
    const table = vectorTableName(vector.length);
    let rows: { key: number; distance: number }[];
    if (!q.filter) {
      // The partition key puts the owner inside vec0's own scan: other owners' vectors are never compared.
      rows = this.all(
        `SELECT rowid AS key, distance FROM ${table}
         WHERE embedding MATCH ? AND k = ? AND account_id = ? AND knowledge_base_id = ?`,
        [floatBlob(vector), Math.min(limit, VEC0_MAX_K), q.accountId, q.knowledgeBaseId],
      );
    } else {
      // A filtered search is exact over the owner's matching chunks (vec0 cannot index arbitrary metadata).
      const scope = this.scopeSql(q);
      rows = this.all(
        `SELECT c.pk AS key, vec_distance_cosine(v.embedding, ?) AS distance
         FROM knowledge_chunks c JOIN ${table} v ON v.rowid = c.pk
         WHERE ${scope.where} AND c.dimensions = ? ORDER BY distance LIMIT ?`,
        [floatBlob(vector), ...scope.params, vector.length, limit],
      );
    }
    return rows.map((r) => ({ key: r.key, score: 1 - r.distance }));
  }

  private semanticScores(q: SearchQuery, vector: Float32Array, keys: RowKey[]): Map<RowKey, number> {
    if (!this.hasVectorTable(vector.length)) return new Map();
    const scope = this.scopeSql(q);
    const rows = this.all<{ key: number; distance: number }>(
      `SELECT c.pk AS key, vec_distance_cosine(v.embedding, ?) AS distance
       FROM knowledge_chunks c JOIN ${vectorTableName(vector.length)} v ON v.rowid = c.pk
       WHERE c.pk IN (SELECT value FROM json_each(?)) AND ${scope.where} AND c.dimensions = ?`,
      [floatBlob(vector), JSON.stringify(keys), ...scope.params, vector.length],
    );
    return new Map(rows.map((r) => [r.key, 1 - r.distance]));
  }

  private load(q: SearchQuery, keys: RowKey[]): Map<RowKey, Omit<SearchHit, "score">> {
    const rows = this.all<{
      key: number;
      chunk_id: string;
      document_id: string;
      position: number;
      text: string;
      page: number | null;
      heading: string | null;
    }>(
      `SELECT pk AS key, chunk_id, document_id, position, text, page, heading FROM knowledge_chunks
       WHERE pk IN (SELECT value FROM json_each(?)) AND account_id = ? AND knowledge_base_id = ?`,
      [JSON.stringify(keys), q.accountId, q.knowledgeBaseId],
    );
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
