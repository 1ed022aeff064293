import { prepared } from "../../db/sql.js";
import type { ScoredKey } from "./hybrid.js";
import { unitVector } from "./hybrid.js";
import type { PgQueryable } from "./postgres-keyword.js";
import {
  cosineDistance,
  quoteIdent,
  searchFunctionsDdl,
  type VectorSchema,
  vectorTable,
  vectorTableDdl,
  vectorType,
} from "./postgres-schema.js";
import type { IndexScope } from "./search-index.js";

export type VectorKind = "pgvector" | "exact";

/** Filters as two nullable JSON parameters: document ids (an array) and metadata (an object matched by @>). */
export type FilterParams = [documents: string | null, metadata: string | null];

/**
 * Rows of `select` (a query over one table ending in its WHERE clause, owner conditions included) for the keys in
 * the JSON array parameter `keys`, each fetched by primary key. Written as a LATERAL lookup with LIMIT 1 because,
 * with the owner conditions beside `pk IN (…)`, the planner scanned the knowledge base's whole owner index instead
 * (80 ms to load 10 hits of 100,000 chunks while the table's statistics were stale).
 */
export function byKey(keys: string, select: string): string {
  return `jsonb_array_elements_text(${keys}::jsonb) AS wanted(wanted_key)
    CROSS JOIN LATERAL (${select} AND pk = wanted.wanted_key::bigint LIMIT 1)`;
}

/**
 * PostgreSQL vectors: one table per dimension, created on first use — pgvector `vector(n)` with HNSW (cosine) when
 * the extension is there, else `real[]` searched exactly. Vectors are stored as unit vectors.
 */
export class PostgresVectorIndex {
  /** The extension's schema (quoted) when vectors go through pgvector. */
  private ext: VectorSchema;
  private iterativeScan = false;
  private readonly tables = new Map<number, VectorKind>();
  private readonly literals = new WeakMap<Float32Array, { kind: VectorKind; text: string }>();

  constructor(
    private readonly db: PgQueryable,
    /** Where searches read (`db` sending prepared statements, on node-pg). */
    private readonly reads: PgQueryable = db,
  ) {}

  /** The extension's schema, quoted, when vectors go through pgvector. */
  get schema(): VectorSchema {
    return this.ext;
  }

  get usesPgvector(): boolean {
    return this.ext !== undefined;
  }

