import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { mcToCredits } from "../credits/pricing.js";
import { ApiError } from "../errors.js";
import { principalOf, requireActiveLicense } from "../http/auth.js";
import { signalOnHangUp } from "../http/hang-up.js";
import type { IdempotencyStore } from "../http/idempotency.js";
import { jsonOrMultipart, parseBody, parseJsonField, readMultipart } from "../http/multipart.js";
import { Credits, errors, iso, ScopeSiteId } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { requireScopeChoice } from "../licenses/scope.js";
import type { LicenseStore } from "../licenses/store.js";
import type { Deleter } from "../privacy/deleter.js";
import { ChunkingOptions } from "./chunk.js";
import type { DeletionReceipt } from "./purge.js";
import type { DescribedHit } from "./search.js";
import type { KnowledgeService } from "./service.js";
import type { KnowledgeBase, KnowledgeDocument, Owner } from "./store.js";

const MetadataSchema = z
  .record(z.string().min(1).max(64), z.union([z.string().max(500), z.number(), z.boolean()]))
  .refine((m) => Object.keys(m).length <= 32, "at most 32 metadata keys")
  .describe("Your own fields, copied onto every passage so queries can filter on them");

const KnowledgeBaseSchema = z.object({
  id: z.string(),
  name: z.string(),
  siteId: ScopeSiteId,
  description: z.string().nullable(),
  documentCount: z.number().int(),
  embeddingModel: z.string(),
  chunking: z.object({ chunkTokens: z.number().int(), overlapTokens: z.number().int() }),
  createdAt: z.string(),
});

