import { z } from "zod";
import { ApiError } from "../errors.js";
import { requireActiveLicense } from "../http/auth.js";
import type { App } from "../http/server.js";
import type { Owner } from "../knowledge/knowledge-base-store.js";
import { Filter, matches } from "./filters.js";
import { CUSTOMER, idempotent, type OpenAiDeps, ownerOf } from "./routes.js";
import { AddFile, ChunkingStrategy, statusOf, vectorStoreFiles } from "./vector-store-files.js";

/** OpenAI's limits: 16 pairs, keys up to 64 characters, values up to 512. */
const Metadata = z
  .record(z.string().min(1).max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, "at most 16 metadata pairs");

const ModifyStore = z.object({
  name: z.string().trim().min(1).max(200).nullable().optional(),
  metadata: Metadata.nullable().optional(),
  expires_after: z.unknown().optional(),
});

const CreateStore = z.object({
  name: z.string().trim().max(200).optional(),
  description: z.string().max(2000).optional(),
  file_ids: z.array(z.string().max(100)).max(100).optional(),
  metadata: Metadata.optional(),
  chunking_strategy: ChunkingStrategy.optional(),
  expires_after: z.unknown().optional(),
});

const Search = z.object({
  query: z.union([z.string().trim().min(1).max(2000), z.array(z.string().trim().min(1).max(2000)).min(1).max(1)]),
  filters: Filter.optional(),
  max_num_results: z.number().int().min(1).max(50).default(10),
  ranking_options: z
    .object({ ranker: z.string().max(100).optional(), score_threshold: z.number().min(0).max(1).optional() })
    .optional(),
  rewrite_query: z.boolean().optional(),
});

const StoreParams = z.object({ id: z.string().max(100) });
const FileParams = z.object({ id: z.string().max(100), fileId: z.string().max(100) });

/**
 * Vector stores are knowledge bases and their files are documents: the SDK's create → createAndPoll → search flow
 * runs on the same ingestion, metering and search as the native API. A vector store file keeps the id of the file it
 * was made from (the map lives in openai_store_files); a document added natively shows under its own id.
 */
