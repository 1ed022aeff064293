import { inPgTransaction, withPreparedStatements } from "../../db/postgres.js";
import type { TransactionalWrite } from "../../db/sql.js";
import type { Sealer } from "../../lib/sealing.js";
import type { KeyStore } from "../../storage/key-store.js";
import { DEFAULT_HYBRID, type HybridConfig, type RetrievalBackend, runSearch } from "./hybrid.js";
import type { KeywordChunk } from "./keyword-blocks.js";
import type { ArrayEncoding } from "./postgres-arrays.js";
import { type BulkBuildOptions, BulkLoads, DEFAULT_BULK_BUILD } from "./postgres-bulk.js";
import { holdFence } from "./postgres-fence.js";
import {
  accountKeyPrefix,
  documentKeyName,
  IndexKeys,
  type KeyCacheOptions,
  KeyRing,
  keyName,
} from "./postgres-keys.js";
import { type PgQueryable, PostgresKeywordIndex } from "./postgres-keyword.js";
import { LoadWords } from "./postgres-load-words.js";
import { BASE_DDL } from "./postgres-schema.js";
import { openRows, SEALED_COLUMNS, type SealedRow, sealLegacyRows } from "./postgres-sealed.js";
import { PostgresSearchBackend } from "./postgres-search.js";
import { PostgresVectorIndex, type VectorKind } from "./postgres-vectors.js";
import { insertChunks } from "./postgres-writes.js";
import type { BulkLoadSize, IndexedChunk, IndexScope, SearchHit, SearchIndex, SearchQuery } from "./search-index.js";

export type { PgQueryable } from "./postgres-keyword.js";

/** Weight of the heading against the body in BM25, as in SQLite. */
const HEADING_WEIGHT = 2;

/** `pg.Pool` hands out a client for a transaction; PGlite runs one itself. */
type TransactionalDb = PgQueryable & {
  connect?: () => Promise<PgQueryable & { release(): void }>;
  transaction?: <T>(fn: (tx: PgQueryable) => Promise<T>) => Promise<T>;
};

export interface PostgresSearchIndexOptions {
  /**
   * Where each knowledge base's and each document's key lives; destroying a document's key erases every byte of its
   * text still on disk, destroying the knowledge base's erases its terms too.
   */
  keys: KeyStore;
  /** The searches' cache of keys (postgres-keys.ts). */
  keyCache?: Partial<KeyCacheOptions>;
  /** `auto` uses pgvector when it is installed or can be created, else exact search over `real[]`. */
  vectors?: "auto" | "pgvector" | "exact";
  hybrid?: Partial<HybridConfig>;
  /** How bulk loads build the HNSW index (postgres-bulk.ts). */
  bulkBuild?: Partial<BulkBuildOptions>;
  /** Bytes of postings a bulk load holds in memory before writing them out (postgres-bulk-postings.ts); 64 MiB. */
  bulkPostingsMemory?: number;
}

/**
 * The knowledge index on PostgreSQL, written against `PgQueryable` so a pool of the real server and PGlite both
 * work. Keyword search is BM25 with the knowledge base's own statistics over postings blocks (postgres-keyword.ts,
 * the same analysis and scores as SQLite); vectors use pgvector HNSW (cosine) or, without the extension, an exact
 * scan. Every statement names the owner or the knowledge base's internal id found by owner; a write is one
 * transaction (a client of the pool, or PGlite's own).
 *
 * Crypto-shredding: a chunk's text and heading are stored sealed (AES-256-GCM) with its document's own key, and its
 * keyword terms keyed (HMAC) with its knowledge base's key, both from the `KeyStore`; deleting a document destroys
 * its key, deleting the knowledge base destroys every key of it. PostgreSQL keeps deleted rows' bytes in heap and
 * index pages, TOAST and WAL until they happen to be overwritten, and no text there is readable without its key. Vectors, chunk and document ids, positions and metadata are stored as they are
 * (pgvector and the metadata filter need them); deletion removes their rows and the maintenance job vacuums them.
 */
