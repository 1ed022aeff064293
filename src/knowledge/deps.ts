import type { Ledger, LedgerWrite } from "../credits/ledger.js";
import type { Metering } from "../credits/metering.js";
import type { Pricing } from "../credits/pricing.js";
import type { Outbox } from "../events/outbox.js";
import type { JobQueue } from "../jobs/queue.js";
import type { BlobStore } from "../storage/blob-store.js";
import type { CrawlDeps } from "./crawl/crawler.js";
import type { DocumentStore } from "./document-store.js";
import type { Embedder } from "./embedders/embedder.js";
import type { ExtractLimits } from "./extract/index.js";
import type { CrawlLimits } from "./ingest.js";
import type { KnowledgeBaseStore } from "./knowledge-base-store.js";
import type { SearchIndex } from "./search/search-index.js";

export interface KnowledgeSettings {
  extractLimits: ExtractLimits;
  crawlLimits: CrawlLimits;
  /** Documents of at most this many chunks are indexed within the request; larger ones become background jobs. */
  inlineMaxChunks: number;
  holdTtlMs: number;
}

/** What the knowledge domain's modules share, wired once in `src/app.ts`. */
export interface KnowledgeDeps {
  knowledgeBases: KnowledgeBaseStore;
  documents: DocumentStore;
  index: SearchIndex;
  embedder: Embedder;
  metering: Metering;
  ledger: Ledger;
  pricing: () => Pricing;
  blobs: BlobStore;
  jobs: JobQueue;
  settings: KnowledgeSettings;
  crawlDeps?: CrawlDeps;
  /** Where `document.ready` / `document.failed` are written, with the change they report (none: not emitted). */
  outbox?: Outbox;
  /** Wakes this process's job worker. */
  onQueued?: () => void;
}

export interface RequestMeta<Outcome = never> {
  ledgerKey?: string;
  requestId?: string;
  /** Writes to commit with the charge, given the outcome (the request's stored idempotent reply). */
  writes?: (outcome: Outcome) => LedgerWrite[];
}
