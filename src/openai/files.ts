import { z } from "zod";
import { ApiError } from "../errors.js";
import { readMultipart } from "../http/multipart.js";
import type { App } from "../http/server.js";
import { newId } from "../lib/ids.js";
import { CUSTOMER, type OpenAiDeps, ownerOf } from "./routes.js";
import type { OpenAiFile } from "./store.js";

export const presentFile = (f: OpenAiFile) => ({
  id: f.id,
  object: "file" as const,
  bytes: f.bytes,
  created_at: Math.floor(f.createdAt / 1000),
  filename: f.filename,
  purpose: f.purpose,
  status: "processed" as const,
  expires_at: null,
  status_details: null,
});

/**
 * Uploaded files: bytes kept (under the account's documents, so deleting all data removes them) until a vector store
 * indexes them. Uploading is free; adding a file to a vector store is what charges (training, per token).
 */
export function fileRoutes(scope: App, deps: OpenAiDeps): void {
  const { store, blobs } = deps;
  const IdParams = z.object({ id: z.string().max(100) });

  scope.post("/files", { ...CUSTOMER, schema: { hide: true } }, async (request, reply) => {
    const owner = ownerOf(request);
    if (!request.isMultipart())
      throw new ApiError("UNSUPPORTED_MEDIA_TYPE", "upload a file as multipart/form-data with `file` and `purpose`");
    const form = await readMultipart(request, ["file"]);
    const file = form.files.file;
    if (!file) throw new ApiError("VALIDATION_FAILED", "the form has no `file`", { field: "file" });
    const purpose = form.fields.purpose ?? "assistants";
    if (!["assistants", "user_data", "file-search"].includes(purpose))
      throw new ApiError("VALIDATION_FAILED", `purpose ${purpose} is not offered here: use assistants or user_data`, {
        field: "purpose",
      });
    const id = `file-${newId("f").slice(2)}`;
    const row: OpenAiFile = {
      id,
      accountId: owner.accountId,
      siteId: owner.siteId,
      filename: (file.filename ?? "upload").slice(0, 300),
      bytes: file.bytes.length,
      purpose,
      blobKey: `${owner.accountId}/documents/openai-files/${id}`,
      createdAt: Date.now(),
    };
    await blobs.put(row.blobKey, file.bytes, file.contentType ?? "application/octet-stream");
    await store.insertFile(row);
    return reply.status(200).send(presentFile(row));
  });

  scope.get("/files", { ...CUSTOMER, schema: { hide: true } }, async (request) => {
    const q = request.query as { limit?: string; after?: string };
    const limit = Math.min(10_000, Math.max(1, Number(q.limit ?? 10_000) || 10_000));
    const rows = await store.listFiles(ownerOf(request), { limit: limit + 1, after: q.after });
    const page = rows.slice(0, limit);
    return {
      object: "list",
      data: page.map(presentFile),
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
      has_more: rows.length > limit,
    };
  });

  const requireFile = async (request: import("fastify").FastifyRequest, id: string) => {
    const file = await store.getFile(ownerOf(request), id);
    if (!file) throw new ApiError("NOT_FOUND", `No such File object: ${id}`, { field: "file_id" });
    return file;
  };

  scope.get("/files/:id", { ...CUSTOMER, schema: { hide: true, params: IdParams } }, async (request) =>
    presentFile(await requireFile(request, request.params.id)),
  );

  scope.get("/files/:id/content", { ...CUSTOMER, schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const file = await requireFile(request, request.params.id);
    const bytes = await blobs.get(file.blobKey);
    if (!bytes) throw new ApiError("NOT_FOUND", `the bytes of ${file.id} are gone`);
    return reply.type("application/octet-stream").send(bytes);
  });

  scope.delete("/files/:id", { ...CUSTOMER, schema: { hide: true, params: IdParams } }, async (request) => {
    const file = await requireFile(request, request.params.id);
    // Permanent: the bytes go from storage. Documents a vector store made of it stay until deleted from the store.
    await blobs.delete(file.blobKey);
    await store.deleteFile(file.accountId, file.id);
    return { id: file.id, object: "file", deleted: true };
  });
}
