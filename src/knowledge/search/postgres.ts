import { queryWords } from "./analysis.js";
import {
  DEFAULT_HYBRID,
  type HybridConfig,
  type RetrievalBackend,
  type RowKey,
  runSearch,
  type ScoredKey,
  unitVector,
} from "./hybrid.js";
import { bm25Sql, foldForIndex, HEADING_WEIGHT } from "./postgres-bm25.js";
import { BASE_DDL, semanticFunctionDdl, vectorTable, vectorTableDdl } from "./postgres-schema.js";
import type { IndexedChunk, IndexScope, SearchHit, SearchIndex, SearchQuery } from "./search-index.js";

/** What both `pg.Pool` and `PGlite` offer: one statement, positional `$n` parameters, rows back. */
export interface PgQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface PostgresSearchIndexOptions {
  /** `auto` uses pgvector when it is installed or can be created, else exact search over `real[]`. */
  vectors?: "auto" | "pgvector" | "exact";
  hybrid?: Partial<HybridConfig>;
}

type VectorKind = "pgvector" | "exact";

/**
 * The knowledge index on PostgreSQL, written against `PgQueryable` so a pool of the real server and PGlite both
 * work. Keyword search is BM25 computed in SQL over `to_tsvector('english', …)` (GIN-indexed) with the knowledge
 * base's own statistics; vectors use pgvector HNSW (cosine) or, without the extension, an exact scan. Every
 * statement names the owner; a write is one statement, so it is atomic without a client-side transaction.
 */
export class PostgresSearchIndex implements SearchIndex {
  private readonly config: HybridConfig;
  private readonly backend: RetrievalBackend;
  private pgvector = false;
  private iterativeScan = false;
  private readonly tables = new Map<number, VectorKind>();

  constructor(
    private readonly db: PgQueryable,
    private readonly options: PostgresSearchIndexOptions = {},
  ) {
    this.config = { ...DEFAULT_HYBRID, ...options.hybrid };
    this.backend = {
      keywordTop: async (q, limit) => ({
        top: await this.keywordTop(q, limit),
        scores: (keys) => this.keywordScores(q, keys),
      }),
      semanticTop: (q, v, limit) => this.semanticTop(q, v, limit),
      semanticScores: (q, v, keys) => this.semanticScores(q, v, keys),
      load: (q, keys) => this.load(q, keys),
    };
  }

  /** Whether vectors go through pgvector (known after `init`). */
  get usesPgvector(): boolean {
    return this.pgvector;
  }