const DocumentSchema = z.object({
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

const ReceiptSchema = z.object({
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

const QueryBody = z.object({
  query: z.string().trim().min(1).max(2000),
  topK: z.number().int().min(1).max(50).default(5),
  mode: z.enum(["hybrid", "semantic", "keyword"]).default("hybrid"),
  filter: z
    .object({
      documentIds: z.array(z.string().max(100)).min(1).max(100).optional(),
      metadata: z.record(z.string().max(64), z.union([z.string(), z.number(), z.boolean()])).optional(),
    })
    .optional(),
});

function presentKb(kb: KnowledgeBase): z.infer<typeof KnowledgeBaseSchema> {
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

const ownerOf = (request: FastifyRequest): Owner => {
  const p = principalOf(request);
  return { accountId: p.accountId, siteId: p.siteId };
};

const KbParams = z.object({ id: z.string().max(100) });
const DocParams = z.object({ id: z.string().max(100), docId: z.string().max(100) });

export function knowledgeRoutes(
  app: App,
  deps: { knowledge: KnowledgeService; licenses: LicenseStore; idempotency: IdempotencyStore; deleter: Deleter },
): void {
  const { knowledge, licenses, idempotency, deleter } = deps;
  const customer = { config: { auth: "customer" as const } };
  const tags = ["knowledge"];
  const requireScope = (owner: Owner, siteId: string | null | undefined) => requireScopeChoice(licenses, owner, siteId);
  const security = [{ apiKey: [] }];

  app.post(
    "/v1/knowledge-bases",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Create a knowledge base",
        body: z.object({
          name: z.string().trim().min(1).max(200),
          description: z.string().max(2000).optional(),
          chunking: ChunkingOptions.optional(),
          siteId: ScopeSiteId.optional().describe(
            "owner only: restrict it to one site of the account (default null: every site); a site's key always creates its own site's",
          ),
        }),
        response: { 201: KnowledgeBaseSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await requireActiveLicense(request, licenses);
      const owner = ownerOf(request);
      await requireScope(owner, request.body.siteId);
      const kb = await knowledge.createKnowledgeBase(owner, request.body);
      return reply.status(201).send(presentKb(kb));
    },
  );

  app.patch(
    "/v1/knowledge-bases/:id",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Rename a knowledge base, or (owner only) change which sites may use it",
        params: KbParams,
        body: z.object({ name: z.string().trim().min(1).max(200).optional(), siteId: ScopeSiteId.optional() }),
        response: { 200: KnowledgeBaseSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const owner = ownerOf(request);
      await requireScope(owner, request.body.siteId);
      return presentKb(await knowledge.updateKnowledgeBase(owner, request.params.id, request.body));
    },
  );

  app.get(
    "/v1/knowledge-bases",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Knowledge bases",
        response: { 200: z.object({ data: z.array(KnowledgeBaseSchema) }), ...errors(401) },
      },
    },
    async (request) => ({ data: (await knowledge.listKnowledgeBases(ownerOf(request))).map(presentKb) }),
  );

  app.get(
    "/v1/knowledge-bases/:id",
    {
      ...customer,
      schema: { tags, security, params: KbParams, response: { 200: KnowledgeBaseSchema, ...errors(401, 404) } },
    },
    async (request) => presentKb(await knowledge.requireKnowledgeBase(ownerOf(request), request.params.id)),
  );

  app.delete(
    "/v1/knowledge-bases/:id",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Delete a knowledge base and everything in it, permanently (free)",
        params: KbParams,
        response: { 200: ReceiptSchema, ...errors(401, 404) },
      },
    },
    async (request) => {
      const owner = ownerOf(request);
      return presentReceipt(await deleter.deleteKnowledgeBase(owner, request.params.id));
    },
  );

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
      let upload: Parameters<KnowledgeService["addDocument"]>[2];
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
      const page = docs.slice(0, limit);
      return { data: page.map(presentDocument), nextCursor: docs.length > limit ? page.at(-1)!.id : null };
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

  app.post(
    "/v1/knowledge-bases/:id/query",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Search a knowledge base (1 credit)",
        description:
          "Semantic and hybrid searches wait for the embedding model. When it cannot embed the query within the " +
          "configured wait (EMBEDDING_QUERY_MAX_WAIT_MS, local model), the search is refused at once and nothing " +
          "is charged: 503 `SERVICE_UNAVAILABLE`, or 429 `RATE_LIMITED` when this account holds more than its " +
          "share of the queue; both carry `Retry-After` (seconds) and `retryAfterSeconds`. Accounts are served in " +
          "turn, each account's searches in arrival order. A search without `Idempotency-Key` whose client closes " +
          "the connection before the answer is stopped and not charged (its hold is released); with a key it runs " +
          "to completion and a retry with the same key gets its reply.",
        params: KbParams,
        headers: z.object({ "idempotency-key": z.string().max(255).optional() }),
        body: QueryBody,
        response: {
          200: z.object({
            results: z.array(
              z.object({
                documentId: z.string(),
                documentName: z.string(),
                text: z.string(),
                score: z.number(),
                page: z.number().int().optional(),
                position: z.number().int(),
                heading: z.string().optional(),
                url: z.string().optional(),
              }),
            ),
            mode: z.enum(["hybrid", "semantic", "keyword"]).describe("The mode used"),
            credits: Credits,
          }),
          ...errors(400, 401, 402, 403, 404, 409, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const principal = await requireActiveLicense(request, licenses);
      const owner = { accountId: principal.accountId, siteId: principal.siteId };
      const kbId = request.params.id;
      // An unkeyed search whose client hangs up before the answer stops and is not charged; a keyed one runs to
      // completion, so that a retry with the same key is answered from its stored reply.
      const signal = request.headers["idempotency-key"] === undefined ? signalOnHangUp(reply) : undefined;
      const result = await idempotency.run(request, owner, request.body, async (run) => {
        const replyOf = ({ hits, mode, chargedMc }: { hits: DescribedHit[]; mode: string; chargedMc: number }) => ({
          status: 200,
          tags: [`kb:${kbId}`],
          body: {
            results: hits.map((h) => ({
              documentId: h.documentId,
              documentName: h.documentName,
              text: h.text,
              score: h.score,
              ...(h.page !== undefined ? { page: h.page } : {}),
              position: h.position,
              ...(h.heading ? { heading: h.heading } : {}),
              ...(h.url ? { url: h.url } : {}),
            })),
            mode,
            credits: mcToCredits(chargedMc),
          },
        });
        const writes = run.replyWrites;
        return replyOf(
          await knowledge.query(owner, kbId, request.body, {
            ledgerKey: run.ledgerKey,
            requestId: String(request.id),
            signal,
            writes: writes && ((outcome) => writes(replyOf(outcome))),
          }),
        );
      });
      if (result.replayed) reply.header("idempotent-replayed", "true");
      return result.body as never;
    },
  );
}