export class PostgresSearchIndex implements SearchIndex {
  private readonly config: HybridConfig;
  private readonly backend: RetrievalBackend;
  private readonly keywords = new PostgresKeywordIndex(HEADING_WEIGHT);
  private readonly vectors: PostgresVectorIndex;
  private readonly bulk: BulkLoads;
  private readonly keys: IndexKeys;
  /** How array parameters are sent: binary through node-pg, text to PGlite (postgres-arrays.ts). */
  private readonly arrays: ArrayEncoding;
  /** What a bulk load holds back of its keyword postings (postgres-load-words.ts). */
  private readonly loadWords: LoadWords;

  constructor(
    private readonly db: PgQueryable,
    private readonly options: PostgresSearchIndexOptions,
  ) {
    this.config = { ...DEFAULT_HYBRID, ...options.hybrid };
    this.keys = new IndexKeys(options.keys, options.keyCache);
    this.arrays = typeof (db as TransactionalDb).transaction === "function" ? "text" : "binary";
    // A search's reads are prepared statements on node-pg (each connection plans them once); writes are not.
    const reads = withPreparedStatements(db);
    this.vectors = new PostgresVectorIndex(db, reads);
    this.bulk = new BulkLoads(db, this.vectors, { ...DEFAULT_BULK_BUILD, ...options.bulkBuild });
    this.backend = new PostgresSearchBackend(reads, this.keys, this.keywords, this.vectors);
    const budget = options.bulkPostingsMemory ?? 64 << 20;
    this.loadWords = new LoadWords((fn) => this.inTransaction(fn), this.keywords, this.arrays, budget);
  }

  /** Whether vectors go through pgvector (known after `init`). */
  get usesPgvector(): boolean {
    return this.vectors.usesPgvector;
  }

