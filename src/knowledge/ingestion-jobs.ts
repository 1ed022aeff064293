import { embedMc } from "../credits/quotes.js";
import { ApiError } from "../errors.js";
import { FinalJobError, type JobContext, type JobHandler } from "../jobs/worker.js";
import type { KnowledgeDeps } from "./deps.js";
import { documentEvent } from "./document-events.js";
import type { KnowledgeDocument } from "./document-store.js";
import { keepText, readText, textBlob } from "./document-text.js";
import { billableTokens } from "./extract/index.js";
import { contentHash, extractSite } from "./ingest.js";
import { type Ingestion, indexStoredDocument } from "./ingestion.js";

/**
 * The knowledge domain's background jobs: indexing a large upload, crawling a site, and re-embedding a knowledge base
 * after the embedding model changed. A job resumes after a restart; its hold belongs to the job, not to a request.
 */
export class IngestionJobs {
  constructor(
    private readonly deps: KnowledgeDeps,
    private readonly ingestion: Ingestion,
  ) {}

  /** Background jobs of this domain. */
  jobHandlers(): Record<string, JobHandler> {
    return {
      "knowledge.ingest": {
        run: (ctx) => this.runIngestJob(ctx),
        giveUp: (job, error) => this.failJobDocument(job.accountId, String(job.payload.docId), error),
      },
      "knowledge.crawl": {
        run: (ctx) => this.runCrawlJob(ctx),
        giveUp: (job, error) => this.failJobDocument(job.accountId, String(job.payload.docId), error),
      },
      "knowledge.reembed": {
        run: (ctx) => this.runReembedJob(ctx),
        // Searches keep using keywords for this knowledge base; the next start queues it again.
        giveUp: async () => {},
      },
    };
  }

  /**
   * Queues re-embedding of every knowledge base whose vectors came from another model than the configured one (an
   * operator changed EMBEDDING_PROVIDER). Until its job finishes, such a knowledge base is searched by keywords.
   */
  async scheduleReembedding(): Promise<number> {
    let queued = 0;
    for (const kb of await this.deps.knowledgeBases.knowledgeBasesWithModelOtherThan(this.deps.embedder.id)) {
      if (await this.deps.jobs.hasPending("knowledge.reembed", kb.accountId, kb.id)) continue;
      await this.deps.jobs.enqueue({
        kind: "knowledge.reembed",
        accountId: kb.accountId,
        subjectId: kb.id,
        payload: { knowledgeBaseId: kb.id, model: this.deps.embedder.id },
      });
      queued++;
    }
    if (queued) this.deps.onQueued?.();
    return queued;
  }

  /**
   * Rebuilds a knowledge base's vectors with the configured model, from each document's stored text. Free. A large
   * one is a bulk load (`SearchIndex.bulkLoad`): on PostgreSQL with pgvector the shared HNSW index is built after
   * its rows rather than walked once per row.
   */
  private async runReembedJob({ job, signal, fence }: JobContext): Promise<void> {
    const kbId = String(job.payload.knowledgeBaseId);
    const kb = await this.deps.knowledgeBases.getKnowledgeBase({ accountId: job.accountId, siteId: null }, kbId);
    if (!kb || kb.embeddingModel === this.deps.embedder.id) return;
    const docs: KnowledgeDocument[] = [];
    for (const { id } of await this.deps.documents.documentIds(job.accountId, kbId)) {
      const doc = await this.deps.documents.getDocumentById(job.accountId, id);
      if (doc?.status === "ready" && !doc.duplicateOf) docs.push(doc);
    }
    const reembed = async () => {
      for (const doc of docs) {
        const extracted = await readText(this.deps.blobs, job.accountId, doc.id);
        if (!extracted) continue; // its text is gone; keyword search still finds it
        await indexStoredDocument(this.deps, kb, doc, extracted, {
          signal,
          fence,
          onBatch: async () => (await this.deps.documents.getDocumentById(job.accountId, doc.id)) !== undefined,
        }).catch((error) => {
          // A document deleted meanwhile is simply skipped.
          if (!(error instanceof ApiError && error.code === "NOT_FOUND")) throw error;
        });
      }
    };
    const { index, embedder } = this.deps;
    const chunks = docs.reduce((n, d) => n + (d.chunks ?? 0), 0);
    // Its words may wait for its end: nothing is charged in it, and it runs again until it has ended.
    await index.bulkLoad({ chunks, dimensions: embedder.dimensions, wordsAtEnd: true }, reembed);
    await this.deps.knowledgeBases.setEmbeddingModel(kbId, this.deps.embedder.id);
  }

  private async failJobDocument(accountId: string, docId: string, error: unknown): Promise<void> {
    const doc = await this.deps.documents.getDocumentById(accountId, docId);
    if (!doc) return;
    if (doc.holdId)
      await this.deps.ledger.release({ accountId, holdId: doc.holdId, reason: "ingestion failed" }).catch(() => {});
    await this.deps.blobs.delete(textBlob(accountId, docId));
    const api = error instanceof ApiError ? error : undefined;
    const failed = {
      status: "failed" as const,
      errorCode: api?.code ?? "INTERNAL",
      error: api?.message ?? (error as Error).message ?? "ingestion failed",
    };
    const { documents, outbox } = this.deps;
    const kb = await this.deps.knowledgeBases.getKnowledgeBase({ accountId, siteId: null }, doc.knowledgeBaseId);
    await documents.transaction(async (inTx, tx) => {
      if (!(await inTx.updateDocument(accountId, docId, failed)) || !outbox || !kb) return;
      // Internal failures are described, not quoted: their messages are not written for customers.
      const error = api?.message ?? "The document could not be processed; try adding it again";
      await outbox.insert(tx, documentEvent(kb, doc, { status: "failed", error }));
    });
  }

