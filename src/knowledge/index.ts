import type { Config } from "../config.js";
import type { Sql } from "../db/sql.js";
import type { KnowledgeDeps } from "./deps.js";
import { DocumentStore } from "./document-store.js";
import { DEFAULT_EXTRACT_LIMITS } from "./extract/index.js";
import { KnowledgeBaseStore } from "./knowledge-base-store.js";
import { KnowledgeService } from "./service.js";

/**
 * The knowledge domain as configured: its stores over the database, and the limits of extraction and crawling
 * from configuration. `onQueued` wakes the job worker (made after this service, which gives it its handlers).
 */
export function createKnowledge(
  deps: Omit<KnowledgeDeps, "knowledgeBases" | "documents" | "settings"> & { sql: Sql; config: Config },
): KnowledgeService {
  const { sql, config, ...rest } = deps;
  return new KnowledgeService({
    ...rest,
    knowledgeBases: new KnowledgeBaseStore(sql),
    documents: new DocumentStore(sql),
    settings: {
      extractLimits: { ...DEFAULT_EXTRACT_LIMITS, maxBytes: config.uploadLimitBytes },
      crawlLimits: {
        maxPages: config.knowledge.crawl.maxPages,
        maxDepth: config.knowledge.crawl.maxDepth,
        maxBytesPerPage: 5 << 20,
        maxTotalBytes: 200 << 20,
        timeoutMs: config.knowledge.crawl.requestTimeoutMs,
        maxDurationMs: config.knowledge.crawl.maxDurationMs,
      },
      inlineMaxChunks: config.knowledge.inlineMaxChunks,
      holdTtlMs: config.holdTtlMs,
    },
  });
}
