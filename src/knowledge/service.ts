import type { Ledger, LedgerWrite } from "../credits/ledger.js";
import type { Metering } from "../credits/metering.js";
import type { Pricing } from "../credits/pricing.js";
import { embedMc, queryMc } from "../credits/quotes.js";
import { ApiError } from "../errors.js";
import type { JobQueue } from "../jobs/queue.js";
import { FinalJobError, type JobContext, type JobHandler } from "../jobs/worker.js";
import { newId } from "../lib/ids.js";
import type { BlobStore } from "../storage/blob-store.js";
import { chunkDocument, resolveChunking } from "./chunk.js";
import type { CrawlDeps } from "./crawl/crawler.js";
import { validateCrawlUrl } from "./crawl/crawler.js";
import type { Embedder } from "./embedders/embedder.js";
import {
  billableTokens,
  type ExtractedDocument,
  type ExtractLimits,
  extractDocument,
  extractText,
} from "./extract/index.js";
import { type CrawlLimits, contentHash, extractSite, indexDocument, sha256 } from "./ingest.js";
import type { MetadataValue, SearchHit, SearchIndex, SearchMode } from "./search/search-index.js";
import type { KnowledgeBase, KnowledgeDocument, KnowledgeStore, Owner } from "./store.js";

export interface KnowledgeSettings {
  extractLimits: ExtractLimits;
  crawlLimits: CrawlLimits;
  /** Documents of at most this many chunks are indexed within the request; larger ones become background jobs. */
  inlineMaxChunks: number;
  holdTtlMs: number;
}

export interface RequestMeta<Outcome = never> {
  ledgerKey?: string;
  requestId?: string;
  /** Writes to commit with the charge, given the outcome (the request's stored idempotent reply). */
  writes?: (outcome: Outcome) => LedgerWrite[];
}

export interface DeletionReceipt {
  knowledgeBases: number;
  documents: number;
  chunks: number;
  files: number;
  bytes: number;
}

export const emptyReceipt = (): DeletionReceipt => ({ knowledgeBases: 0, documents: 0, chunks: 0, files: 0, bytes: 0 });

type Upload =
  | { kind: "file"; bytes: Buffer; filename?: string; contentType?: string }
  | { kind: "text"; text: string; name: string }
  | { kind: "url"; url: string; maxPages: number; maxDepth: number };

export type AddResult = { document: KnowledgeDocument; created: boolean };

export type DescribedHit = SearchHit & { documentName: string; url?: string };

/**
 * A document's extracted text (its blocks, pages and headings) is kept as a blob for as long as the document lives:
 * background jobs read it, and a change of embedding model re-embeds from it. Deleting the document deletes it.
 */
const textBlob = (accountId: string, docId: string) => `${accountId}/documents/${docId}.json`;

/**
 * Knowledge bases end to end: uploads are extracted and priced in the request (so a document that cannot be paid is
 * refused with 402 before anything is stored), indexed at once when small or by a background job when large, and
 * charged exactly per token through a hold. Searches cost one credit; deletions are free and erase everything.
 */
export class KnowledgeService {
  constructor(
    private readonly deps: {
      store: KnowledgeStore;
      index: SearchIndex;
      embedder: Embedder;
      metering: Metering;
      ledger: Ledger;
      pricing: () => Pricing;
      blobs: BlobStore;
      jobs: JobQueue;
      settings: KnowledgeSettings;
      crawlDeps?: CrawlDeps;
      /** Wakes this process's job worker. */
      onQueued?: () => void;
      /** Makes deletions final on disk (SQLite: checkpoint and truncate the WAL). */
    },
  ) {}

  listKnowledgeBases(owner: Owner): Promise<KnowledgeBase[]> {
    return this.deps.store.listKnowledgeBases(owner);
  }

  listDocuments(owner: Owner, kbId: string, page: { limit: number; before?: string }): Promise<KnowledgeDocument[]> {
    return this.deps.store.listDocuments(owner, kbId, page);
  }

  async requireDocument(owner: Owner, kbId: string, docId: string): Promise<KnowledgeDocument> {
    const doc = await this.deps.store.getDocument(owner, kbId, docId);
    if (!doc) throw new ApiError("NOT_FOUND", `no document ${docId} in knowledge base ${kbId}`);
    return doc;
  }