  private async rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(text, params)).rows as T[];
  }

  /** Creates the tables if missing and decides, by probing, how vectors are stored. Idempotent. */
  async init(): Promise<void> {
    const mode = this.options.vectors ?? "auto";
    if (mode !== "exact") {
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
    await this.db.query(BASE_DDL);
  }

  private async extensionVersion(): Promise<string | undefined> {
    const rows = await this.rows<{ v: string }>("SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'");
    return rows[0]?.v;
  }

  /** The vector table for `dimensions`, created on first use; its real column type wins over the probe. */
  private async vectorKind(dimensions: number, create: boolean): Promise<VectorKind | undefined> {
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

  private vectorLiteral(v: Float32Array, kind: VectorKind): string {
    const unit = unitVector(v);
    return kind === "pgvector" ? `[${unit.join(",")}]` : `{${unit.join(",")}}`;
  }

  async addChunks(scope: IndexScope, chunks: IndexedChunk[]): Promise<void> {
    const byDimension = new Map<number, Map<string, IndexedChunk>>();
    for (const c of chunks) {
      // One statement cannot upsert the same row twice: the last copy of a repeated id wins.
      if (!byDimension.has(c.vector.length)) byDimension.set(c.vector.length, new Map());
      byDimension.get(c.vector.length)!.set(c.id, c);
    }
    for (const [dimensions, group] of byDimension) {
      const kind = (await this.vectorKind(dimensions, true))!;
      const table = vectorTable(dimensions);
      const input = [...group.values()].map((c) => ({
        chunk_id: c.id,
        document_id: c.documentId,
        position: c.position,
        page: c.page ?? null,
        heading: c.heading ?? null,
        metadata: c.metadata ?? null,
        text: c.text,
        folded_text: foldForIndex(c.text),
        folded_heading: foldForIndex(c.heading ?? ""),
        embedding: this.vectorLiteral(c.vector, kind),
      }));
      await this.db.query(
        `WITH input AS (
           SELECT * FROM jsonb_to_recordset($3::jsonb) AS t(chunk_id TEXT, document_id TEXT, position INTEGER,
             page INTEGER, heading TEXT, metadata JSONB, text TEXT, folded_text TEXT, folded_heading TEXT, embedding TEXT)
         ), prepared AS (
           SELECT input.*, setweight(to_tsvector('english', folded_heading), 'A')
             || to_tsvector('english', folded_text) AS tsv FROM input
         ), upserted AS (
           INSERT INTO knowledge_chunks AS k (account_id, knowledge_base_id, document_id, chunk_id, position, page,
             heading, metadata, text, tsv, tf, len, dimensions)
           SELECT $1, $2, document_id, chunk_id, position, page, heading, metadata, text, strip(tsv),
             (SELECT coalesce(jsonb_object_agg(u.lexeme, cardinality(u.positions)
                + ${HEADING_WEIGHT - 1} * cardinality(array_positions(u.weights, 'A'))), '{}') FROM unnest(tsv) AS u),
             (SELECT coalesce(sum(cardinality(u.positions)), 0) FROM unnest(tsv) AS u), $4
           FROM prepared
           ON CONFLICT (account_id, knowledge_base_id, chunk_id) DO UPDATE SET document_id = EXCLUDED.document_id,
             position = EXCLUDED.position, page = EXCLUDED.page, heading = EXCLUDED.heading,
             metadata = EXCLUDED.metadata, text = EXCLUDED.text, tsv = EXCLUDED.tsv, tf = EXCLUDED.tf, len = EXCLUDED.len,
             dimensions = EXCLUDED.dimensions
           RETURNING k.pk, k.chunk_id
         )
         INSERT INTO ${table} (pk, account_id, knowledge_base_id, embedding)
         SELECT upserted.pk, $1, $2, input.embedding::${kind === "pgvector" ? `vector(${dimensions})` : "real[]"}
         FROM upserted JOIN input USING (chunk_id)
         ON CONFLICT (pk) DO UPDATE SET embedding = EXCLUDED.embedding`,
        [scope.accountId, scope.knowledgeBaseId, JSON.stringify(input), dimensions],
      );
    }
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    return runSearch(this.backend, query, this.config);
  }

  private async deleteWhere(where: string, params: unknown[]): Promise<number> {
    // Vectors go with their chunk (ON DELETE CASCADE).
    const rows = await this.rows<{ n: number }>(
      `WITH gone AS (DELETE FROM knowledge_chunks WHERE ${where} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      params,
    );
    return rows[0]?.n ?? 0;
  }

  deleteDocument(scope: IndexScope, documentId: string): Promise<number> {
    return this.deleteWhere("account_id = $1 AND knowledge_base_id = $2 AND document_id = $3", [
      scope.accountId,
      scope.knowledgeBaseId,
      documentId,
    ]);
  }

  deleteKnowledgeBase(scope: IndexScope): Promise<number> {
    return this.deleteWhere("account_id = $1 AND knowledge_base_id = $2", [scope.accountId, scope.knowledgeBaseId]);
  }

  deleteAccount(accountId: string): Promise<number> {
    return this.deleteWhere("account_id = $1", [accountId]);
  }

  /** Filters as two nullable JSON parameters: document ids (an array) and metadata (an object matched by @>). */
  private filterParams(q: SearchQuery): [string | null, string | null] {
    const docs = q.filter?.documentIds;
    const meta = q.filter?.metadata;
    return [docs ? JSON.stringify(docs) : null, meta && Object.keys(meta).length ? JSON.stringify(meta) : null];
  }

  private keywordTop(q: SearchQuery, limit: number): Promise<ScoredKey[]> {
    if (queryWords(q.text).length === 0) return Promise.resolve([]);
    return this.rows<ScoredKey>(bm25Sql("TRUE"), [
      q.accountId,
      q.knowledgeBaseId,
      foldForIndex(q.text),
      ...this.filterParams(q),
      limit,
    ]);
  }

  private async keywordScores(q: SearchQuery, keys: RowKey[]): Promise<Map<RowKey, number>> {
    if (queryWords(q.text).length === 0) return new Map();
    const rows = await this.rows<ScoredKey>(
      bm25Sql("hits.pk IN (SELECT (jsonb_array_elements_text($7::jsonb))::bigint)"),
      [
        q.accountId,
        q.knowledgeBaseId,
        foldForIndex(q.text),
        ...this.filterParams(q),
        keys.length,
        JSON.stringify(keys),
      ],
    );
    return new Map(rows.map((r) => [r.key, r.score]));
  }

  private async semanticTop(q: SearchQuery, vector: Float32Array, limit: number): Promise<ScoredKey[]> {
    const kind = await this.vectorKind(vector.length, false);
    if (!kind) return [];
    const t = vectorTable(vector.length);
    const [docs, meta] = this.filterParams(q);
    if (kind === "pgvector") {
      return this.rows<ScoredKey>(
        `SELECT key, score FROM ${t}_search($1, $2, $3::vector, $4,
           CASE WHEN $5::jsonb IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text($5::jsonb)) END, $6::jsonb)`,
        [q.accountId, q.knowledgeBaseId, this.vectorLiteral(vector, kind), limit, docs, meta],
      );
    }
    return this.rows<ScoredKey>(
      `SELECT v.pk::text AS key, knowledge_dot(v.embedding, $3::real[]) AS score
       FROM ${t} v JOIN knowledge_chunks c ON c.pk = v.pk
       WHERE v.account_id = $1 AND v.knowledge_base_id = $2
         AND ($5::jsonb IS NULL OR c.document_id IN (SELECT jsonb_array_elements_text($5::jsonb)))
         AND ($6::jsonb IS NULL OR c.metadata @> $6::jsonb)
       ORDER BY score DESC LIMIT $4`,
      [q.accountId, q.knowledgeBaseId, this.vectorLiteral(vector, kind), limit, docs, meta],
    );
  }

  private async semanticScores(q: SearchQuery, vector: Float32Array, keys: RowKey[]): Promise<Map<RowKey, number>> {
    const kind = await this.vectorKind(vector.length, false);
    if (!kind) return new Map();
    const score = kind === "pgvector" ? "1 - (v.embedding <=> $3::vector)" : "knowledge_dot(v.embedding, $3::real[])";
    const rows = await this.rows<ScoredKey>(
      `SELECT v.pk::text AS key, ${score} AS score FROM ${vectorTable(vector.length)} v
       WHERE v.pk IN (SELECT (jsonb_array_elements_text($4::jsonb))::bigint)
         AND v.account_id = $1 AND v.knowledge_base_id = $2`,
      [q.accountId, q.knowledgeBaseId, this.vectorLiteral(vector, kind), JSON.stringify(keys)],
    );
    return new Map(rows.map((r) => [r.key, r.score]));
  }

  private async load(q: SearchQuery, keys: RowKey[]): Promise<Map<RowKey, Omit<SearchHit, "score">>> {
    const rows = await this.rows<{
      key: string;
      chunk_id: string;
      document_id: string;
      position: number;
      text: string;
      page: number | null;
      heading: string | null;
    }>(
      `SELECT pk::text AS key, chunk_id, document_id, position, text, page, heading FROM knowledge_chunks
       WHERE pk IN (SELECT (jsonb_array_elements_text($3::jsonb))::bigint)
         AND account_id = $1 AND knowledge_base_id = $2`,
      [q.accountId, q.knowledgeBaseId, JSON.stringify(keys)],
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
