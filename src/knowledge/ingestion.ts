import type { LedgerWrite } from "../credits/ledger.js";
import { embedMc } from "../credits/quotes.js";
import { StaleWriteError, type TransactionalWrite } from "../db/sql.js";
import { ApiError } from "../errors.js";
import { FinalJobError } from "../jobs/worker.js";
import { newId } from "../lib/ids.js";
import { requireWritable } from "./access.js";
import { chunkDocument } from "./chunk.js";
import { queueCrawl } from "./crawl-intake.js";
import type { KnowledgeDeps, RequestMeta } from "./deps.js";
import { documentEvent } from "./document-events.js";
import type { KnowledgeDocument } from "./document-store.js";
import { keepText, textBlob } from "./document-text.js";
import { billableTokens, type ExtractedDocument, extractDocument, extractText } from "./extract/index.js";
import { contentHash, indexDocument, sha256 } from "./ingest.js";
import type { KnowledgeBase, Owner } from "./knowledge-base-store.js";
import type { KnowledgePurge } from "./purge.js";
import type { MetadataValue } from "./search/search-index.js";

export type Upload =
  | { kind: "file"; bytes: Buffer; filename?: string; contentType?: string }
  | { kind: "text"; text: string; name: string }
  | { kind: "url"; url: string; maxPages: number; maxDepth: number };

export type AddResult = { document: KnowledgeDocument; created: boolean };

/** Indexes a document of the knowledge base with the configured embedder, in its knowledge base's chunking. */
export function indexStoredDocument(
  deps: Pick<KnowledgeDeps, "embedder" | "index">,
  kb: KnowledgeBase,
  doc: KnowledgeDocument,
  extracted: ExtractedDocument,
  options: {
    signal?: AbortSignal;
    /** The job's lease (`JobQueue.leaseFence`): the index takes the document's chunks only while it holds. */
    fence?: TransactionalWrite;
    onBatch: (done: number, total: number) => Promise<boolean>;
  },
): Promise<{ chunks: number }> {
  return indexDocument({
    scope: { accountId: doc.accountId, knowledgeBaseId: kb.id },
    documentId: doc.id,
    extracted,
    chunking: kb,
    metadata: doc.metadata,
    embedder: deps.embedder,
    index: deps.index,
    ...options,
  });
}

/**
 * Uploads and crawls: an upload is extracted and priced in the request (so a document that cannot be paid is refused
 * with 402 before anything is stored), indexed at once when small or by a background job when large, and charged
 * exactly per token through a hold. A crawl is queued at once and priced by its job once the site is read.
 */
export class Ingestion {
  constructor(
    private readonly deps: KnowledgeDeps,
    private readonly purge: KnowledgePurge,
  ) {}

