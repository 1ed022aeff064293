import { createHash } from "node:crypto";
import { StaleWriteError, type TransactionalWrite } from "../db/sql.js";
import { ApiError } from "../errors.js";
import { newId } from "../lib/ids.js";
import { chunkDocument } from "./chunk.js";
import type { CrawlDeps, CrawledPage } from "./crawl/crawler.js";
import { crawlSite } from "./crawl/crawler.js";
import type { Embedder } from "./embedders/embedder.js";
import {
  type Block,
  documentText,
  type ExtractedDocument,
  type ExtractLimits,
  extractDocument,
} from "./extract/index.js";
import type { IndexedChunk, IndexScope, MetadataValue, SearchIndex } from "./search/search-index.js";

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The hash that decides "identical content": the billable text itself. */
export function contentHash(doc: ExtractedDocument): string {
  return sha256(documentText(doc));
}

export interface CrawlLimits {
  maxPages: number;
  maxDepth: number;
  maxBytesPerPage: number;
  maxTotalBytes: number;
  timeoutMs: number;
  maxDurationMs: number;
}

/**
 * Crawls a site and turns it into one document: each fetched page is one "page" of it (numbered in crawl order),
 * so a search result cites the page and its URL. Pages that cannot be read are skipped; a site with no readable
 * page is DOCUMENT_UNREADABLE.
 */
export async function extractSite(input: {
  url: string;
  maxPages: number;
  maxDepth: number;
  limits: CrawlLimits;
  extractLimits: ExtractLimits;
  deps?: CrawlDeps;
  signal?: AbortSignal;
  onPage?: (pages: number) => void;
}): Promise<{ doc: ExtractedDocument; pageUrls: { page: number; url: string; title?: string }[] }> {
  const blocks: Block[] = [];
  const pageUrls: { page: number; url: string; title?: string }[] = [];
  const pages = crawlSite(
    {
      startUrl: input.url,
      maxPages: Math.min(input.maxPages, input.limits.maxPages),
      maxDepth: Math.min(input.maxDepth, input.limits.maxDepth),
      maxBytesPerPage: input.limits.maxBytesPerPage,
      maxTotalBytes: input.limits.maxTotalBytes,
      timeoutMs: input.limits.timeoutMs,
      maxDurationMs: input.limits.maxDurationMs,
      signal: input.signal,
    },
    input.deps,
  );
  let title: string | undefined;
  for await (const page of pages as AsyncGenerator<CrawledPage>) {
    let extracted: ExtractedDocument;
    try {
      extracted = await extractDocument(
        {
          bytes: page.bytes,
          contentType: page.contentType,
          filename: new URL(page.url).pathname,
          signal: input.signal,
        },
        input.extractLimits,
      );
    } catch (error) {
      if (error instanceof ApiError) continue; // an unreadable page is skipped, the rest of the site is indexed
      throw error;
    }
    const number = pageUrls.length + 1;
    const pageTitle = page.title ?? extracted.title;
    title ??= pageTitle;
    pageUrls.push({ page: number, url: page.url, ...(pageTitle ? { title: pageTitle } : {}) });
    for (const b of extracted.blocks) blocks.push({ ...b, page: number, heading: b.heading ?? pageTitle });
    input.onPage?.(number);
  }
  if (blocks.length === 0)
    throw new ApiError("DOCUMENT_UNREADABLE", `no readable page was found at ${input.url}`, { reason: "empty" });
  return { doc: { mimeType: "text/html", title, pages: pageUrls.length, blocks }, pageUrls };
}

/**
 * Chunks, embeds and indexes an extracted document, batch by batch. `onBatch` reports progress and returns false
 * when the document no longer exists (deleted meanwhile): indexing stops and what was added is removed. A job passes
 * its lease's `fence`: every write to the index (the clean start, each batch, the clean-up) commits only while the job
 * is still this attempt's, else throws `StaleWriteError` having changed nothing.
 */
export async function indexDocument(input: {
  scope: IndexScope;
  documentId: string;
  extracted: ExtractedDocument;
  chunking: { chunkTokens: number; overlapTokens: number };
  metadata: Record<string, MetadataValue>;
  embedder: Embedder;
  index: SearchIndex;
  batchSize?: number;
  signal?: AbortSignal;
  fence?: TransactionalWrite;
  onBatch?: (done: number, total: number) => Promise<boolean>;
}): Promise<{ chunks: number }> {
  const { fence } = input;
  const chunks = chunkDocument(input.extracted, input.chunking);
  const batchSize = input.batchSize ?? 32;
  // Start clean: a resumed job may have indexed part of this document before its process died.
  await input.index.deleteDocument(input.scope, input.documentId, fence);
  const embed = (from: number) => {
    const batch = chunks.slice(from, from + batchSize);
    return input.embedder.embed(
      batch.map((c) => (c.heading && !c.text.startsWith(c.heading) ? `${c.heading}\n${c.text}` : c.text)),
      "document",
      input.signal,
    );
  };
  // The embedder works on the next batch while this one is indexed, so the model never waits for the database.
  let next: Promise<Float32Array[]> | undefined = chunks.length ? embed(0) : undefined;
  let deleted = false;
  next?.catch(() => {});
  try {
    for (let i = 0; i < chunks.length; i += batchSize) {
      input.signal?.throwIfAborted();
      const vectors = await next!;
      input.signal?.throwIfAborted(); // stopped while the batch was embedded: add nothing more
      next = i + batchSize < chunks.length ? embed(i + batchSize) : undefined;
      next?.catch(() => {}); // awaited on the next turn; a failure then is handled there
      const batch = chunks.slice(i, i + batchSize);
      const indexed: IndexedChunk[] = batch.map((c, k) => ({
        id: newId("chk"),
        documentId: input.documentId,
        position: c.position,
        text: c.text,
        page: c.page,
        heading: c.heading,
        metadata: input.metadata,
        vector: vectors[k]!,
      }));
      await input.index.addChunks(input.scope, indexed, fence);
      const done = Math.min(i + batchSize, chunks.length);
      if (input.onBatch && !(await input.onBatch(done, chunks.length))) {
        deleted = true;
        throw new ApiError("NOT_FOUND", "the document was deleted while it was being indexed");
      }
    }
  } catch (error) {
    // Stopped (its job's lease was lost, or the service is shutting down): the job runs again and starts clean, and
    // another worker may already be indexing this document; removing "its" chunks would remove that worker's (the
    // fence refuses that too, should the loss not be known yet). A deleted document goes whole, whoever wrote it.
    if (!input.signal?.aborted && !(error instanceof StaleWriteError))
      await input.index.deleteDocument(input.scope, input.documentId, deleted ? undefined : fence).catch(() => {});
    throw error;
  }
  return { chunks: chunks.length };
}