  get embedderId(): string {
    return this.deps.embedder.id;
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
    return this.deps.store.createKnowledgeBase(owner, {
      name: input.name,
      description: input.description,
      embeddingModel: this.deps.embedder.id,
      ...chunking,
      // A site's key creates its own site's; the owner creates shared ones unless they name a site.
      siteId: owner.siteId ?? input.siteId ?? null,
    });
  }

  async requireKnowledgeBase(owner: Owner, kbId: string): Promise<KnowledgeBase> {
    const kb = await this.deps.store.getKnowledgeBase(owner, kbId);
    if (!kb) throw new ApiError("NOT_FOUND", `no knowledge base ${kbId}`);
    return kb;
  }

  /** A knowledge base the caller may change: the owner any of the account's, a site's key only its own site's. */
  async requireWritable(owner: Owner, kbId: string): Promise<KnowledgeBase> {
    const kb = await this.requireKnowledgeBase(owner, kbId);
    if (owner.siteId && kb.siteId !== owner.siteId)
      throw new ApiError(
        "FORBIDDEN",
        "this knowledge base is shared by every site of the account: a site can search it, only the account owner can change it",
      );
    return kb;
  }

  /** Renames a knowledge base or moves it to another scope; the account owner's alone. */
  async updateKnowledgeBase(
    owner: Owner,
    kbId: string,
    input: { name?: string; siteId?: string | null },
  ): Promise<KnowledgeBase> {
    await this.requireWritable(owner, kbId);
    if (owner.siteId && input.siteId !== undefined)
      throw new ApiError("FORBIDDEN", "only the account owner can change who may use a knowledge base");
    await this.deps.store.updateKnowledgeBase(owner.accountId, kbId, input);
    return this.requireKnowledgeBase(owner, kbId);
  }

  async addDocument(
    owner: Owner,
    kbId: string,
    upload: Upload,
    options: { metadata: Record<string, MetadataValue>; name?: string } & RequestMeta<KnowledgeDocument>,
  ): Promise<AddResult> {
    const kb = await this.requireWritable(owner, kbId);
    const { store } = this.deps;
    if (upload.kind === "url") return this.addUrl(owner, kb, upload, options);

    const raw = upload.kind === "file" ? upload.bytes : Buffer.from(upload.text, "utf8");
    const sourceHash = sha256(raw);
    const same = await store.findByHash(kb.id, "source_hash", sourceHash);
    if (same) return { document: same, created: false };

    const extracted =
      upload.kind === "file"
        ? await extractDocument(
            { bytes: upload.bytes, filename: upload.filename, contentType: upload.contentType },
            this.deps.settings.extractLimits,
          )
        : extractText(upload.text, upload.name);
    const hash = contentHash(extracted);
    const sameContent = await store.findByHash(kb.id, "content_hash", hash);
    if (sameContent) return { document: sameContent, created: false };

    const tokens = billableTokens(extracted);
    const name =
      options.name ?? (upload.kind === "file" ? (upload.filename ?? extracted.title ?? "document") : upload.name);
    const docId = newId("doc");
    const jobId = newId("job");
    const chunkCount = chunkDocument(extracted, kb).length;
    const inline = chunkCount <= this.deps.settings.inlineMaxChunks;
    // The hold belongs to the document's job (not to this request), so it survives restarts while the job resumes.
    const { hold } = await this.deps.metering.reserve({
      accountId: owner.accountId,
      maxMc: embedMc(this.deps.pricing(), tokens),
      operation: "training.embed",
      idemKey: options.ledgerKey,
      owner: inline ? undefined : `job:${jobId}`,
      cause: { requestId: options.requestId, reference: docId, quantity: { tokens } },
    });
    let document: KnowledgeDocument;
    try {
      document = await store.insertDocument({
        id: docId,
        accountId: owner.accountId,
        knowledgeBaseId: kb.id,
        name: name.slice(0, 300),
        source: upload.kind,
        sourceUrl: null,
        mimeType: extracted.mimeType,
        sourceHash,
        contentHash: hash,
        status: inline ? "processing" : "queued",
        progress: 0,
        bytes: raw.length,
        pages: extracted.pages ?? null,
        pageUrls: null,
        tokens,
        chunks: null,
        chargedMc: 0,
        holdId: hold.id,
        duplicateOf: null,
        metadata: options.metadata,
        errorCode: null,
        error: null,
      });
      await this.keepText(owner.accountId, docId, extracted);
      if (!inline) {
        await this.deps.jobs.enqueue({
          id: jobId,
          kind: "knowledge.ingest",
          accountId: owner.accountId,
          subjectId: docId,
          payload: { docId },
        });
        this.deps.onQueued?.();
        return { document, created: true };
      }
    } catch (error) {
      await this.deps.metering.release(hold, "the upload could not be stored").catch(() => {});
      await store.deleteDocumentRow(owner.accountId, docId).catch(() => {});
      await this.deps.blobs.delete(textBlob(owner.accountId, docId)).catch(() => {});
      throw error;
    }
    try {
      await this.indexAndCharge(kb, document, extracted, hold.id, undefined, options.writes);
    } catch (error) {
      // Indexed within the request: a failure leaves nothing behind (the hold was released).
      await this.purgeDocuments(owner.accountId, kb.id, [{ id: docId }]);
      throw error;
    }
    return { document: (await store.getDocumentById(owner.accountId, docId))!, created: true };
  }