  async addDocument(
    owner: Owner,
    kbId: string,
    upload: Upload,
    options: { metadata: Record<string, MetadataValue>; name?: string } & RequestMeta<KnowledgeDocument>,
  ): Promise<AddResult> {
    const kb = await requireWritable(this.deps.knowledgeBases, owner, kbId);
    const { documents } = this.deps;
    if (upload.kind === "url") return queueCrawl(this.deps, owner, kb, upload, options);

    const raw = upload.kind === "file" ? upload.bytes : Buffer.from(upload.text, "utf8");
    const sourceHash = sha256(raw);
    const same = await documents.findByHash(kb.id, "source_hash", sourceHash);
    if (same) return { document: same, created: false };

    const extracted =
      upload.kind === "file"
        ? await extractDocument(
            { bytes: upload.bytes, filename: upload.filename, contentType: upload.contentType },
            this.deps.settings.extractLimits,
          )
        : extractText(upload.text, upload.name);
    const hash = contentHash(extracted);
    const sameContent = await documents.findByHash(kb.id, "content_hash", hash);
    if (sameContent) return { document: sameContent, created: false };

    const tokens = billableTokens(extracted);
    const name =
      options.name ?? (upload.kind === "file" ? (upload.filename ?? extracted.title ?? "document") : upload.name);
    const docId = newId("doc");
    const jobId = newId("job");
    // Chunked here only to choose between indexing now and a background job; a document far past that size (a chunk
    // holds at most chunkTokens) goes to its job unchunked: chunking takes ~0.7 ms a chunk, 11 s for 17,000.
    const { inlineMaxChunks } = this.deps.settings;
    const inline =
      tokens <= 2 * inlineMaxChunks * kb.chunkTokens && chunkDocument(extracted, kb).length <= inlineMaxChunks;
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
      document = await documents.insertDocument({
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
      await keepText(this.deps.blobs, owner.accountId, docId, extracted);
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
      await documents.deleteDocumentRow(owner.accountId, docId).catch(() => {});
      await this.deps.blobs.delete(textBlob(owner.accountId, docId)).catch(() => {});
      throw error;
    }
    try {
      await this.indexAndCharge(kb, document, extracted, hold.id, { writes: options.writes });
    } catch (error) {
      // Indexed within the request: a failure before the charge leaves nothing behind (the hold was released).
      const after = await documents.getDocumentById(owner.accountId, docId).catch(() => undefined);
      if (after?.status !== "ready") await this.purge.purgeDocuments(owner.accountId, kb.id, [{ id: docId }]);
      throw error;
    }
    return { document: (await documents.getDocumentById(owner.accountId, docId))!, created: true };
  }

  /**
   * Embeds and indexes, then captures the hold: exactly the document's tokens. The document turns ready in the charge's
   * own transaction, so "ready" means "charged" (what a resumed job checks). Failure before the charge releases
   * everything; after it, or once the job was stopped (`signal`) or taken over (its `fence` refused a write; it runs
   * again elsewhere), nothing is undone.
   */
  async indexAndCharge(
    kb: KnowledgeBase,
    doc: KnowledgeDocument,
    extracted: ExtractedDocument,
    holdId: string,
    options: {
      signal?: AbortSignal;
      /** The job's lease: the document's chunks are written only while it holds. */
      fence?: TransactionalWrite;
      /** Writes to commit with the charge, given the document as it will read once ready. */
      writes?: (ready: KnowledgeDocument) => LedgerWrite[];
    } = {},
  ): Promise<void> {
    const { signal, fence, writes } = options;
    const { documents, metering, ledger } = this.deps;
    const hold = await ledger.getHold(doc.accountId, holdId);
    if (hold?.status !== "open") throw new FinalJobError(`the hold of ${doc.id} is no longer open`);
    let charged = false;
    try {
      await documents.updateDocument(doc.accountId, doc.id, { status: "processing" });
      const { chunks } = await indexStoredDocument(this.deps, kb, doc, extracted, {
        signal,
        fence,
        onBatch: async (done, total) => {
          await ledger.extendHold(holdId, Date.now() + this.deps.settings.holdTtlMs);
          return documents.updateDocument(doc.accountId, doc.id, { progress: done / total });
        },
      });
      // A large upload's words, held back by its bulk load, are written before it is charged and turns ready.
      await this.deps.index.flushWords?.({ accountId: doc.accountId, knowledgeBaseId: kb.id }, fence);
      const tokens = billableTokens(extracted);
      // The price was fixed when the tokens were reserved (the quote the customer saw): charge exactly that.
      const mc = hold.amountMc;
      const ready = { ...doc, status: "ready" as const, progress: 1, chunks, tokens, chargedMc: mc };
      const readyFields = { status: "ready" as const, progress: 1, chunks, tokens, chargedMc: mc };
      // The document turns ready, and its event is written, in the charge's own transaction.
      // A job's attempt charges only while it holds the job: taken over meanwhile, it leaves the hold to the attempt
      // that took over (which cleaned this one's chunks away and is indexing again).
      const withCharge = [
        ...(fence ? [{ ...fence, keepsHold: true }] : []),
        ...(writes?.(ready) ?? []),
        documents.documentUpdate(doc.accountId, doc.id, readyFields),
      ];
      if (this.deps.outbox)
        withCharge.push(this.deps.outbox.write(documentEvent(kb, doc, { status: "ready", chargedMc: mc })));
      const cause = {
        operation: "training.embed",
        reference: doc.id,
        quantity: {
          tokens,
          chunks,
          pages: extracted.pages ?? null,
          model: this.deps.embedder.id,
          knowledgeBaseId: kb.id,
        },
      };
      await metering.capture(hold, mc, cause, withCharge);
      charged = true;
      // Deleted at the last moment: the deletion already ran; make sure nothing it missed stays indexed.
      if (!(await documents.getDocumentById(doc.accountId, doc.id)))
        await this.deps.index.deleteDocument({ accountId: doc.accountId, knowledgeBaseId: kb.id }, doc.id);
    } catch (error) {
      // Charged (and ready): whatever failed afterwards undoes nothing, and a retried job finds the document ready.
      // Stopped (the job's lease was lost, or the service stops): the job runs again, with this hold while it is open.
      if (charged || signal?.aborted || error instanceof StaleWriteError) throw error;
      if ((await ledger.getHold(doc.accountId, holdId).catch(() => undefined))?.status === "captured") throw error;
      const api = error instanceof ApiError ? error : undefined;
      const failed = {
        status: "failed" as const,
        errorCode: api?.code ?? "INTERNAL",
        error: api?.message ?? "indexing failed",
      };
      // The hold released and the document failed in one step, behind the job's fence: an attempt taken over meanwhile
      // (its failure may be the takeover's doing) leaves both to the attempt that took over.
      const reason = `indexing failed: ${(error as Error).message}`.slice(0, 300);
      const writes = [...(fence ? [fence] : []), documents.documentUpdate(doc.accountId, doc.id, failed)];
      const released = await metering.release(hold, reason, writes).then(
        (entry) => entry !== null,
        (e) => {
          if (e instanceof StaleWriteError) throw new StaleWriteError(`taken over; it failed with: ${reason}`);
          return false; // the database is away: the hold expires, the job runs again
        },
      );
      if (!released) await documents.updateDocument(doc.accountId, doc.id, failed);
      throw error;
    }
  }
}
