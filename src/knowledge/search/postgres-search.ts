import { prepared } from "../../db/sql.js";
import { queryTerms } from "./analysis.js";
import { bestFirstBatches, type KeywordScores, scoresOfKeys, topPositions } from "./bm25.js";
import type { KeywordRanking, RetrievalBackend, RowKey, ScoredKey } from "./hybrid.js";
import { type IndexKeys, KeyRing, keyName } from "./postgres-keys.js";
import type { PgQueryable, PostgresKeywordIndex } from "./postgres-keyword.js";
import { openRows, SEALED_COLUMNS, type SealedRow } from "./postgres-sealed.js";
import { byKey, type FilterParams, type PostgresVectorIndex } from "./postgres-vectors.js";
import type { SearchHit, SearchQuery } from "./search-index.js";

/** The hits' rows, by key (every search's last read of the index). */
const LOAD = prepared(
  `SELECT pk::text AS key, chunk_id, position, page, ${SEALED_COLUMNS} FROM ${byKey(
    "$3",
    `SELECT pk, chunk_id, position, page, ${SEALED_COLUMNS} FROM knowledge_chunks
     WHERE account_id = $1 AND knowledge_base_id = $2`,
  )} c`,
);

/**
 * The PostgreSQL index's reads, as the hybrid search (hybrid.ts) asks for them: keyword and semantic candidates,
 * their scores, and the hits' rows opened with their documents' keys through the searches' key cache.
 */
export class PostgresSearchBackend implements RetrievalBackend {
  constructor(
    private readonly db: PgQueryable,
    private readonly keys: IndexKeys,
    private readonly keywords: PostgresKeywordIndex,
    private readonly vectors: PostgresVectorIndex,
  ) {}

  private async rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(text, params)).rows as T[];
  }

  semanticTop(q: SearchQuery, v: Float32Array, limit: number): Promise<ScoredKey[]> {
    return this.vectors.nearest(q, v, limit, this.filterParams(q));
  }

  semanticScores(q: SearchQuery, v: Float32Array, keys: RowKey[]): Promise<Map<string, number>> {
    return this.vectors.similarities(q, v, keys);
  }

  private filterParams(q: SearchQuery): FilterParams {
    const docs = q.filter?.documentIds;
    const meta = q.filter?.metadata;
    return [docs ? JSON.stringify(docs) : null, meta && Object.keys(meta).length ? JSON.stringify(meta) : null];
  }

  async keywordTop(q: SearchQuery, limit: number): Promise<KeywordRanking> {
    const sealer = await this.keys.cached(keyName(q));
    const scores = sealer && (await this.keywords.scores(this.db, q, queryTerms(q.text), sealer));
    if (!scores) return { top: [], scores: async () => new Map() };
    return {
      top: q.filter
        ? await this.filteredTop(q, scores, limit)
        : topPositions(scores, limit).map((i) => ({ key: String(scores.keys[i]!), score: scores.scores[i]! })),
      scores: async (keys) => scoresOfKeys(scores, keys),
    };
  }

  /** The best `limit` chunks that pass the filter, checked against the chunk table in best-first batches. */
  private async filteredTop(q: SearchQuery, scores: KeywordScores, limit: number): Promise<ScoredKey[]> {
    const passing: ScoredKey[] = [];
    for (const batch of bestFirstBatches(scores, limit)) {
      const ok = new Set(
        (
          await this.rows<{ key: string }>(
            `SELECT c.pk::text AS key FROM ${byKey(
              "$3",
              `SELECT pk FROM knowledge_chunks WHERE account_id = $1 AND knowledge_base_id = $2
                 AND ($4::jsonb IS NULL OR document_id IN (SELECT jsonb_array_elements_text($4::jsonb)))
                 AND ($5::jsonb IS NULL OR metadata @> $5::jsonb)`,
            )} c`,
            [q.accountId, q.knowledgeBaseId, JSON.stringify(batch.map((b) => b.key)), ...this.filterParams(q)],
          )
        ).map((r) => r.key),
      );
      const kept = batch.filter((b) => ok.has(String(b.key))).slice(0, limit - passing.length);
      passing.push(...kept.map((b) => ({ key: String(b.key), score: b.score })));
      if (passing.length >= limit) break;
    }
    return passing;
  }

  async load(q: SearchQuery, keys: RowKey[]): Promise<Map<RowKey, Omit<SearchHit, "score">>> {
    const rows = await this.rows<SealedRow<string> & { chunk_id: string; position: number; page: number | null }>(
      LOAD,
      [q.accountId, q.knowledgeBaseId, JSON.stringify(keys)],
    );
    // Each hit's document key through the cache (a row whose key is gone is being deleted: it is left out).
    const opened = await openRows(q, rows, new KeyRing(this.keys, "cached"));
    return new Map(
      opened.map(({ row: r, text, heading }) => [
        String(r.key),
        {
          chunkId: r.chunk_id,
          documentId: r.document_id,
          position: r.position,
          text,
          ...(r.page !== null ? { page: r.page } : {}),
          ...(heading !== null ? { heading } : {}),
        },
      ]),
    );
  }
}