  private async addUrl(
    owner: Owner,
    kb: KnowledgeBase,
    upload: Extract<Upload, { kind: "url" }>,
    options: { metadata: Record<string, MetadataValue>; name?: string } & RequestMeta,
  ): Promise<AddResult> {
    // Refuse hostile addresses now (422), before anything is queued; the crawler checks every hop again.
    await validateCrawlUrl(upload.url, this.deps.crawlDeps);
    const balance = await this.deps.ledger.balance(owner.accountId);
    if (balance.availableMc <= 0)
      throw new ApiError("INSUFFICIENT_CREDITS", "crawling a site needs credits to index what it finds", {
        neededCredits: 0.001,
        availableCredits: 0,
      });
    const docId = newId("doc");
    const document = await this.deps.store.insertDocument({
      id: docId,
      accountId: owner.accountId,
      knowledgeBaseId: kb.id,
      name: (options.name ?? upload.url).slice(0, 300),
      source: "url",
      sourceUrl: upload.url,
      mimeType: "text/html",
      sourceHash: sha256(`url:${upload.url}:${Date.now()}`),
      contentHash: null,
      status: "queued",
      progress: 0,
      bytes: 0,
      pages: null,
      pageUrls: null,
      tokens: null,
      chunks: null,
      chargedMc: 0,
      holdId: null,
      duplicateOf: null,
      metadata: options.metadata,
      errorCode: null,
      error: null,
    });
    await this.deps.jobs.enqueue({
      kind: "knowledge.crawl",
      accountId: owner.accountId,
      subjectId: docId,
      payload: {
        docId,
        url: upload.url,
        maxPages: upload.maxPages,
        maxDepth: upload.maxDepth,
        requestId: options.requestId,
      },
    });
    this.deps.onQueued?.();
    return { document, created: true };
  }