export function vectorStoreRoutes(scope: App, deps: OpenAiDeps): void {
  const { knowledge, store, deleter } = deps;
  const { filesOf, presentFile, presentStore, addFile } = vectorStoreFiles(deps);

  scope.post("/vector_stores", { ...CUSTOMER, schema: { hide: true, body: CreateStore } }, async (request, reply) => {
    await requireActiveLicense(request, deps.licenses);
    const owner = ownerOf(request);
    const body = request.body;
    const chunking =
      body.chunking_strategy?.type === "static"
        ? {
            chunkTokens: body.chunking_strategy.static.max_chunk_size_tokens,
            overlapTokens: body.chunking_strategy.static.chunk_overlap_tokens,
          }
        : undefined;
    if (chunking && chunking.overlapTokens > chunking.chunkTokens / 2)
      throw new ApiError("VALIDATION_FAILED", "chunk_overlap_tokens must be at most half of max_chunk_size_tokens", {
        field: "chunking_strategy",
      });
    const kb = await knowledge.createKnowledgeBase(owner, {
      name: body.name || "vector store",
      description: body.description,
      chunking,
    });
    if (body.metadata) await store.setStoreMetadata(owner, kb.id, body.metadata);
    let charged = 0;
    for (const fileId of body.file_ids ?? [])
      charged += (await addFile(request, kb, { file_id: fileId }, {})).chargedMc;
    reply.header("x-credits-charged", String(charged / 1000));
    return presentStore(owner, await knowledge.requireKnowledgeBase(owner, kb.id));
  });

  scope.get("/vector_stores", { ...CUSTOMER, schema: { hide: true } }, async (request) => {
    const owner = ownerOf(request);
    const data = await Promise.all((await knowledge.listKnowledgeBases(owner)).map((kb) => presentStore(owner, kb)));
    return { object: "list", data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false };
  });

  scope.get("/vector_stores/:id", { ...CUSTOMER, schema: { hide: true, params: StoreParams } }, async (request) => {
    const owner = ownerOf(request);
    return presentStore(owner, await knowledge.requireKnowledgeBase(owner, request.params.id));
  });

  scope.post(
    "/vector_stores/:id",
    { ...CUSTOMER, schema: { hide: true, params: StoreParams, body: ModifyStore } },
    async (request) => {
      const owner = ownerOf(request);
      const body = request.body;
      if (body.name) await knowledge.updateKnowledgeBase(owner, request.params.id, { name: body.name });
      else await knowledge.requireWritableKnowledgeBase(owner, request.params.id);
      if (body.metadata !== undefined) await store.setStoreMetadata(owner, request.params.id, body.metadata ?? {});
      return presentStore(owner, await knowledge.requireKnowledgeBase(owner, request.params.id));
    },
  );

  scope.delete("/vector_stores/:id", { ...CUSTOMER, schema: { hide: true, params: StoreParams } }, async (request) => {
    const owner = ownerOf(request);
    await deleter.deleteKnowledgeBase(owner, request.params.id);
    await store.unmapStore(owner.accountId, request.params.id);
    return { id: request.params.id, object: "vector_store.deleted", deleted: true };
  });

  scope.post(
    "/vector_stores/:id/files",
    { ...CUSTOMER, schema: { hide: true, params: StoreParams, body: AddFile } },
    async (request, reply) => {
      await requireActiveLicense(request, deps.licenses);
      const kb = await knowledge.requireKnowledgeBase(ownerOf(request), request.params.id);
      return idempotent(deps, request, reply, request.body, async (run) => {
        const writes = run.replyWrites;
        const out = await addFile(request, kb, request.body, {
          ledgerKey: run.ledgerKey,
          writes: writes && ((body) => writes({ status: 200, body, tags: [`kb:${kb.id}`] })),
        });
        return { body: out.body, chargedMc: out.chargedMc, tags: [`kb:${kb.id}`, `doc:${out.document.id}`] };
      });
    },
  );

  scope.get(
    "/vector_stores/:id/files",
    { ...CUSTOMER, schema: { hide: true, params: StoreParams } },
    async (request) => {
      const owner = ownerOf(request);
      const kb = await knowledge.requireKnowledgeBase(owner, request.params.id);
      const filter = (request.query as { filter?: string }).filter;
      const data = (await filesOf(owner, kb))
        .map((f) => presentFile(kb, f.fileId, f.createdAt, f.doc))
        .filter((f) => !filter || f.status === filter);
      return { object: "list", data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false };
    },
  );

  async function requireStoreFile(owner: Owner, kbId: string, fileId: string) {
    const kb = await knowledge.requireKnowledgeBase(owner, kbId);
    const found = (await filesOf(owner, kb)).find((f) => f.fileId === fileId);
    if (!found) throw new ApiError("NOT_FOUND", `No file ${fileId} in vector store ${kbId}`, { field: "file_id" });
    return { kb, ...found };
  }

  scope.get(
    "/vector_stores/:id/files/:fileId",
    { ...CUSTOMER, schema: { hide: true, params: FileParams } },
    async (request, reply) => {
      const f = await requireStoreFile(ownerOf(request), request.params.id, request.params.fileId);
      // The SDK's createAndPoll waits this long between polls (its own default is 5 s).
      if (statusOf(f.doc) === "in_progress") reply.header("openai-poll-after-ms", "500");
      return presentFile(f.kb, f.fileId, f.createdAt, f.doc);
    },
  );

  scope.delete(
    "/vector_stores/:id/files/:fileId",
    { ...CUSTOMER, schema: { hide: true, params: FileParams } },
    async (request) => {
      const owner = ownerOf(request);
      const f = await requireStoreFile(owner, request.params.id, request.params.fileId);
      await store.unmapFile(owner.accountId, f.kb.id, f.fileId);
      // Two files with the same content are one document: it goes with the last file that names it.
      const stillNamed = (await store.storeFiles(owner.accountId, f.kb.id)).some((m) => m.documentId === f.doc.id);
      if (!stillNamed) await deleter.deleteDocument(owner, f.kb.id, f.doc.id);
      return { id: f.fileId, object: "vector_store.file.deleted", deleted: true };
    },
  );

  scope.post(
    "/vector_stores/:id/search",
    { ...CUSTOMER, schema: { hide: true, params: StoreParams, body: Search } },
    async (request, reply) => {
      await requireActiveLicense(request, deps.licenses);
      const owner = ownerOf(request);
      const kb = await knowledge.requireKnowledgeBase(owner, request.params.id);
      const body = request.body;
      const query = Array.isArray(body.query) ? body.query[0]! : body.query;
      const files = await filesOf(owner, kb);
      const fileIdOf = new Map(files.map((f) => [f.doc.id, f.fileId]));
      const documentIds = body.filters
        ? [...new Set(files.filter((f) => matches(body.filters!, f.doc.metadata)).map((f) => f.doc.id))]
        : undefined;
      const threshold = body.ranking_options?.score_threshold ?? 0;
      return idempotent(deps, request, reply, request.body, async (run) => {
        const pageOf = (hits: import("../knowledge/search.js").DescribedHit[]) => ({
          object: "vector_store.search_results.page" as const,
          search_query: [query],
          data: hits
            .map((h) => ({
              file_id: fileIdOf.get(h.documentId) ?? h.documentId,
              filename: h.documentName,
              // Cosine similarity (absolute, 0 for a keyword-only match): a threshold means the same for any query.
              score: Math.max(0, Math.min(1, h.similarity ?? 0)),
              attributes: {
                ...(files.find((f) => f.doc.id === h.documentId)?.doc.metadata ?? {}),
                ...(h.page !== undefined ? { page: h.page } : {}),
                ...(h.url ? { url: h.url } : {}),
              },
              content: [{ type: "text" as const, text: h.text }],
            }))
            .filter((r) => r.score >= threshold),
          has_more: false,
          next_page: null,
        });
        const writes = run.replyWrites;
        const out = await knowledge.query(
          owner,
          kb.id,
          { query, topK: body.max_num_results, mode: "hybrid", filter: documentIds ? { documentIds } : undefined },
          {
            ledgerKey: run.ledgerKey,
            requestId: String(request.id),
            writes: writes && ((o) => writes({ status: 200, body: pageOf(o.hits), tags: [`kb:${kb.id}`] })),
          },
        );
        return { body: pageOf(out.hits), chargedMc: out.chargedMc, tags: [`kb:${kb.id}`] };
      });
    },
  );
}
