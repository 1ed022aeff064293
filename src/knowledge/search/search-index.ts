import type { TransactionalWrite } from "../../db/sql.js";

/** Everything the index stores is scoped to one account and one knowledge base. */
export interface IndexScope {
  accountId: string;
  knowledgeBaseId: string;
}

export type MetadataValue = string | number | boolean;

export interface IndexedChunk {
  /** `chk_…` */
  id: string;
  documentId: string;
  /** Ordinal of the chunk within its document, from 0. */
  position: number;
  text: string;
  page?: number;
  heading?: string;
  /** The document's metadata, copied onto each chunk so filters run inside the index query. */
  metadata?: Record<string, MetadataValue>;
  vector: Float32Array;
}

export type SearchMode = "hybrid" | "semantic" | "keyword";

export interface SearchQuery extends IndexScope {
  text: string;
  /** The query's embedding; required for semantic and hybrid modes. */
  vector?: Float32Array;
  mode: SearchMode;
  topK: number;
  filter?: { documentIds?: string[]; metadata?: Record<string, MetadataValue> };
}

export interface SearchHit {
  chunkId: string;
  documentId: string;
  position: number;
  text: string;
  page?: number;
  heading?: string;
  /** Higher is better; comparable only within one result list. */
  score: number;
  /**
   * Cosine similarity of the query's and the passage's vectors (semantic and hybrid modes): it means the same across
   * queries, so a caller may set a threshold on it. Absent for keyword searches.
   */
  similarity?: number;
}

/**
 * Semantic + keyword index of chunks. Every read and delete is scoped to its owner inside the storage query itself,
 * never by filtering results afterwards.
 *
 * A write made for a background job passes its lease's `fence` (`JobQueue.leaseFence`): the fence runs first in the
 * write's own transaction on the service's database, and when it changes no row (the job was taken over) the write
 * throws `StaleWriteError` and changes nothing. So a stale worker's batch in flight cannot land after the worker that
 * took over cleaned the document up and began again.
 */
/** What `SearchIndex.bulkLoad` is told of a load. */
export interface BulkLoadSize {
  chunks: number;
  dimensions: number;
  wordsAtEnd?: boolean;
}

export interface SearchIndex {
  addChunks(scope: IndexScope, chunks: IndexedChunk[], fence?: TransactionalWrite): Promise<void>;
  search(query: SearchQuery): Promise<SearchHit[]>;
  /** Each delete returns how many chunks it removed; the text, vectors and keyword entries are gone from storage. */
  deleteDocument(scope: IndexScope, documentId: string, fence?: TransactionalWrite): Promise<number>;
  deleteKnowledgeBase(scope: IndexScope): Promise<number>;
  deleteAccount(accountId: string): Promise<number>;
  /**
   * Runs `load`, a bulk operation of many `addChunks` (a re-embedding, a restore, a large new knowledge base) of
   * about `chunks` vectors of `dimensions`; an engine may build its vector index after the rows instead of per row
   * (PostgreSQL with pgvector, when the load is large); others simply run it.
   *
   * `wordsAtEnd`: the load's keyword entries may be written when it ends (PostgreSQL: whole postings blocks instead
   * of rewriting each term's last block per batch), its chunks found by their words only then — or once
   * `flushWords` has run for their knowledge base. A load that commits something a customer relies on inside it (an
   * upload is charged and turns ready in its load) calls `flushWords` first; one that runs again if it dies (a
   * re-embedding) need not.
   */
  bulkLoad<T>(size: BulkLoadSize, load: () => Promise<T>): Promise<T>;
  /**
   * Inside a `wordsAtEnd` bulk load: writes the keyword entries it holds back for the knowledge base, behind `fence`,
   * so everything it added there is findable by its words from the commit on. Elsewhere (and on engines that hold
   * nothing back) it does nothing.
   */
  flushWords?(scope: IndexScope, fence?: TransactionalWrite): Promise<void>;
  /**
   * Makes the space of deleted rows reusable, in the heap and in every index (PostgreSQL: VACUUM). Engines that erase
   * on delete (SQLite: secure_delete) have nothing to do.
   */
  reclaim?(): Promise<void>;
  close?(): Promise<void>;
}