  private async rows<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query(text, params)).rows as T[];
  }

  /** Creates the tables if missing and decides, by probing, how vectors are stored. Idempotent. */
  async init(): Promise<void> {
    await this.vectors.init(this.options.vectors ?? "auto");
    await this.db.query(BASE_DDL);
    // Knowledge bases stored before their text was sealed (or before the postings existed) are sealed and indexed
    // with keyed terms now. Their old plaintext stays in free space until overwritten: docs/postgres.md says how
    // an operator erases it (VACUUM FULL once after upgrading).
    const legacy = await this.rows<{ account_id: string; knowledge_base_id: string }>(
      `SELECT DISTINCT account_id, knowledge_base_id FROM knowledge_chunks c WHERE sealed IS NULL OR NOT EXISTS (
         SELECT 1 FROM knowledge_index_bases b
         WHERE b.account_id = c.account_id AND b.knowledge_base_id = c.knowledge_base_id AND b.keyed)
       UNION SELECT account_id, knowledge_base_id FROM knowledge_index_bases WHERE NOT keyed`,
    );
    for (const r of legacy) {
      const scope = { accountId: r.account_id, knowledgeBaseId: r.knowledge_base_id };
      await this.inTransaction(async (tx) => {
        await tx.query(
          "SELECT kb FROM knowledge_index_bases WHERE account_id = $1 AND knowledge_base_id = $2 FOR UPDATE",
          [scope.accountId, scope.knowledgeBaseId],
        );
        await tx.query("DELETE FROM knowledge_index_bases WHERE account_id = $1 AND knowledge_base_id = $2", [
          scope.accountId,
          scope.knowledgeBaseId,
        ]);
        await sealLegacyRows(tx, scope, (doc) => this.keys.fresh(documentKeyName(scope, doc), true));
        await this.keywords.lockBase(tx, scope, () => this.indexExisting(tx, scope));
      });
    }
  }

  /** The knowledge base's sealer (its terms), read from the store; with `create`, its key is made on first use. */
  private async sealer(scope: IndexScope, create: true): Promise<Sealer>;
  private async sealer(scope: IndexScope, create: false): Promise<Sealer | undefined>;
  private async sealer(scope: IndexScope, create: boolean): Promise<Sealer | undefined> {
    return this.keys.fresh(keyName(scope), create);
  }

  /** The key and every chunk of a knowledge base, unsealed, for (re)building its postings. */
  private async indexExisting(tx: PgQueryable, scope: IndexScope) {
    const sealer = await this.sealer(scope, true);
    const rows = (
      await tx.query(
        `SELECT pk::float8 AS key, ${SEALED_COLUMNS} FROM knowledge_chunks
         WHERE account_id = $1 AND knowledge_base_id = $2 ORDER BY pk`,
        [scope.accountId, scope.knowledgeBaseId],
      )
    ).rows as SealedRow[];
    return { sealer, existing: await this.opened(scope, rows) };
  }

  /** Rows unsealed with keys read from the store now (writes and deletions), as the keyword index takes them. */
  private async opened(scope: IndexScope, rows: SealedRow[]): Promise<KeywordChunk[]> {
    const open = await openRows(scope, rows, new KeyRing(this.keys, "fresh"));
    return open.map((o) => ({ key: o.row.key, text: o.text, heading: o.heading }));
  }

  private async inTransaction<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T> {
    const db = this.db as TransactionalDb;
    if (db.transaction) return db.transaction(fn);
    if (!db.connect) throw new Error("PostgresSearchIndex writes need a pg.Pool or PGlite");
    return inPgTransaction<PgQueryable & { release(): void }, T>({ connect: db.connect.bind(db) }, fn);
  }

  async addChunks(scope: IndexScope, chunks: IndexedChunk[], fence?: TransactionalWrite): Promise<void> {
    if (chunks.length === 0) return;
    // Re-adding a chunk id (a retried ingestion) replaces it; within one call the last copy wins.
    const unique = [...new Map(chunks.map((c) => [c.id, c])).values()];
    const kinds = new Map<number, VectorKind>();
    for (const c of unique) {
      if (!kinds.has(c.vector.length)) kinds.set(c.vector.length, (await this.vectors.kind(c.vector.length, true))!);
    }
    // New documents' keys are made (written and synced, ~ms each) before the lock; under it they are only read
    // again — or made again if a deletion destroyed one meanwhile.
    const documents = [...new Set(unique.map((c) => c.documentId))];
    await Promise.all(documents.map((doc) => this.keys.fresh(documentKeyName(scope, doc), true)));
    await this.inTransaction(async (tx) => {
      await holdFence(tx, fence);
      const kb = (await this.keywords.lockBase(tx, scope, () => this.indexExisting(tx, scope)))!;
      // Keys are read once the knowledge base is locked: a deletion that destroyed one has committed by then, so
      // this write makes a new key rather than sealing with the destroyed one.
      const sealer = await this.sealer(scope, true);
      const documentSealers = new Map(
        await Promise.all(
          documents.map(async (doc) => [doc, await this.keys.fresh(documentKeyName(scope, doc), true)] as const),
        ),
      );
      // A replaced chunk leaves the keyword index first; its vector goes with its row (ON DELETE CASCADE).
      const replaced = await this.opened(
        scope,
        (
          await tx.query(
            `DELETE FROM knowledge_chunks WHERE account_id = $1 AND knowledge_base_id = $2
               AND chunk_id IN (SELECT jsonb_array_elements_text($3::jsonb))
             RETURNING pk::float8 AS key, ${SEALED_COLUMNS}`,
            [scope.accountId, scope.knowledgeBaseId, JSON.stringify(unique.map((c) => c.id))],
          )
        ).rows as SealedRow[],
      );
      await this.keywords.remove(tx, kb, replaced, sealer);
      const load = this.loadWords.current;
      const base = load?.of(scope);
      const keyed = await insertChunks(tx, {
        scope,
        chunks: unique,
        kinds,
        vectors: this.vectors,
        arrays: this.arrays,
        documentSealers,
        sealer,
        headingWeight: HEADING_WEIGHT,
        ...(base ? { keyTerm: base.terms.keyer(sealer) } : {}),
      });
      if (!load || !base) return this.keywords.addKeyed(tx, kb, keyed);
      // In a bulk load the chunks count now and their postings are written at its end (or when its memory is spent).
      await this.keywords.count(tx, kb, keyed.chunks, keyed.tokens);
      base.pending.add(keyed.byTerm, keyed.keys!);
      if (load.full) await this.loadWords.write(tx, kb, scope, load);
    });
    await this.bulk.grown(unique.length);
  }

  /**
   * A large load goes in rows first, and the HNSW index of its dimension is built after it (postgres-bulk.ts); with
   * `wordsAtEnd` its keyword postings are held in memory and written as whole blocks (postgres-load-words.ts).
   */
  bulkLoad<T>(size: BulkLoadSize, load: () => Promise<T>): Promise<T> {
    if (size.chunks < this.bulk.minChunks || !size.wordsAtEnd) return this.bulk.run(size, load);
    return this.bulk.run(size, () => this.loadWords.run(load));
  }

  flushWords(scope: IndexScope, fence?: TransactionalWrite): Promise<void> {
    return this.loadWords.flush(scope, fence);
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    return runSearch(this.backend, query, this.config);
  }

  /**
   * Deletes a document's chunks and erases their postings, in one transaction under the knowledge base's lock, and
   * destroys the document's key before the commit: whatever PostgreSQL keeps of its text (dead rows, TOAST, WAL,
   * backups) is unreadable from then on, while the knowledge base lives on. A write of the same document waiting
   * for the lock makes a new key.
   */
  async deleteDocument(scope: IndexScope, documentId: string, fence?: TransactionalWrite): Promise<number> {
    return this.inTransaction(async (tx) => {
      await holdFence(tx, fence);
      const kb = await this.keywords.lockBase(tx, scope);
      const gone = (
        await tx.query(
          `DELETE FROM knowledge_chunks WHERE account_id = $1 AND knowledge_base_id = $2 AND document_id = $3
           RETURNING pk::float8 AS key, ${SEALED_COLUMNS}`,
          [scope.accountId, scope.knowledgeBaseId, documentId],
        )
      ).rows as SealedRow[];
      // Without a key (only if it was destroyed by hand) the chunks still go; their postings point at nothing.
      const sealer = await this.sealer(scope, false);
      if (kb !== undefined && sealer) await this.keywords.remove(tx, kb, await this.opened(scope, gone), sealer);
      await this.keys.destroy(documentKeyName(scope, documentId));
      return gone.length;
    });
  }

  /**
   * Deletes whole knowledge bases: their rows are locked first (in one order), so an ingestion in flight either
   * finishes before the delete or starts after it, and their postings go with their row (ON DELETE CASCADE). Their
   * keys are destroyed before the commit, while the rows are still locked: what PostgreSQL keeps of them on disk is
   * unreadable from then on, and a write waiting for the lock seals with a new key.
   */
  private deleteBases(where: string, params: unknown[], destroyKeys: () => Promise<unknown>): Promise<number> {
    return this.inTransaction(async (tx) => {
      await tx.query(`SELECT kb FROM knowledge_index_bases WHERE ${where} ORDER BY kb FOR UPDATE`, params);
      const rows = (
        await tx.query(
          `WITH gone AS (DELETE FROM knowledge_chunks WHERE ${where} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
          params,
        )
      ).rows as { n: number }[];
      await tx.query(`DELETE FROM knowledge_index_bases WHERE ${where}`, params);
      await destroyKeys();
      return rows[0]?.n ?? 0;
    });
  }

  deleteKnowledgeBase(scope: IndexScope): Promise<number> {
    return this.deleteBases(
      "account_id = $1 AND knowledge_base_id = $2",
      [scope.accountId, scope.knowledgeBaseId],
      () => this.keys.destroyPrefix(keyName(scope), true),
    );
  }

  deleteAccount(accountId: string): Promise<number> {
    return this.deleteBases("account_id = $1", [accountId], () =>
      this.keys.destroyPrefix(accountKeyPrefix(accountId), false),
    );
  }

  /**
   * VACUUM of the index's tables, index cleanup forced: PostgreSQL skips cleaning indexes when few pages hold dead
   * rows, and a deleted row's keyed terms and ids would linger in `knowledge_postings_pkey` and the vector indexes.
   * Runs outside any transaction (VACUUM cannot run in one), from the maintenance job after deletions.
   */
  async reclaim(): Promise<void> {
    const vectors = await this.rows<{ t: string }>(
      `SELECT c.relname AS t FROM pg_class c WHERE c.relkind = 'r' AND c.relname LIKE 'knowledge\\_vectors\\_%'
         AND c.relnamespace = current_schema()::regnamespace ORDER BY 1`,
    );
    const tables = ["knowledge_chunks", "knowledge_postings", "knowledge_index_bases", ...vectors.map((r) => r.t)];
    await this.db.query(`VACUUM (INDEX_CLEANUP ON) ${tables.join(", ")}`);
  }
}