  /** Embeds and indexes, then captures the hold: exactly the document's tokens. Failure releases everything. */
  private async indexAndCharge(
    kb: KnowledgeBase,
    doc: KnowledgeDocument,
    extracted: ExtractedDocument,
    holdId: string,
    signal?: AbortSignal,
    /** Writes to commit with the charge, given the document as it will read once ready. */
    writes?: (ready: KnowledgeDocument) => LedgerWrite[],
  ): Promise<void> {
    const { store, metering, ledger } = this.deps;
    const hold = await ledger.getHold(doc.accountId, holdId);
    if (hold?.status !== "open") throw new FinalJobError(`the hold of ${doc.id} is no longer open`);
    try {
      await store.updateDocument(doc.accountId, doc.id, { status: "processing" });
      const { chunks } = await indexDocument({
        scope: { accountId: doc.accountId, knowledgeBaseId: kb.id },
        documentId: doc.id,
        extracted,
        chunking: kb,
        metadata: doc.metadata,
        embedder: this.deps.embedder,
        index: this.deps.index,
        signal,
        onBatch: async (done, total) => {
          await ledger.extendHold(holdId, Date.now() + this.deps.settings.holdTtlMs);
          return store.updateDocument(doc.accountId, doc.id, { progress: done / total });
        },
      });
      const tokens = billableTokens(extracted);
      // The price was fixed when the tokens were reserved (the quote the customer saw): charge exactly that.
      const mc = hold.amountMc;
      const ready = { ...doc, status: "ready" as const, progress: 1, chunks, tokens, chargedMc: mc };
      await metering.capture(
        hold,
        mc,
        {
          operation: "training.embed",
          reference: doc.id,
          quantity: {
            tokens,
            chunks,
            pages: extracted.pages ?? null,
            model: this.deps.embedder.id,
            knowledgeBaseId: kb.id,
          },
        },
        writes?.(ready),
      );
      const stillThere = await store.updateDocument(doc.accountId, doc.id, {
        status: "ready",
        progress: 1,
        chunks,
        tokens,
        chargedMc: mc,
      });
      // Deleted at the last moment: the deletion already ran; make sure nothing it missed stays indexed.
      if (!stillThere)
        await this.deps.index.deleteDocument({ accountId: doc.accountId, knowledgeBaseId: kb.id }, doc.id);
    } catch (error) {
      await metering.release(hold, `indexing failed: ${(error as Error).message}`.slice(0, 300)).catch(() => {});
      const api = error instanceof ApiError ? error : undefined;
      await store.updateDocument(doc.accountId, doc.id, {
        status: "failed",
        errorCode: api?.code ?? "INTERNAL",
        error: api?.message ?? "indexing failed",
      });
      throw error;
    }
  }

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
    for (const kb of await this.deps.store.knowledgeBasesWithModelOtherThan(this.deps.embedder.id)) {
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

  /** Rebuilds a knowledge base's vectors with the configured model, from each document's stored text. Free. */
  private async runReembedJob({ job, signal }: JobContext): Promise<void> {
    const kbId = String(job.payload.knowledgeBaseId);
    const kb = await this.deps.store.getKnowledgeBase({ accountId: job.accountId, siteId: null }, kbId);
    if (!kb || kb.embeddingModel === this.deps.embedder.id) return;
    for (const { id } of await this.deps.store.documentIds(job.accountId, kbId)) {
      const doc = await this.deps.store.getDocumentById(job.accountId, id);
      if (doc?.status !== "ready" || doc.duplicateOf) continue;
      const extracted = await this.readText(job.accountId, id);
      if (!extracted) continue; // its text is gone; keyword search still finds it
      await indexDocument({
        scope: { accountId: job.accountId, knowledgeBaseId: kbId },
        documentId: id,
        extracted,
        chunking: kb,
        metadata: doc.metadata,
        embedder: this.deps.embedder,
        index: this.deps.index,
        signal,
        onBatch: async () => (await this.deps.store.getDocumentById(job.accountId, id)) !== undefined,
      }).catch((error) => {
        // A document deleted meanwhile is simply skipped.
        if (!(error instanceof ApiError && error.code === "NOT_FOUND")) throw error;
      });
    }
    await this.deps.store.setEmbeddingModel(kbId, this.deps.embedder.id);
  }

  private async keepText(accountId: string, docId: string, extracted: ExtractedDocument): Promise<void> {
    await this.deps.blobs.put(textBlob(accountId, docId), Buffer.from(JSON.stringify(extracted)), "application/json");
  }

  private async readText(accountId: string, docId: string): Promise<ExtractedDocument | undefined> {
    const blob = await this.deps.blobs.get(textBlob(accountId, docId));
    return blob ? (JSON.parse(blob.toString("utf8")) as ExtractedDocument) : undefined;
  }

  private async failJobDocument(accountId: string, docId: string, error: unknown): Promise<void> {
    const doc = await this.deps.store.getDocumentById(accountId, docId);
    if (!doc) return;
    if (doc.holdId)
      await this.deps.ledger.release({ accountId, holdId: doc.holdId, reason: "ingestion failed" }).catch(() => {});
    await this.deps.blobs.delete(textBlob(accountId, docId));
    const api = error instanceof ApiError ? error : undefined;
    await this.deps.store.updateDocument(accountId, docId, {
      status: "failed",
      errorCode: api?.code ?? "INTERNAL",
      error: api?.message ?? (error as Error).message ?? "ingestion failed",
    });
  }

  private async runIngestJob({ job, signal }: JobContext): Promise<void> {
    const docId = String(job.payload.docId);
    const doc = await this.deps.store.getDocumentById(job.accountId, docId);
    if (!doc) return; // deleted before it was indexed
    const kb = await this.deps.store.getKnowledgeBase({ accountId: job.accountId, siteId: null }, doc.knowledgeBaseId);
    if (!kb) return;
    const extracted = await this.readText(job.accountId, docId);
    if (!extracted) throw new FinalJobError("the uploaded text is missing");
    let holdId = doc.holdId;
    const hold = holdId ? await this.deps.ledger.getHold(job.accountId, holdId) : undefined;
    if (hold?.status !== "open") holdId = await this.reserveForJob(job.id, doc, billableTokens(extracted));
    try {
      await this.indexAndCharge(kb, doc, extracted, holdId!, signal);
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
      await this.deps.store.updateDocument(doc.accountId, doc.id, { holdId: hold.id, tokens });
      return hold.id;
    } catch (error) {
      throw new FinalJobError((error as Error).message, { cause: error });
    }
  }

  private async runCrawlJob({ job, signal }: JobContext): Promise<void> {
    const { docId, url, maxPages, maxDepth } = job.payload as {
      docId: string;
      url: string;
      maxPages: number;
      maxDepth: number;
    };
    const { store } = this.deps;
    const doc = await store.getDocumentById(job.accountId, docId);
    if (!doc) return;
    const kb = await store.getKnowledgeBase({ accountId: job.accountId, siteId: null }, doc.knowledgeBaseId);
    if (!kb) return;
    await store.updateDocument(job.accountId, docId, { status: "processing", progress: 0 });
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
        onPage: (n) => void store.updateDocument(job.accountId, docId, { pages: n }).catch(() => {}),
      });
    } catch (error) {
      if (error instanceof ApiError) throw new FinalJobError(error.message, { cause: error });
      throw error;
    }
    const hash = contentHash(site.doc);
    const same = await store.findByHash(kb.id, "content_hash", hash, docId);
    const tokens = billableTokens(site.doc);
    if (same) {
      await store.updateDocument(job.accountId, docId, {
        status: "ready",
        progress: 1,
        contentHash: hash,
        duplicateOf: same.id,
        pages: site.doc.pages ?? null,
        pageUrls: site.pageUrls,
        tokens,
        chunks: 0,
        chargedMc: 0,
      });
      return;
    }
    await store.updateDocument(job.accountId, docId, {
      contentHash: hash,
      pages: site.doc.pages ?? null,
      pageUrls: site.pageUrls,
    });
    await this.keepText(job.accountId, docId, site.doc);
    const holdId = await this.reserveForJob(job.id, doc, tokens);
    try {
      await this.indexAndCharge(kb, doc, site.doc, holdId, signal);
    } catch (error) {
      if (error instanceof ApiError) throw new FinalJobError(error.message, { cause: error });
      throw error;
    }
  }

  async query(
    owner: Owner,
    kbId: string,
    input: {
      query: string;
      topK: number;
      mode: SearchMode;
      filter?: { documentIds?: string[]; metadata?: Record<string, MetadataValue> };
    },
    meta: RequestMeta<{ hits: DescribedHit[]; mode: SearchMode; chargedMc: number }> & { signal?: AbortSignal },
  ): Promise<{ hits: DescribedHit[]; mode: SearchMode; chargedMc: number }> {
    const kb = await this.requireKnowledgeBase(owner, kbId);
    // Vectors made by another model are not comparable with this one's: search by keywords until re-embedded.
    const mode: SearchMode = kb.embeddingModel === this.deps.embedder.id ? input.mode : "keyword";
    const { embedder, metering } = this.deps;
    // Admitted (or refused with 503/429) before any credits are held; the vector is computed meanwhile.
    const ticket =
      mode === "keyword"
        ? undefined
        : embedder.admitQuery?.({ accountId: owner.accountId, text: input.query, signal: meta.signal });
    try {
      const { result, chargedMc } = await metering.metered<DescribedHit[]>(
        {
          accountId: owner.accountId,
          maxMc: queryMc(this.deps.pricing()),
          operation: "training.query",
          idemKey: meta.ledgerKey,
          requestId: meta.requestId,
          reference: kb.id,
          writes: meta.writes && (({ chargedMc, result: hits }) => meta.writes!({ hits, mode, chargedMc })),
        },
        async () => {
          const vector =
            mode === "keyword"
              ? undefined
              : ticket
                ? await ticket.vector
                : (await embedder.embed([input.query], "query", meta.signal))[0];
          const hits = await this.deps.index.search({
            accountId: owner.accountId,
            knowledgeBaseId: kb.id,
            text: input.query,
            vector,
            mode,
            topK: input.topK,
            filter: input.filter,
          });
          const described = await this.describeHits(owner, kb.id, hits);
          // The client left before its answer: the hold is released rather than captured for a reply nobody reads.
          meta.signal?.throwIfAborted();
          return {
            result: described,
            chargeMc: queryMc(this.deps.pricing()),
            quantity: { queries: 1, mode, results: hits.length, knowledgeBaseId: kb.id },
          };
        },
      );
      return { hits: result, mode, chargedMc };
    } catch (error) {
      // Refused before its vector was needed (402, say): it leaves the model's queue.
      ticket?.cancel(error);
      throw error;
    }
  }

  private async describeHits(owner: Owner, kbId: string, hits: SearchHit[]): Promise<DescribedHit[]> {
    const docs = new Map<string, KnowledgeDocument | undefined>();
    for (const id of new Set(hits.map((h) => h.documentId)))
      docs.set(id, await this.deps.store.getDocument(owner, kbId, id));
    return hits.map((h) => {
      const doc = docs.get(h.documentId);
      const url = doc?.pageUrls?.find((p) => p.page === h.page)?.url ?? doc?.sourceUrl ?? undefined;
      return { ...h, documentName: doc?.name ?? "", url };
    });
  }

  /** Deletes one document for good: its chunks, vectors and keyword entries, its pending upload, its jobs. */
  async deleteDocument(owner: Owner, kbId: string, docId: string): Promise<DeletionReceipt> {
    await this.requireWritable(owner, kbId);
    const doc = await this.requireDocument(owner, kbId, docId);
    return this.purgeDocuments(owner.accountId, kbId, [doc]);
  }

  private async purgeDocuments(
    accountId: string,
    kbId: string,
    docs: { id: string; holdId?: string | null; status?: string }[],
  ) {
    const receipt = emptyReceipt();
    const scope = { accountId, knowledgeBaseId: kbId };
    for (const doc of docs) {
      receipt.documents += await this.deps.store.deleteDocumentRow(accountId, doc.id);
      receipt.chunks += await this.deps.index.deleteDocument(scope, doc.id);
      const bytes = await this.deps.blobs.delete(textBlob(accountId, doc.id));
      if (bytes > 0) {
        receipt.files++;
        receipt.bytes += bytes;
      }
      await this.deps.jobs.deleteForSubjects(accountId, [doc.id]);
      if (doc.holdId && doc.status !== "ready")
        await this.deps.ledger
          .release({ accountId, holdId: doc.holdId, reason: "the document was deleted" })
          .catch(() => {});
    }
    return receipt;
  }

  async deleteKnowledgeBase(owner: Owner, kbId: string): Promise<DeletionReceipt> {
    const kb = await this.requireWritable(owner, kbId);
    return this.purgeKnowledgeBase(owner.accountId, kb.id);
  }

  private async purgeKnowledgeBase(accountId: string, kbId: string): Promise<DeletionReceipt> {
    const docs = await this.deps.store.documentIds(accountId, kbId);
    const full = await Promise.all(docs.map((d) => this.deps.store.getDocumentById(accountId, d.id)));
    const receipt = await this.purgeDocuments(
      accountId,
      kbId,
      full.filter((d): d is KnowledgeDocument => d !== undefined),
    );
    receipt.chunks += await this.deps.index.deleteKnowledgeBase({ accountId, knowledgeBaseId: kbId });
    await this.deps.jobs.deleteForSubjects(accountId, [kbId]);
    await this.deps.store.deleteKnowledgeBaseRow(accountId, kbId);
    receipt.knowledgeBases++;
    return receipt;
  }

  /** Every knowledge base restricted to one site (what that site's `DELETE /v1/data` removes). */
  async purgeSite(accountId: string, siteId: string): Promise<DeletionReceipt & { knowledgeBaseIds: string[] }> {
    const receipt = emptyReceipt();
    const ids = await this.deps.store.knowledgeBaseIds(accountId, siteId);
    for (const kbId of ids) {
      const r = await this.purgeKnowledgeBase(accountId, kbId);
      for (const k of Object.keys(receipt) as (keyof DeletionReceipt)[]) receipt[k] += r[k];
    }
    return { ...receipt, knowledgeBaseIds: ids };
  }

  /** Everything the account has in knowledge bases. */
  async purgeAccount(accountId: string): Promise<DeletionReceipt> {
    const receipt = emptyReceipt();
    for (const kbId of await this.deps.store.knowledgeBaseIds(accountId)) {
      const r = await this.purgeKnowledgeBase(accountId, kbId);
      for (const k of Object.keys(receipt) as (keyof DeletionReceipt)[]) receipt[k] += r[k];
    }
    receipt.chunks += await this.deps.index.deleteAccount(accountId);
    const files = await this.deps.blobs.deletePrefix(`${accountId}/documents`);
    receipt.files += files.count;
    receipt.bytes += files.bytes;
    return receipt;
  }
}
