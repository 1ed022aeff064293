import type Database from "better-sqlite3";
import type { SqliteDatabase } from "../../db/sqlite.js";
import type { ScoredKey } from "./hybrid.js";
import type { IndexScope } from "./search-index.js";
import { bitTableName, bitTableSql, hasBitTable, vectorTableName, vectorTableSql } from "./sqlite-schema.js";

/** vec0 answers at most this many neighbours per query. */
const VEC0_MAX_K = 4096;

/**
 * Sign-bit candidates re-ranked exactly per neighbour asked for. Scanning 64-byte bit vectors instead of 2 KiB float
 * vectors is what makes a search over 100,000 chunks fast; the exact cosine of the candidates restores the order.
 * 40× measured recall@10 0.999 against exact search on real (USE-lite) vectors.
 */
const OVERSAMPLE = 40;
const MIN_CANDIDATES = 400;

const floatBlob = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/**
 * The SQLite vector index: per vector size, a float vec0 table (exact cosine: the stored vectors, re-ranking and
 * filtered search) and a sign-bit vec0 table (Hamming KNN for candidates), both partitioned by account and knowledge
 * base so a search never compares another owner's vectors. Synchronous; runs inside the caller's transaction.
 */
export class SqliteVectorIndex {
  private readonly tables = new Set<string>();
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: SqliteDatabase) {}

  private stmt(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  private exists(table: string): boolean {
    if (this.tables.has(table)) return true;
    const found = this.db.prepare("SELECT 1 FROM sqlite_schema WHERE name = ?").get(table) !== undefined;
    if (found) this.tables.add(table);
    return found;
  }

  /** Whether any vector of this size was ever stored. */
  has(dimensions: number): boolean {
    return this.exists(vectorTableName(dimensions));
  }

  /**
   * Creates the tables for a vector size; a float table from before the bit tables existed gets its bit copy here
   * (one statement), so older databases need no migration step that knows every vector size.
   */
  private ensure(dimensions: number): void {
    const floats = vectorTableName(dimensions);
    if (!this.exists(floats)) {
      this.db.exec(vectorTableSql(dimensions));
      this.tables.add(floats);
    }
    if (!hasBitTable(dimensions)) return;
    const bits = bitTableName(dimensions);
    if (this.exists(bits)) return;
    this.db.exec(bitTableSql(dimensions));
    this.db.exec(
      `INSERT INTO ${bits} (rowid, account_id, knowledge_base_id, embedding)
       SELECT rowid, account_id, knowledge_base_id, vec_quantize_binary(embedding) FROM ${floats}`,
    );
    this.tables.add(bits);
  }

  add(scope: IndexScope, key: number, vector: Float32Array): void {
    const dims = vector.length;
    this.ensure(dims);
    const row = [BigInt(key), scope.accountId, scope.knowledgeBaseId];
    this.stmt(
      `INSERT INTO ${vectorTableName(dims)} (rowid, account_id, knowledge_base_id, embedding) VALUES (?, ?, ?, ?)`,
    ).run(...row, floatBlob(vector));
    if (hasBitTable(dims)) {
      this.stmt(
        `INSERT INTO ${bitTableName(dims)} (rowid, account_id, knowledge_base_id, embedding)
         VALUES (?, ?, ?, vec_quantize_binary(?))`,
      ).run(...row, floatBlob(vector));
    }
  }

  remove(key: number, dimensions: number): void {
    if (!this.has(dimensions)) return;
    this.stmt(`DELETE FROM ${vectorTableName(dimensions)} WHERE rowid = ?`).run(BigInt(key));
    if (hasBitTable(dimensions) && this.exists(bitTableName(dimensions))) {
      this.stmt(`DELETE FROM ${bitTableName(dimensions)} WHERE rowid = ?`).run(BigInt(key));
    }
  }

  /** The `limit` most similar vectors of the knowledge base, by exact cosine similarity, best first. */
  nearest(scope: IndexScope, vector: Float32Array, limit: number): ScoredKey[] {
    const dims = vector.length;
    if (!this.has(dims)) return [];
    if (!hasBitTable(dims)) {
      const rows = this.stmt(
        `SELECT rowid AS key, distance FROM ${vectorTableName(dims)}
         WHERE embedding MATCH ? AND k = ? AND account_id = ? AND knowledge_base_id = ?`,
      ).all(floatBlob(vector), Math.min(limit, VEC0_MAX_K), scope.accountId, scope.knowledgeBaseId) as {
        key: number;
        distance: number;
      }[];
      return rows.map((r) => ({ key: r.key, score: 1 - r.distance }));
    }
    this.ensure(dims);
    const k = Math.min(VEC0_MAX_K, Math.max(MIN_CANDIDATES, limit * OVERSAMPLE));
    const candidates = this.stmt(
      `SELECT rowid AS key FROM ${bitTableName(dims)}
       WHERE embedding MATCH vec_quantize_binary(?) AND k = ? AND account_id = ? AND knowledge_base_id = ?`,
    ).all(floatBlob(vector), k, scope.accountId, scope.knowledgeBaseId) as { key: number }[];
    const exact = this.similarities(
      scope,
      vector,
      candidates.map((c) => c.key),
    );
    return [...exact]
      .map(([key, score]) => ({ key, score }))
      .sort((a, b) => b.score - a.score || a.key - b.key)
      .slice(0, limit);
  }

  /** Exact cosine similarity of the given rows of the knowledge base. */
  similarities(scope: IndexScope, vector: Float32Array, keys: number[]): Map<number, number> {
    if (keys.length === 0 || !this.has(vector.length)) return new Map();
    const rows = this.stmt(
      `SELECT rowid AS key, vec_distance_cosine(embedding, ?) AS distance FROM ${vectorTableName(vector.length)}
       WHERE rowid IN (SELECT value FROM json_each(?)) AND account_id = ? AND knowledge_base_id = ?`,
    ).all(floatBlob(vector), JSON.stringify(keys), scope.accountId, scope.knowledgeBaseId) as {
      key: number;
      distance: number;
    }[];
    return new Map(rows.map((r) => [r.key, 1 - r.distance]));
  }
}
