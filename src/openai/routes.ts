import type { FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Ledger } from "../credits/ledger.js";
import type { Metering } from "../credits/metering.js";
import { mcToCredits, type Pricing } from "../credits/pricing.js";
import { ApiError } from "../errors.js";
import { principalOf, requireActiveLicense } from "../http/auth.js";
import type { IdempotencyStore } from "../http/idempotency.js";
import { type App, toApiError } from "../http/server.js";
import type { ImageService } from "../images/service.js";
import type { Embedder } from "../knowledge/embedders/embedder.js";
import type { Owner } from "../knowledge/knowledge-base-store.js";
import type { KnowledgeService } from "../knowledge/service.js";
import type { LicenseStore } from "../licenses/store.js";
import type { Deleter } from "../privacy/deleter.js";
import type { BlobStore } from "../storage/blob-store.js";
import { createEmbeddings, EmbeddingsBody } from "./embeddings.js";
import { sendOpenAiError } from "./errors.js";
import { fileBatchRoutes } from "./file-batches.js";
import { fileRoutes } from "./files.js";
import { imageRoutes } from "./images.js";
import type { ModelCatalogue } from "./models.js";
import type { OpenAiStore } from "./store.js";
import { vectorStoreRoutes } from "./vector-stores.js";

export const OPENAI_PREFIX = "/openai/v1";

export interface OpenAiDeps {
  knowledge: KnowledgeService;
  images: ImageService;
  idempotency: IdempotencyStore;
  licenses: LicenseStore;
  ledger: Ledger;
  metering: Metering;
  pricing: () => Pricing;
  embedder: Embedder;
  blobs: BlobStore;
  store: OpenAiStore;
  deleter: Deleter;
  models: ModelCatalogue;
  publicUrl: string;
  imageUrlTtlMs: number;
}

export const CUSTOMER = { config: { auth: "customer" as const } };

export const ownerOf = (request: FastifyRequest): Owner => {
  const p = principalOf(request);
  return { accountId: p.accountId, siteId: p.siteId };
};

/** What this request charged, for the `x-credits-charged` header every answer carries. */
export function setCharged(reply: FastifyReply, mc: number): void {
  reply.header("x-credits-charged", String(mcToCredits(mc)));
}

/** Runs a spending POST under its Idempotency-Key, as the native API does; a replay says so and charged nothing. */
export async function idempotent<T>(
  deps: Pick<OpenAiDeps, "idempotency">,
  request: FastifyRequest,
  reply: FastifyReply,
  fingerprint: unknown,
  work: (
    run: import("../http/idempotency.js").IdempotencyRun,
  ) => Promise<{ body: T; chargedMc: number; tags?: string[] }>,
): Promise<T> {
  let chargedMc = 0;
  const result = await deps.idempotency.run(request, ownerOf(request), fingerprint, async (run) => {
    const out = await work(run);
    chargedMc = out.chargedMc;
    return { status: 200, body: out.body, tags: out.tags };
  });
  if (result.replayed) reply.header("idempotent-replayed", "true");
  setCharged(reply, result.replayed ? 0 : chargedMc);
  return result.body as T;
}

/**
 * The OpenAI-compatible API under /openai/v1: the official SDKs and the plugins that take an OpenAI base URL spend a
 * site's credits through the same services, metering and ledger as the native API. Errors take OpenAI's shape; every
 * answer says what it charged and what is left. Not in our OpenAPI document: OpenAI's own reference is its contract
 * (docs/openai.md lists what is answered and how).
 */
export async function openAiRoutes(app: App, deps: OpenAiDeps): Promise<void> {
  await app.register(
    async (instance) => {
      const scope = instance.withTypeProvider<ZodTypeProvider>() as unknown as App;
      scope.setErrorHandler((error, request, reply) => sendOpenAiError(reply, toApiError(error, request)));
      scope.setNotFoundHandler((request, reply) =>
        sendOpenAiError(
          reply,
          new ApiError("NOT_FOUND", `Unknown request URL: ${request.method} ${request.url.split("?")[0]}`, {
            openaiCode: "unknown_url",
          }),
        ),
      );
      scope.addHook("onSend", async (request, reply, payload) => {
        if (!reply.hasHeader("x-credits-charged")) reply.header("x-credits-charged", "0");
        if (request.principal) {
          const balance = await deps.ledger.balance(request.principal.accountId).catch(() => undefined);
          if (balance) reply.header("x-credits-remaining", String(mcToCredits(balance.availableMc)));
        }
        return payload;
      });

      scope.get("/models", { ...CUSTOMER, schema: { hide: true } }, async () => ({
        object: "list",
        data: deps.models.models.flatMap((m) =>
          [m.id, ...m.aliases].map((id) => ({
            id,
            object: "model",
            created: 0,
            owned_by: "api-credits",
            kind: m.kind,
            ...(id !== m.id ? { alias_of: m.id } : {}),
            ...(m.dimensions ? { dimensions: m.dimensions } : {}),
            ...(m.maxInputTokens ? { max_input_tokens: m.maxInputTokens } : {}),
          })),
        ),
      }));

      scope.get("/models/:model", { ...CUSTOMER, schema: { hide: true } }, async (request) => {
        const name = (request.params as { model: string }).model;
        const m = deps.models.find(name);
        if (!m)
          throw new ApiError("NOT_FOUND", `The model \`${name}\` does not exist`, {
            openaiCode: "model_not_found",
            field: "model",
          });
        return { id: name, object: "model", created: 0, owned_by: "api-credits", kind: m.kind };
      });

      scope.post(
        "/embeddings",
        { ...CUSTOMER, schema: { hide: true, body: EmbeddingsBody } },
        async (request, reply) => {
          const principal = await requireActiveLicense(request, deps.licenses);
          return idempotent(deps, request, reply, request.body, async (run) => {
            const writes = run.replyWrites;
            const { reply: body, chargedMc } = await createEmbeddings(deps, {
              accountId: principal.accountId,
              body: request.body,
              ledgerKey: run.ledgerKey,
              requestId: String(request.id),
              writes: writes && (({ result }) => writes({ status: 200, body: result })),
            });
            return { body, chargedMc };
          });
        },
      );

      // A language model is not something this service runs: say so plainly, never a silent success.
      for (const path of ["/chat/completions", "/completions", "/responses", "/audio/*", "/moderations"])
        scope.all(path, { ...CUSTOMER, schema: { hide: true } }, async () => {
          throw new ApiError(
            "PROVIDER_NOT_CONFIGURED",
            "This service runs no language model: chat, completions, responses, audio and moderations are not offered. It offers embeddings, images, files and vector stores (GET /openai/v1/models).",
            { openaiCode: "unsupported_endpoint" },
          );
        });

      fileRoutes(scope, deps);
      vectorStoreRoutes(scope, deps);
      fileBatchRoutes(scope, deps);
      await imageRoutes(scope, deps);
    },
    { prefix: OPENAI_PREFIX },
  );
}
