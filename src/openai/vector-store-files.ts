import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { LedgerWrite } from "../credits/ledger.js";
import { ApiError } from "../errors.js";
import type { KnowledgeDocument } from "../knowledge/document-store.js";
import type { KnowledgeBase, Owner } from "../knowledge/knowledge-base-store.js";
import { type OpenAiDeps, ownerOf } from "./routes.js";

export const Attributes = z
  .record(z.string().min(1).max(64), z.union([z.string().max(512), z.number(), z.boolean()]))
  .refine((a) => Object.keys(a).length <= 16, "at most 16 attributes");

export const ChunkingStrategy = z.union([
  z.object({ type: z.literal("auto") }),
  z.object({
    type: z.literal("static"),
    static: z.object({
      max_chunk_size_tokens: z.number().int().min(64).max(2048),
      chunk_overlap_tokens: z.number().int().min(0).max(1024),
    }),
  }),
]);

export const AddFile = z.object({
  file_id: z.string().min(1).max(100),
  attributes: Attributes.optional(),
  chunking_strategy: ChunkingStrategy.optional(),
});

export type FileStatus = "in_progress" | "completed" | "failed" | "cancelled";
export const statusOf = (d: KnowledgeDocument): FileStatus =>
  d.status === "ready" ? "completed" : d.status === "failed" ? "failed" : "in_progress";

export const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * A vector store's files as OpenAI's protocol shows them, and adding one: shared by the vector store routes and the
 * file batches (a batch is files added one by one under one id).
 */
export function vectorStoreFiles(deps: OpenAiDeps) {
  const { knowledge, store, blobs } = deps;

  /** The store's documents, each under the file id a client knows it by. */
  async function filesOf(owner: Owner, kb: KnowledgeBase) {
    const docs = await knowledge.listDocuments(owner, kb.id, { limit: 100_000 });
    const mapped = await store.storeFiles(owner.accountId, kb.id);
    const fileOfDoc = new Map<string, { fileId: string; createdAt: number }[]>();
    for (const m of mapped) fileOfDoc.set(m.documentId, [...(fileOfDoc.get(m.documentId) ?? []), m]);
    return docs.flatMap((doc) =>
      (fileOfDoc.get(doc.id) ?? [{ fileId: doc.id, createdAt: doc.createdAt }]).map((m) => ({ ...m, doc })),
    );
  }

  const presentFile = (kb: KnowledgeBase, fileId: string, createdAt: number, doc: KnowledgeDocument) => ({
    id: fileId,
    object: "vector_store.file" as const,
    created_at: seconds(createdAt),
    vector_store_id: kb.id,
    status: statusOf(doc),
    last_error:
      doc.status === "failed"
        ? {
            code:
              doc.errorCode === "UNSUPPORTED_FILE_TYPE"
                ? "unsupported_file"
                : doc.errorCode === "DOCUMENT_UNREADABLE"
                  ? "invalid_file"
                  : "server_error",
            message: doc.error ?? "ingestion failed",
          }
        : null,
    usage_bytes: doc.bytes,
    attributes: doc.metadata,
    chunking_strategy: {
      type: "static",
      static: { max_chunk_size_tokens: kb.chunkTokens, chunk_overlap_tokens: kb.overlapTokens },
    },
  });

  async function presentStore(owner: Owner, kb: KnowledgeBase) {
    const files = await filesOf(owner, kb);
    const counts = { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: files.length };
    for (const f of files) counts[statusOf(f.doc)]++;
    return {
      id: kb.id,
      object: "vector_store" as const,
      created_at: seconds(kb.createdAt),
      name: kb.name,
      description: kb.description,
      usage_bytes: files.reduce((s, f) => s + f.doc.bytes, 0),
      file_counts: counts,
      status: counts.in_progress > 0 ? ("in_progress" as const) : ("completed" as const),
      last_active_at: seconds(kb.updatedAt),
      metadata: await store.storeMetadata(owner.accountId, kb.id),
      expires_after: null,
      expires_at: null,
    };
  }

  /** Indexes an uploaded file into the store (charged per token, as any upload); its reply is the vector store file. */
  async function addFile(
    request: FastifyRequest,
    kb: KnowledgeBase,
    input: z.infer<typeof AddFile>,
    meta: { ledgerKey?: string; writes?: (body: unknown) => LedgerWrite[] },
  ) {
    const owner = ownerOf(request);
    if (input.chunking_strategy?.type === "static") {
      const s = input.chunking_strategy.static;
      if (s.max_chunk_size_tokens !== kb.chunkTokens || s.chunk_overlap_tokens !== kb.overlapTokens)
        throw new ApiError(
          "VALIDATION_FAILED",
          `this vector store chunks by ${kb.chunkTokens} tokens with ${kb.overlapTokens} overlap; set chunking when creating the store`,
          { field: "chunking_strategy" },
        );
    }
    const file = await store.getFile(owner, input.file_id);
    if (!file) throw new ApiError("NOT_FOUND", `No such File object: ${input.file_id}`, { field: "file_id" });
    const bytes = await blobs.get(file.blobKey);
    if (!bytes) throw new ApiError("NOT_FOUND", `the bytes of ${file.id} are gone`, { field: "file_id" });
    const createdAt = Date.now();
    const { document } = await knowledge.addDocument(
      owner,
      kb.id,
      { kind: "file", bytes, filename: file.filename },
      {
        metadata: input.attributes ?? {},
        name: file.filename,
        ledgerKey: meta.ledgerKey,
        requestId: String(request.id),
        writes:
          meta.writes &&
          ((ready) => [
            store.mapStatement(owner.accountId, kb.id, file.id, ready.id),
            ...meta.writes!(presentFile(kb, file.id, createdAt, ready)),
          ]),
      },
    );
    await store.mapFile(owner.accountId, kb.id, file.id, document.id);
    return {
      body: presentFile(kb, file.id, createdAt, document),
      chargedMc: document.status === "ready" ? document.chargedMc : 0,
      document,
    };
  }

  return { filesOf, presentFile, presentStore, addFile };
}
