import { z } from "zod";
import { ApiError } from "../errors.js";
import { requireActiveLicense } from "../http/auth.js";
import type { App } from "../http/server.js";
import type { KnowledgeBase, Owner } from "../knowledge/knowledge-base-store.js";
import { newId } from "../lib/ids.js";
import { CUSTOMER, idempotent, type OpenAiDeps, ownerOf } from "./routes.js";
import type { FileBatch } from "./store.js";
import {
  Attributes,
  ChunkingStrategy,
  type FileStatus,
  seconds,
  statusOf,
  vectorStoreFiles,
} from "./vector-store-files.js";

const CreateBatch = z
  .object({
    file_ids: z.array(z.string().min(1).max(100)).min(1).max(500).optional(),
    files: z
      .array(
        z.object({
          file_id: z.string().min(1).max(100),
          attributes: Attributes.optional(),
          chunking_strategy: ChunkingStrategy.optional(),
        }),
      )
      .min(1)
      .max(500)
      .optional(),
    attributes: Attributes.optional(),
    chunking_strategy: ChunkingStrategy.optional(),
  })
  .refine((b) => (b.file_ids === undefined) !== (b.files === undefined), "give either file_ids or files");

const StoreParams = z.object({ id: z.string().max(100) });
const BatchParams = z.object({ id: z.string().max(100), batchId: z.string().max(100) });

/**
 * File batches: several files added to a vector store under one id (the SDK's `fileBatches.createAndPoll` and
 * `uploadAndPoll`). Each file is indexed and charged as a single file would be; a batch's status and counts are read
 * from its files' documents. A retried batch charges nothing again: identical content in a store is indexed once.
 * Cancelling deletes the documents of the batch still being indexed (free, like any deletion).
 */
export function fileBatchRoutes(scope: App, deps: OpenAiDeps): void {
  const { knowledge, store, deleter } = deps;
  const { filesOf, presentFile, addFile } = vectorStoreFiles(deps);

  async function filesOfBatch(owner: Owner, kb: KnowledgeBase, batch: FileBatch) {
    const files = await filesOf(owner, kb);
    return batch.fileIds.map((fileId) => {
      const found = files.find((f) => f.fileId === fileId);
      return { fileId, found, status: (found ? statusOf(found.doc) : "cancelled") as FileStatus };
    });
  }

  async function presentBatch(owner: Owner, kb: KnowledgeBase, batch: FileBatch) {
    const files = await filesOfBatch(owner, kb, batch);
    const counts = { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: files.length };
    for (const f of files) counts[f.status]++;
    return {
      id: batch.id,
      object: "vector_store.files_batch" as const,
      created_at: seconds(batch.createdAt),
      vector_store_id: kb.id,
      status: batch.cancelledAt
        ? ("cancelled" as const)
        : counts.in_progress > 0
          ? ("in_progress" as const)
          : ("completed" as const),
      file_counts: counts,
    };
  }

  async function requireBatch(owner: Owner, kbId: string, batchId: string) {
    const kb = await knowledge.requireKnowledgeBase(owner, kbId);
    const batch = await store.getBatch(owner.accountId, kb.id, batchId);
    if (!batch) throw new ApiError("NOT_FOUND", `No file batch ${batchId} in vector store ${kbId}`);
    return { kb, batch };
  }

  scope.post(
    "/vector_stores/:id/file_batches",
    { ...CUSTOMER, schema: { hide: true, params: StoreParams, body: CreateBatch } },
    async (request, reply) => {
      await requireActiveLicense(request, deps.licenses);
      const owner = ownerOf(request);
      const kb = await knowledge.requireKnowledgeBase(owner, request.params.id);
      const body = request.body;
      const files =
        body.files ??
        (body.file_ids ?? []).map((file_id) => ({
          file_id,
          attributes: body.attributes,
          chunking_strategy: body.chunking_strategy,
        }));
      return idempotent(deps, request, reply, body, async () => {
        const batch: FileBatch = {
          id: newId("vsfb"),
          knowledgeBaseId: kb.id,
          fileIds: files.map((f) => f.file_id),
          createdAt: Date.now(),
          cancelledAt: null,
        };
        await store.insertBatch(owner, batch);
        let chargedMc = 0;
        for (const file of files) chargedMc += (await addFile(request, kb, file, {})).chargedMc;
        return { body: await presentBatch(owner, kb, batch), chargedMc, tags: [`kb:${kb.id}`] };
      });
    },
  );

  scope.get(
    "/vector_stores/:id/file_batches/:batchId",
    { ...CUSTOMER, schema: { hide: true, params: BatchParams } },
    async (request, reply) => {
      const owner = ownerOf(request);
      const { kb, batch } = await requireBatch(owner, request.params.id, request.params.batchId);
      const presented = await presentBatch(owner, kb, batch);
      // The SDK's createAndPoll waits this long between polls (its own default is 5 s).
      if (presented.status === "in_progress") reply.header("openai-poll-after-ms", "500");
      return presented;
    },
  );

  scope.get(
    "/vector_stores/:id/file_batches/:batchId/files",
    { ...CUSTOMER, schema: { hide: true, params: BatchParams } },
    async (request) => {
      const owner = ownerOf(request);
      const { kb, batch } = await requireBatch(owner, request.params.id, request.params.batchId);
      const filter = (request.query as { filter?: string }).filter;
      const data = (await filesOfBatch(owner, kb, batch))
        .flatMap((f) => (f.found ? [presentFile(kb, f.fileId, f.found.createdAt, f.found.doc)] : []))
        .filter((f) => !filter || f.status === filter);
      return { object: "list", data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false };
    },
  );

  scope.post(
    "/vector_stores/:id/file_batches/:batchId/cancel",
    { ...CUSTOMER, schema: { hide: true, params: BatchParams } },
    async (request) => {
      const owner = ownerOf(request);
      const { kb, batch } = await requireBatch(owner, request.params.id, request.params.batchId);
      for (const f of await filesOfBatch(owner, kb, batch)) {
        if (f.status !== "in_progress" || !f.found) continue;
        await store.unmapFile(owner.accountId, kb.id, f.fileId);
        await deleter.deleteDocument(owner, kb.id, f.found.doc.id);
      }
      await store.cancelBatch(owner.accountId, batch.id);
      return presentBatch(owner, kb, (await store.getBatch(owner.accountId, kb.id, batch.id))!);
    },
  );
}