  private async rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(text, params)).rows as T[];
  }

  /** A search's read, its text (one per vector table) prepared. */
  private async read<T>(text: string, params: unknown[]): Promise<T[]> {
    return (await this.reads.query(prepared(text), params)).rows as T[];
  }

  /**
   * Decides, by probing (and creating the extension if allowed), how vectors are stored. An extension already in
   * the database is used wherever it was installed (usually `public`, outside the service's search path); one this
   * service creates goes into the first schema of its search path, its own.
   */
  async init(mode: "auto" | "pgvector" | "exact"): Promise<void> {
    if (mode === "exact") return;
    let found = await this.extension();
    if (!found) {
      try {
        await this.db.query("CREATE EXTENSION IF NOT EXISTS vector");
        found = await this.extension();
      } catch (error) {
        if (mode === "pgvector") throw error;
      }
    }
    if (!found) return;
    this.ext = quoteIdent(found.schema);
    const [major = 0, minor = 0] = found.version.split(".").map(Number);
    this.iterativeScan = major > 0 || minor >= 8;
  }

  /** The installed extension's version and schema, whichever schema that is. */
  async extension(): Promise<{ version: string; schema: string } | undefined> {
    const rows = await this.rows<{ version: string; schema: string }>(
      `SELECT e.extversion AS version, n.nspname AS schema FROM pg_extension e
       JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'`,
    );
    return rows[0];
  }

  /** The vector table for `dimensions`, created on first use; its real column type wins over the probe. */
  async kind(dimensions: number, create: boolean): Promise<VectorKind | undefined> {
    const known = this.tables.get(dimensions);
    if (known) return known;
    const table = vectorTable(dimensions);
    if (create) {
      await this.db.query(vectorTableDdl(dimensions, this.ext));
      if (this.ext) await this.db.query(searchFunctionsDdl(dimensions, this.ext, this.iterativeScan));
    }
    const rows = await this.rows<{ type: string }>(
      `SELECT format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
       WHERE a.attrelid = to_regclass($1) AND a.attname = 'embedding'`,
      [table],
    );
    if (!rows[0]) return undefined;
    // format_type qualifies the type when its schema is not on the search path (`public.vector(8)`).
    const kind: VectorKind = /^("?[^"]*"?\.)?vector\(/.test(rows[0].type) ? "pgvector" : "exact";
    if (kind === "pgvector" && !this.ext) {
      // Created by a process that had pgvector while this one was told to search exactly: the table decides.
      const found = await this.extension();
      if (!found) throw new Error(`${table} holds pgvector vectors but the extension is not installed`);
      this.ext = quoteIdent(found.schema);
    }
    this.tables.set(dimensions, kind);
    return kind;
  }

  /** The SQL type a vector literal is cast to for a table of `kind`. */
  columnType(kind: VectorKind, dimensions: number): string {
    return vectorType(kind === "pgvector" ? this.ext : undefined, dimensions);
  }

  /**
   * The query vector as text, written once per search: a hybrid search sends it twice (nearest, similarities), and
   * 512 floats to text took ~0.2 ms of the event loop each time (--cpu-prof).
   */
  literal(v: Float32Array, kind: VectorKind): string {
    const known = this.literals.get(v);
    if (known?.kind === kind) return known.text;
    const unit = unitVector(v);
    const text = kind === "pgvector" ? `[${unit.join(",")}]` : `{${unit.join(",")}}`;
    this.literals.set(v, { kind, text });
    return text;
  }

  /** The `limit` most similar chunks of the knowledge base that pass the filters, best first. */
  async nearest(scope: IndexScope, vector: Float32Array, limit: number, [docs, meta]: FilterParams) {
    const kind = await this.kind(vector.length, false);
    if (!kind) return [];
    const t = vectorTable(vector.length);
    const params = [scope.accountId, scope.knowledgeBaseId, this.literal(vector, kind), limit, docs, meta];
    if (kind === "pgvector") {
      return this.read<ScoredKey>(
        `SELECT key, score FROM ${t}_search($1, $2, $3::${vectorType(this.ext)}, $4,
           CASE WHEN $5::jsonb IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text($5::jsonb)) END, $6::jsonb)`,
        params,
      );
    }
    return this.read<ScoredKey>(
      `SELECT v.pk::text AS key, knowledge_dot(v.embedding, $3::real[]) AS score
       FROM ${t} v JOIN knowledge_chunks c ON c.pk = v.pk
       WHERE v.account_id = $1 AND v.knowledge_base_id = $2
         AND ($5::jsonb IS NULL OR c.document_id IN (SELECT jsonb_array_elements_text($5::jsonb)))
         AND ($6::jsonb IS NULL OR c.metadata @> $6::jsonb)
       ORDER BY score DESC LIMIT $4`,
      params,
    );
  }

  /** Cosine similarity of the given chunks of the knowledge base. */
  async similarities(scope: IndexScope, vector: Float32Array, keys: (string | number)[]): Promise<Map<string, number>> {
    const kind = await this.kind(vector.length, false);
    if (!kind) return new Map();
    const score =
      kind === "pgvector"
        ? `1 - (v.embedding ${cosineDistance(this.ext!)} $3::${vectorType(this.ext)})`
        : "knowledge_dot(v.embedding, $3::real[])";
    const rows = await this.read<{ key: string; score: number }>(
      `SELECT v.pk::text AS key, ${score} AS score FROM ${byKey(
        "$4",
        `SELECT pk, embedding FROM ${vectorTable(vector.length)} WHERE account_id = $1 AND knowledge_base_id = $2`,
      )} v`,
      [scope.accountId, scope.knowledgeBaseId, this.literal(vector, kind), JSON.stringify(keys)],
    );
    return new Map(rows.map((r) => [r.key, r.score]));
  }
}
