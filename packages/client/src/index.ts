import createFetchClient, { type Client } from "openapi-fetch";
import { ApiCreditsError, type Problem } from "./errors.js";
import { fetchWithRetries, type RetryOptions } from "./retry.js";
import type { paths } from "./schema.js";

export { ApiCreditsError, type Problem } from "./errors.js";
export { fetchWithRetries, isSafeToRetry, type RetryOptions } from "./retry.js";
export type { components, paths } from "./schema.js";

type Json<R> = R extends { content: { "application/json": infer B } } ? B : never;
/** The JSON body a route answers with `status`. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P], S extends number = 200> = paths[P][M] extends {
  responses: infer R;
}
  ? S extends keyof R
    ? Json<R[S]>
    : never
  : never;

export type Document = ResponseOf<"/v1/knowledge-bases/{id}/documents/{docId}", "get">;
export type DocumentCreated =
  | ResponseOf<"/v1/knowledge-bases/{id}/documents", "post", 200>
  | ResponseOf<"/v1/knowledge-bases/{id}/documents", "post", 201>
  | ResponseOf<"/v1/knowledge-bases/{id}/documents", "post", 202>;

export interface ClientOptions extends RetryOptions {
  /** The service's base URL, e.g. https://credits.example.com */
  baseUrl: string;
  /** A site's API key (`ak_…`), a licence key (`lk_…`), or the operator's admin token for `/v1/admin` routes. */
  apiKey: string;
  fetch?: typeof fetch;
  /** Makes the Idempotency-Key of a POST sent without one (default `crypto.randomUUID()`). */
  idempotencyKey?: () => string;
}

export interface UploadInput {
  /** A file's path (streamed from disk, Node), or its bytes. */
  file: string | Blob;
  filename?: string;
  name?: string;
  metadata?: Record<string, string | number | boolean>;
  /** Sent as the Idempotency-Key (default: a new one, kept for this call's retries). */
  idempotencyKey?: string;
}

export interface WaitOptions {
  onProgress?: (document: Document) => void;
  intervalMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ApiCreditsClient {
  /** Every route, typed from the service's OpenAPI document: `api.POST("/v1/knowledge-bases/{id}/query", …)`. */
  api: Client<paths>;
  /** The data of a call's answer, or its problem thrown as an ApiCreditsError. */
  unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T>;
  /** Uploads a file as a document (multipart, streamed from disk); retried safely under one Idempotency-Key. */
  uploadDocument(knowledgeBaseId: string, input: UploadInput): Promise<DocumentCreated>;
  /** Polls a document until it is ready (returned) or failed (thrown), reporting progress. */
  waitForDocument(knowledgeBaseId: string, documentId: string, options?: WaitOptions): Promise<Document>;
}

/**
 * A client of the api-credits HTTP API. Every POST carries an Idempotency-Key (one per call, the same on each of its
 * retries), so a retry after a dropped connection replays the first result instead of charging again; GETs and
 * keyed POSTs are retried on network failures, 408/429/5xx and a key still in progress, honouring Retry-After.
 */
export function createApiCreditsClient(options: ClientOptions): ApiCreditsClient {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const makeKey = options.idempotencyKey ?? (() => crypto.randomUUID());
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const authorization = `Bearer ${options.apiKey}`;
  const api = createFetchClient<paths>({
    baseUrl,
    headers: { authorization },
    fetch: (request: Request) => fetchWithRetries(() => request.clone(), options, fetchImpl),
  });
  api.use({
    onRequest({ request }) {
      if (request.method === "POST" && !request.headers.has("idempotency-key"))
        request.headers.set("idempotency-key", makeKey());
      return request;
    },
  });

  async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    const { data, error, response } = await call;
    if (response.ok) return data as T;
    const body = (error && typeof error === "object" ? error : {}) as Partial<Problem>;
    throw new ApiCreditsError({
      ...body,
      type: body.type ?? "about:blank",
      title: body.title ?? response.statusText,
      status: response.status,
      code: body.code ?? `HTTP_${response.status}`,
      detail: body.detail ?? (typeof error === "string" ? error : response.statusText),
    });
  }

  async function uploadDocument(knowledgeBaseId: string, input: UploadInput): Promise<DocumentCreated> {
    const key = input.idempotencyKey ?? makeKey();
    const url = `${baseUrl}/v1/knowledge-bases/${encodeURIComponent(knowledgeBaseId)}/documents`;
    const response = await fetchWithRetries(
      async () => {
        // A fresh form per attempt: a file on disk is read again rather than held in memory.
        const form = new FormData();
        const blob = typeof input.file === "string" ? await fileBlob(input.file) : input.file;
        const filename = input.filename ?? (typeof input.file === "string" ? baseName(input.file) : "upload");
        if (input.name) form.set("name", input.name);
        if (input.metadata) form.set("metadata", JSON.stringify(input.metadata));
        form.set("file", blob, filename);
        return new Request(url, { method: "POST", headers: { authorization, "idempotency-key": key }, body: form });
      },
      options,
      fetchImpl,
    );
    if (!response.ok) throw await ApiCreditsError.fromResponse(response);
    return (await response.json()) as DocumentCreated;
  }

  async function waitForDocument(knowledgeBaseId: string, documentId: string, wait: WaitOptions = {}) {
    const deadline = Date.now() + (wait.timeoutMs ?? 10 * 60_000);
    for (;;) {
      const document = await unwrap(
        api.GET("/v1/knowledge-bases/{id}/documents/{docId}", {
          params: { path: { id: knowledgeBaseId, docId: documentId } },
          signal: wait.signal,
        }),
      );
      wait.onProgress?.(document);
      if (document.status === "ready") return document;
      if (document.status === "failed")
        throw new ApiCreditsError({
          type: "about:blank",
          title: "The document could not be indexed",
          status: 422,
          code: document.error?.code ?? "DOCUMENT_FAILED",
          detail: document.error?.message ?? "the document could not be indexed",
        });
      if (Date.now() > deadline)
        throw new ApiCreditsError({
          type: "about:blank",
          title: "Still indexing",
          status: 0,
          code: "TIMEOUT",
          detail: `the document was still ${document.status} when the wait ended`,
        });
      await new Promise((resolve) => setTimeout(resolve, wait.intervalMs ?? 1000));
    }
  }

  return { api, unwrap, uploadDocument, waitForDocument };
}

async function fileBlob(path: string): Promise<Blob> {
  const { openAsBlob } = await import("node:fs");
  return openAsBlob(path);
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || "upload";
}