  private async runIngestJob({ job, signal, fence }: JobContext): Promise<void> {
    const docId = String(job.payload.docId);
    const doc = await this.deps.documents.getDocumentById(job.accountId, docId);
    if (!doc) return; // deleted before it was indexed
    // Indexed and charged by an attempt that stopped before marking its job done (or lost its lease doing so).
    if (doc.status === "ready") return;
    const kb = await this.deps.knowledgeBases.getKnowledgeBase(
      { accountId: job.accountId, siteId: null },
      doc.knowledgeBaseId,
    );
    if (!kb) return;
    const extracted = await readText(this.deps.blobs, job.accountId, docId);
    if (!extracted) throw new FinalJobError("the uploaded text is missing");
    let holdId = doc.holdId;
    const hold = holdId ? await this.deps.ledger.getHold(job.accountId, holdId) : undefined;
    if (hold?.status === "captured") return; // charged meanwhile by another attempt: never charge a document twice
    // Counted once: ~2 s for a 10 MB text.
    const tokens = billableTokens(extracted);
    if (hold?.status !== "open") holdId = await this.reserveForJob(job.id, doc, tokens);
    // A large upload is a bulk load (on PostgreSQL with pgvector: the shared HNSW index built after its rows; its
    // words written as whole postings blocks before its charge); its chunk count is estimated from its tokens and
    // the knowledge base's chunking.
    const chunks = Math.ceil(tokens / Math.max(1, kb.chunkTokens - kb.overlapTokens));
    const index = () => this.ingestion.indexAndCharge(kb, doc, extracted, holdId!, { signal, fence });
    const { index: searchIndex, embedder } = this.deps;
    try {
      await searchIndex.bulkLoad({ chunks, dimensions: embedder.dimensions, wordsAtEnd: true }, index);
    } catch (error) {
      if (error instanceof ApiError) throw new FinalJobError(error.message, { cause: error });
      throw error;
    }
  }

  /** A resumed job whose hold expired while the service was down reserves again (or fails, unpaid). */
  private async reserveForJob(jobId: string, doc: KnowledgeDocument, tokens: number): Promise<string> {
    try {
      const { hold } = await this.deps.metering.reserve({
        accountId: doc.accountId,
        maxMc: embedMc(this.deps.pricing(), tokens),
        operation: "training.embed",
        owner: `job:${jobId}`,
        cause: { reference: doc.id, quantity: { tokens } },
      });
      await this.deps.documents.updateDocument(doc.accountId, doc.id, { holdId: hold.id, tokens });
      return hold.id;
    } catch (error) {
      throw new FinalJobError((error as Error).message, { cause: error });
    }
  }

  private async runCrawlJob({ job, signal, fence }: JobContext): Promise<void> {
    const { docId, url, maxPages, maxDepth } = job.payload as {
      docId: string;
      url: string;
      maxPages: number;
      maxDepth: number;
    };
    const { documents } = this.deps;
    const doc = await documents.getDocumentById(job.accountId, docId);
    // Deleted, or read and charged (or found a duplicate) by an attempt that stopped before marking its job done.
    if (!doc || doc.status === "ready") return;
    const kb = await this.deps.knowledgeBases.getKnowledgeBase(
      { accountId: job.accountId, siteId: null },
      doc.knowledgeBaseId,
    );
    if (!kb) return;
    await documents.updateDocument(job.accountId, docId, { status: "processing", progress: 0 });
    let site: Awaited<ReturnType<typeof extractSite>>;
    try {
      site = await extractSite({
        url,
        maxPages,
        maxDepth,
        limits: this.deps.settings.crawlLimits,
        extractLimits: this.deps.settings.extractLimits,
        deps: this.deps.crawlDeps,
        signal,
        onPage: (n) => void documents.updateDocument(job.accountId, docId, { pages: n }).catch(() => {}),
      });
    } catch (error) {
      if (error instanceof ApiError) throw new FinalJobError(error.message, { cause: error });
      throw error;
    }
    const hash = contentHash(site.doc);
    const same = await documents.findByHash(kb.id, "content_hash", hash, docId);
    const tokens = billableTokens(site.doc);
    if (same) {
      const duplicate = {
        status: "ready" as const,
        progress: 1,
        contentHash: hash,
        duplicateOf: same.id,
        pages: site.doc.pages ?? null,
        pageUrls: site.pageUrls,
        tokens,
        chunks: 0,
        chargedMc: 0,
      };
      const { outbox } = this.deps;
      await documents.transaction(async (inTx, tx) => {
        if ((await inTx.updateDocument(job.accountId, docId, duplicate)) && outbox)
          await outbox.insert(tx, documentEvent(kb, doc, { status: "ready", chargedMc: 0 }));
      });
      return;
    }
    await documents.updateDocument(job.accountId, docId, {
      contentHash: hash,
      pages: site.doc.pages ?? null,
      pageUrls: site.pageUrls,
    });
    await keepText(this.deps.blobs, job.accountId, docId, site.doc);
    // A crawl read again is priced again: the hold of an attempt that stopped (the service shut down) goes first.
    if (doc.holdId)
      await this.deps.ledger.release({
        accountId: job.accountId,
        holdId: doc.holdId,
        reason: "the crawl started again",
      });
    const holdId = await this.reserveForJob(job.id, doc, tokens);
    try {
      await this.ingestion.indexAndCharge(kb, doc, site.doc, holdId, { signal, fence });
    } catch (error) {
      if (error instanceof ApiError) throw new FinalJobError(error.message, { cause: error });
      throw error;
    }
  }
}
