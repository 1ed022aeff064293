import { ApiError } from "../errors.js";
import { newId } from "../lib/ids.js";
import { validateCrawlUrl } from "./crawl/crawler.js";
import type { KnowledgeDeps, RequestMeta } from "./deps.js";
import { sha256 } from "./ingest.js";
import type { AddResult, Upload } from "./ingestion.js";
import type { KnowledgeBase, Owner } from "./knowledge-base-store.js";
import type { MetadataValue } from "./search/search-index.js";

/**
 * A site to crawl, added to a knowledge base: checked (a hostile address is refused before anything is queued) and
 * queued at once as a document and its crawl job, committed together; the job reads the site, prices what it found
 * and indexes it.
 */
export async function queueCrawl(
  deps: KnowledgeDeps,
  owner: Owner,
  kb: KnowledgeBase,
  upload: Extract<Upload, { kind: "url" }>,
  options: { metadata: Record<string, MetadataValue>; name?: string } & RequestMeta,
): Promise<AddResult> {
  // Refuse hostile addresses now (422), before anything is queued; the crawler checks every hop again.
  await validateCrawlUrl(upload.url, deps.crawlDeps);
  const balance = await deps.ledger.balance(owner.accountId);
  if (balance.availableMc <= 0)
    throw new ApiError("INSUFFICIENT_CREDITS", "crawling a site needs credits to index what it finds", {
      neededCredits: 0.001,
      availableCredits: 0,
    });
  // With an Idempotency-Key, the crawl is named by it (not by the attempt): a retry after a crash finds the crawl
  // its first attempt queued instead of queueing (and charging for) a second one.
  const requestKey = options.ledgerKey?.replace(/#\d+$/, "");
  const sourceHash = sha256(`url:${upload.url}:${requestKey ?? `${Date.now()}:${Math.random()}`}`);
  if (requestKey) {
    const same = await deps.documents.findByHash(kb.id, "source_hash", sourceHash);
    if (same) return { document: same, created: false };
  }
  const docId = newId("doc");
  // The document and its job commit together: no crawl is left queued without the job that runs it.
  const document = await deps.documents.transaction(async (documents, tx) => {
    const inserted = await documents.insertDocument({
      id: docId,
      accountId: owner.accountId,
      knowledgeBaseId: kb.id,
      name: (options.name ?? upload.url).slice(0, 300),
      source: "url",
      sourceUrl: upload.url,
      mimeType: "text/html",
      sourceHash,
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
    await deps.jobs.enqueue(
      {
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
      },
      tx,
    );
    return inserted;
  });
  deps.onQueued?.();
  return { document, created: true };
}
