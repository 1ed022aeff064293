import type { ScoredKey } from "./hybrid.js";
import { unitVector } from "./hybrid.js";
import type { PgQueryable } from "./postgres-keyword.js";
import { semanticFunctionDdl, vectorTable, vectorTableDdl } from "./postgres-schema.js";
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
  private pgvector = false;
  private iterativeScan = false;
  private readonly tables = new Map<number, VectorKind>();

  constructor(private readonly db: PgQueryable) {}

  get usesPgvector(): boolean {
    return this.pgvector;
  }

  private async rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(text, params)).rows as T[];
  }

  /** Decides, by probing (and creating the extension if allowed), how vectors are stored. */
  async init(mode: "auto" | "pgvector" | "exact"): Promise<void> {
    if (mode === "exact") return;
    let version = await this.extensionVersion();
    if (!version) {
      try {
        await this.db.query("CREATE EXTENSION IF NOT EXISTS vector");
        version = await this.extensionVersion();
      } catch (error) {
        if (mode === "pgvector") throw error;
      }
    }
    this.pgvector = version !== undefined;
    const [major = 0, minor = 0] = (version ?? "0.0").split(".").map(Number);
    this.iterativeScan = major > 0 || minor >= 8;
  }

  private async extensionVersion(): Promise<string | undefined> {
    const rows = await this.rows<{ v: string }>("SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'");
    return rows[0]?.v;
  }

  /** The vector table for `dimensions`, created on first use; its real column type wins over the probe. */
  async kind(dimensions: number, create: boolean): Promise<VectorKind | undefined> {
    const known = this.tables.get(dimensions);
    if (known) return known;
    const table = vectorTable(dimensions);
    if (create) {
      await this.db.query(vectorTableDdl(dimensions, this.pgvector));
      if (this.pgvector) await this.db.query(semanticFunctionDdl(dimensions, this.iterativeScan));
    }
    const rows = await this.rows<{ type: string }>(
      `SELECT format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
       WHERE a.attrelid = to_regclass($1) AND a.attname = 'embedding'`,
      [table],
    );
    if (!rows[0]) return undefined;
    const kind: VectorKind = rows[0].type.startsWith("vector") ? "pgvector" : "exact";
    this.tables.set(dimensions, kind);
    return kind;
  }

  literal(v: Float32Array, kind: VectorKind): string {
    const unit = unitVector(v);
    return kind === "pgvector" ? `[${unit.join(",")}]` : `{${unit.join(",")}}`;
  }

  /** The `limit` most similar chunks of the knowledge base that pass the filters, best first. */
  async nearest(scope: IndexScope, vector: Float32Array, limit: number, [docs, meta]: FilterParams) {
    const kind = await this.kind(vector.length, false);
    if (!kind) return [];
    const t = vectorTable(vector.length);
    const params = [scope.accountId, scope.knowledgeBaseId, this.literal(vector, kind), limit, docs, meta];
    if (kind === "pgvector") {
      return this.rows<ScoredKey>(
        `SELECT key, score FROM ${t}_search($1, $2, $3::vector, $4,
           CASE WHEN $5::jsonb IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text($5::jsonb)) END, $6::jsonb)`,
        params,
      );
    }
    return this.rows<ScoredKey>(
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
    const score = kind === "pgvector" ? "1 - (v.embedding <=> $3::vector)" : "knowledge_dot(v.embedding, $3::real[])";
    const rows = await this.rows<{ key: string; score: number }>(
      `SELECT v.pk::text AS key, ${score} AS score FROM ${byKey(
        "$4",
        `SELECT pk, embedding FROM ${vectorTable(vector.length)} WHERE account_id = $1 AND knowledge_base_id = $2`,
      )} v`,
      [scope.accountId, scope.knowledgeBaseId, this.literal(vector, kind), JSON.stringify(keys)],
    );
    return new Map(rows.map((r) => [r.key, r.score]));
  }
}
