import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { mcToCredits } from "../credits/pricing.js";
import { principalOf } from "../http/auth.js";
import type { IdempotencyStore } from "../http/idempotency.js";
import { Credits, iso, ScopeSiteId } from "../http/schemas.js";
import type { LicenseStore } from "../licenses/store.js";
import type { Deleter } from "../privacy/deleter.js";
import type { KnowledgeDocument } from "./document-store.js";
import type { KnowledgeBase, Owner } from "./knowledge-base-store.js";
import type { DeletionReceipt } from "./purge.js";
import type { KnowledgeService } from "./service.js";

/** What the knowledge routes are given by `src/app.ts`. */
export interface KnowledgeRouteDeps {
  knowledge: KnowledgeService;
  licenses: LicenseStore;
  idempotency: IdempotencyStore;
  deleter: Deleter;
}

/** Every knowledge route is a customer's, listed under one OpenAPI tag and authenticated by an API key. */
export const customerRoute = { config: { auth: "customer" as const } };
export const tags = ["knowledge"];
export const security = [{ apiKey: [] }];

export const MetadataSchema = z
  .record(z.string().min(1).max(64), z.union([z.string().max(500), z.number(), z.boolean()]))
  .refine((m) => Object.keys(m).length <= 32, "at most 32 metadata keys")
  .describe("Your own fields, copied onto every passage so queries can filter on them");

export const KnowledgeBaseSchema = z.object({
  id: z.string(),
  name: z.string(),
  siteId: ScopeSiteId,
  description: z.string().nullable(),
  documentCount: z.number().int(),
  embeddingModel: z.string(),
  chunking: z.object({ chunkTokens: z.number().int(), overlapTokens: z.number().int() }),
  createdAt: z.string(),
});

export const DocumentSchema = z.object({
  id: z.string(),
  knowledgeBaseId: z.string(),
  name: z.string(),
  source: z.enum(["file", "text", "url"]),
  sourceUrl: z.string().nullable(),
  mimeType: z.string().nullable(),
  status: z.enum(["queued", "processing", "ready", "failed"]),
  progress: z.number().describe("0 to 1"),
  pages: z.number().int().nullable(),
  tokens: z.number().int().nullable().describe("o200k_base tokens of the extracted text: what indexing costs, in mc"),
  credits: Credits.describe("Credits charged for indexing this document"),
  chunks: z.number().int().nullable(),
  duplicateOf: z.string().nullable(),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ReceiptSchema = z.object({
  deleted: z.object({
    knowledgeBases: z.number().int(),
    documents: z.number().int(),
    chunks: z.number().int(),
    files: z.number().int(),
    bytes: z.number().int(),
    storedReplies: z.number().int(),
  }),
  credits: z.literal(0).describe("Deletion is free"),
  completedAt: z.string(),
});

export const AddDocumentJson = z.union([
  z
    .object({
      text: z.string().min(1).max(20_000_000),
      name: z.string().trim().min(1).max(300),
      metadata: MetadataSchema.optional(),
    })
    .strict(),
  z
    .object({
      url: z.string().min(1).max(2048),
      name: z.string().trim().min(1).max(300).optional(),
      maxPages: z.number().int().min(1).max(1000).default(50),
      maxDepth: z.number().int().min(0).max(10).default(3),
      metadata: MetadataSchema.optional(),
    })
    .strict(),
]);

export function presentKb(kb: KnowledgeBase): z.infer<typeof KnowledgeBaseSchema> {
  return {
    id: kb.id,
    name: kb.name,
    siteId: kb.siteId,
    description: kb.description,
    documentCount: kb.documentCount,
    embeddingModel: kb.embeddingModel,
    chunking: { chunkTokens: kb.chunkTokens, overlapTokens: kb.overlapTokens },
    createdAt: iso(kb.createdAt)!,
  };
}

export function presentDocument(d: KnowledgeDocument): z.infer<typeof DocumentSchema> {
  return {
    id: d.id,
    knowledgeBaseId: d.knowledgeBaseId,
    name: d.name,
    source: d.source,
    sourceUrl: d.sourceUrl,
    mimeType: d.mimeType,
    status: d.status,
    progress: d.progress,
    pages: d.pages,
    tokens: d.tokens,
    credits: mcToCredits(d.chargedMc),
    chunks: d.chunks,
    duplicateOf: d.duplicateOf,
    metadata: d.metadata,
    error: d.errorCode ? { code: d.errorCode, message: d.error ?? "" } : null,
    createdAt: iso(d.createdAt)!,
    updatedAt: iso(d.updatedAt)!,
  };
}

export function presentReceipt(r: DeletionReceipt & { storedReplies: number }) {
  const { knowledgeBases, documents, chunks, files, bytes, storedReplies } = r;
  return {
    deleted: { knowledgeBases, documents, chunks, files, bytes, storedReplies },
    credits: 0 as const,
    completedAt: new Date().toISOString(),
  };
}

export const ownerOf = (request: FastifyRequest): Owner => {
  const p = principalOf(request);
  return { accountId: p.accountId, siteId: p.siteId };
};

export const KbParams = z.object({ id: z.string().max(100) });
export const DocParams = z.object({ id: z.string().max(100), docId: z.string().max(100) });

export type KnowledgeBaseResponse = z.infer<typeof KnowledgeBaseSchema>;
export type DocumentResponse = z.infer<typeof DocumentSchema>;
export type AddDocumentRequest = z.infer<typeof AddDocumentJson>;
