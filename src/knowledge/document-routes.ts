import { createHash } from "node:crypto";
import { z } from "zod";
import { ApiError } from "../errors.js";
import { requireActiveLicense } from "../http/auth.js";
import { jsonOrMultipart, parseBody, parseJsonField, readMultipart } from "../http/multipart.js";
import { cursorPage } from "../http/pages.js";
import { errors } from "../http/schemas.js";
import type { App } from "../http/server.js";
import type { KnowledgeDocument } from "./document-store.js";
import type { Upload } from "./ingestion.js";
import {
  AddDocumentJson,
  customerRoute as customer,
  DocParams,
  DocumentSchema,
  KbParams,
  type KnowledgeRouteDeps,
  MetadataSchema,
  ownerOf,
  presentDocument,
  presentReceipt,
  ReceiptSchema,
  security,
  tags,
} from "./route-schemas.js";

/** A knowledge base's documents: upload (metered, idempotent), list, read, delete. */
export function documentRoutes(app: App, { knowledge, licenses, idempotency, deleter }: KnowledgeRouteDeps): void {
  app.post(
    "/v1/knowledge-bases/:id/documents",
    {
      ...customer,
      validatorCompiler: jsonOrMultipart,
      schema: {
        tags,
        security,
        summary: "Add a document: a multipart `file` (PDF, text, Markdown, HTML, .docx, CSV), JSON text, or a website",
        description:
          "Send multipart/form-data with the file in `file` (optional fields: `name`, `metadata` as JSON), or JSON " +
          "`{text, name}`, or JSON `{url, maxPages?, maxDepth?}` to crawl a site. Small documents are indexed within " +
          "the request (201); large ones and websites are queued (202) — poll the document. Identical content already " +
          "in the knowledge base is not indexed or charged again (200, the existing document). Headings (Markdown, " +
          "HTML, Word, and a plain text's title: a short first line followed by a blank line) are indexed with the " +
          "text under them and returned as `heading` in query results. Control characters in a " +
          "file's extracted text (U+0000 included, which a PDF's text layer may hold) are dropped; a NUL byte in the " +
          "first 8 KiB of a text file marks it as binary (415 `UNSUPPORTED_FILE_TYPE`).",
        params: KbParams,
        headers: z.object({ "idempotency-key": z.string().max(255).optional() }),
        body: AddDocumentJson,
        response: {
          200: DocumentSchema,
          201: DocumentSchema,
          202: DocumentSchema,
          ...errors(400, 401, 402, 403, 404, 409, 413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const principal = await requireActiveLicense(request, licenses);
      const owner = { accountId: principal.accountId, siteId: principal.siteId };
      const kbId = request.params.id;
      await knowledge.requireKnowledgeBase(owner, kbId);
      let upload: Upload;
      let metadata: Record<string, string | number | boolean> = {};
      let name: string | undefined;
      let fingerprint: unknown;
      if (request.isMultipart()) {
        const multipart = await readMultipart(request, ["file"]);
        const file = multipart.files.file;
        if (!file) throw new ApiError("VALIDATION_FAILED", "the multipart form has no `file` field", { field: "file" });
        const form = { ...file, fields: multipart.fields };
        if (form.fields.metadata !== undefined)
          metadata = parseBody(MetadataSchema, parseJsonField(form.fields.metadata, "metadata"));
        name = form.fields.name?.trim().slice(0, 300) || undefined;
        upload = { kind: "file", bytes: form.bytes, filename: form.filename, contentType: form.contentType };
        fingerprint = { file: createHash("sha256").update(form.bytes).digest("hex"), fields: form.fields };
      } else {
        const body = parseBody(AddDocumentJson, request.body);
        metadata = body.metadata ?? {};
        name = body.name;
        upload =
          "text" in body
            ? { kind: "text", text: body.text, name: body.name }
            : { kind: "url", url: body.url, maxPages: body.maxPages, maxDepth: body.maxDepth };
        fingerprint = request.body;
      }
      const reply_ = await idempotency.run(request, owner, fingerprint, async (run) => {
        const replyOf = (document: KnowledgeDocument, created: boolean) => ({
          status: !created ? 200 : document.status === "ready" ? 201 : 202,
          body: presentDocument(document),
          tags: [`kb:${kbId}`, `doc:${document.id}`],
        });
        const writes = run.replyWrites;
        const { document, created } = await knowledge.addDocument(owner, kbId, upload, {
          metadata,
          name,
          ledgerKey: run.ledgerKey,
          requestId: String(request.id),
          writes: writes && ((ready) => writes(replyOf(ready, true))),
        });
        return replyOf(document, created);
      });
      if (reply_.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(reply_.status as 200).send(reply_.body as z.infer<typeof DocumentSchema>);
    },
  );

  app.get(
    "/v1/knowledge-bases/:id/documents",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Documents of a knowledge base, newest first",
        params: KbParams,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(100),
          cursor: z.string().max(100).optional(),
        }),
        response: {
          200: z.object({ data: z.array(DocumentSchema), nextCursor: z.string().nullable() }),
          ...errors(401, 404),
        },
      },
    },
    async (request) => {
      const owner = ownerOf(request);
      await knowledge.requireKnowledgeBase(owner, request.params.id);
      const { limit, cursor } = request.query;
      const docs = await knowledge.listDocuments(owner, request.params.id, { limit: limit + 1, before: cursor });
      const { page, nextCursor } = cursorPage(docs, limit);
      return { data: page.map(presentDocument), nextCursor };
    },
  );

  app.get(
    "/v1/knowledge-bases/:id/documents/:docId",
    {
      ...customer,
      schema: { tags, security, params: DocParams, response: { 200: DocumentSchema, ...errors(401, 404) } },
    },
    async (request) =>
      presentDocument(await knowledge.requireDocument(ownerOf(request), request.params.id, request.params.docId)),
  );

  app.delete(
    "/v1/knowledge-bases/:id/documents/:docId",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Delete a document permanently (free)",
        params: DocParams,
        response: { 200: ReceiptSchema, ...errors(401, 404) },
      },
    },
    async (request) => {
      const owner = ownerOf(request);
      return presentReceipt(await deleter.deleteDocument(owner, request.params.id, request.params.docId));
    },
  );
}
