import { ApiError } from "../errors.js";
import type { JobHandler } from "../jobs/worker.js";
import { requireDocument, requireKnowledgeBase, requireWritable } from "./access.js";
import { resolveChunking } from "./chunk.js";
import type { KnowledgeDeps, RequestMeta } from "./deps.js";
import type { KnowledgeDocument } from "./document-store.js";
import type { QueryTicket } from "./embedders/scheduler.js";
import { type AddResult, Ingestion, type Upload } from "./ingestion.js";
import { IngestionJobs } from "./ingestion-jobs.js";
import type { KnowledgeBase, Owner } from "./knowledge-base-store.js";
import { type DeletionReceipt, KnowledgePurge } from "./purge.js";
import type { MetadataValue } from "./search/search-index.js";
import { KnowledgeSearch, type QueryInput, type QueryOutcome } from "./search.js";

/**
 * Knowledge bases end to end, the one entry the routes and the app use: knowledge-base records and their access rules
 * here; uploads and crawls in `ingestion.ts`, their background jobs in `ingestion-jobs.ts`, searches in `search.ts`,
 * deletion in `purge.ts`. Searches cost one credit; deletions are free and erase everything.
 */
export class KnowledgeService {
  private readonly purge: KnowledgePurge;
  private readonly ingestion: Ingestion;
  private readonly jobs: IngestionJobs;
  private readonly search: KnowledgeSearch;

  constructor(private readonly deps: KnowledgeDeps) {
    this.purge = new KnowledgePurge(deps);
    this.ingestion = new Ingestion(deps, this.purge);
    this.jobs = new IngestionJobs(deps, this.ingestion);
    this.search = new KnowledgeSearch(deps);
  }

  get embedderId(): string {
    return this.deps.embedder.id;
  }

  listKnowledgeBases(owner: Owner): Promise<KnowledgeBase[]> {
    return this.deps.knowledgeBases.listKnowledgeBases(owner);
  }

  requireKnowledgeBase(owner: Owner, kbId: string): Promise<KnowledgeBase> {
    return requireKnowledgeBase(this.deps.knowledgeBases, owner, kbId);
  }

  async createKnowledgeBase(
    owner: Owner,
    input: {
      name: string;
      description?: string;
      chunking?: { chunkTokens?: number; overlapTokens?: number };
      /** The owner's choice of scope (a site of the account, checked by the caller, or null for every site). */
      siteId?: string | null;
    },
  ): Promise<KnowledgeBase> {
    const chunking = resolveChunking(input.chunking ?? {});
    return this.deps.knowledgeBases.createKnowledgeBase(owner, {
      name: input.name,
      description: input.description,
      embeddingModel: this.deps.embedder.id,
      ...chunking,
      // A site's key creates its own site's; the owner creates shared ones unless they name a site.
      siteId: owner.siteId ?? input.siteId ?? null,
    });
  }

  /** The knowledge base when this caller may change it (a site's key: its own site's only), else 403/404. */
  requireWritableKnowledgeBase(owner: Owner, kbId: string): Promise<KnowledgeBase> {
    return requireWritable(this.deps.knowledgeBases, owner, kbId);
  }

  /** Renames a knowledge base or moves it to another scope; the account owner's alone. */
  async updateKnowledgeBase(
    owner: Owner,
    kbId: string,
    input: { name?: string; siteId?: string | null },
  ): Promise<KnowledgeBase> {
    await requireWritable(this.deps.knowledgeBases, owner, kbId);
    if (owner.siteId && input.siteId !== undefined)
      throw new ApiError("FORBIDDEN", "only the account owner can change who may use a knowledge base");
    await this.deps.knowledgeBases.updateKnowledgeBase(owner.accountId, kbId, input);
    return this.requireKnowledgeBase(owner, kbId);
  }

  listDocuments(owner: Owner, kbId: string, page: { limit: number; before?: string }): Promise<KnowledgeDocument[]> {
    return this.deps.documents.listDocuments(owner, kbId, page);
  }

  requireDocument(owner: Owner, kbId: string, docId: string): Promise<KnowledgeDocument> {
    return requireDocument(this.deps.documents, owner, kbId, docId);
  }

  addDocument(
    owner: Owner,
    kbId: string,
    upload: Upload,
    options: { metadata: Record<string, MetadataValue>; name?: string } & RequestMeta<KnowledgeDocument>,
  ): Promise<AddResult> {
    return this.ingestion.addDocument(owner, kbId, upload, options);
  }

  /** A search's place in the model's queue, or its refusal (503/429), decided before any database work. */
  admitQuery(owner: Owner, kbId: string, input: QueryInput, signal?: AbortSignal): QueryTicket | undefined {
    return this.search.admit(owner, kbId, input, signal);
  }

  /** Searches; `ticket` (from `admitQuery`) is the query's place in the model's queue, cancelled if it does not run. */
  query(
    owner: Owner,
    kbId: string,
    input: QueryInput,
    meta: RequestMeta<QueryOutcome> & { signal?: AbortSignal; ticket?: QueryTicket },
  ): Promise<QueryOutcome> {
    return this.search.query(owner, kbId, input, meta);
  }

  /** Background jobs of this domain. */
  jobHandlers(): Record<string, JobHandler> {
    return this.jobs.jobHandlers();
  }

  /** Queues re-embedding of the knowledge bases built with another embedding model than the configured one. */
  scheduleReembedding(): Promise<number> {
    return this.jobs.scheduleReembedding();
  }

  /** Deletes one document for good: its chunks, vectors and keyword entries, its pending upload, its jobs. */
  async deleteDocument(owner: Owner, kbId: string, docId: string): Promise<DeletionReceipt> {
    await requireWritable(this.deps.knowledgeBases, owner, kbId);
    const doc = await requireDocument(this.deps.documents, owner, kbId, docId);
    return this.purge.purgeDocuments(owner.accountId, kbId, [doc]);
  }

  async deleteKnowledgeBase(owner: Owner, kbId: string): Promise<DeletionReceipt> {
    const kb = await requireWritable(this.deps.knowledgeBases, owner, kbId);
    return this.purge.purgeKnowledgeBase(owner.accountId, kb.id);
  }

  /** Every knowledge base restricted to one site (what that site's `DELETE /v1/data` removes). */
  purgeSite(accountId: string, siteId: string): Promise<DeletionReceipt & { knowledgeBaseIds: string[] }> {
    return this.purge.purgeSite(accountId, siteId);
  }

  /** Everything the account has in knowledge bases. */
  purgeAccount(accountId: string): Promise<DeletionReceipt> {
    return this.purge.purgeAccount(accountId);
  }
}
