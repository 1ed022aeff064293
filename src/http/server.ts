import { readFileSync } from "node:fs";
import fastifyMultipart from "@fastify/multipart";
import fastifySwagger from "@fastify/swagger";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { isDatabaseUnavailable } from "../db/unavailable.js";
import { ApiError, isApiError, toProblem } from "../errors.js";
import { newId } from "../lib/ids.js";
import { prettyLogStream } from "../lib/pretty-log.js";
import type { Metrics } from "./metrics.js";
import { checkRequestText, parseJsonText, textOfBytes, textRefusal } from "./text-rule.js";

export type App = FastifyInstance<
  import("node:http").Server,
  import("node:http").IncomingMessage,
  import("node:http").ServerResponse,
  import("fastify").FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ServerOptions {
  logLevel: string;
  /** `auto`: readable lines when stdout is a terminal, JSON lines (for a log collector) otherwise. */
  logFormat: "auto" | "json" | "pretty";
  bodyLimitBytes: number;
  /** Largest file a multipart upload may carry. */
  uploadLimitBytes: number;
  trustProxy: boolean;
  tls?: { certFile: string; keyFile: string };
  publicUrl: string;
  version: string;
  /** Check every response against its zod schema (development and tests). */
  validateResponses: boolean;
  metrics: Metrics;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

// Request ids need to be unique, not secret: a random prefix per process and a counter (no crypto per request).
const REQUEST_PREFIX = newId("req").slice(0, 22);
let requestCounter = 0;
const nextRequestId = () => `${REQUEST_PREFIX}${(requestCounter++).toString(36).padStart(6, "0")}`;

/** pino's default destination writes JSON lines to stdout; a person at a terminal gets readable lines instead. */
function logDestination(format: ServerOptions["logFormat"]) {
  const stdout = process.stdout;
  const terminal = stdout.isTTY === true;
  if (format === "json" || (format === "auto" && !terminal)) return {};
  // hasColors() honours NO_COLOR, FORCE_COLOR and TERM=dumb.
  return { stream: prettyLogStream(stdout, { color: terminal && stdout.hasColors() }) };
}

export function sendProblem(reply: FastifyReply, error: ApiError): FastifyReply {
  // RFC 9110 Retry-After in seconds, for 429 and 503 answers that know when to come back.
  const retryAfter = error.details.retryAfterSeconds;
  if (typeof retryAfter === "number") reply.header("retry-after", String(Math.max(1, Math.ceil(retryAfter))));
  return reply
    .status(error.status)
    .type("application/problem+json")
    .header("cache-control", "no-store")
    .send(toProblem(error, String(reply.request.id)));
}

/** Maps anything thrown while serving a request to an ApiError; unknown errors become INTERNAL (logged, not shown). */
export function toApiError(error: unknown, request: FastifyRequest): ApiError {
  if (isApiError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? "body";
    const errors = error.validation.map((v) => ({
      field: `${where}${v.instancePath ? v.instancePath.replaceAll("/", ".") : ""}`,
      message: v.message ?? "invalid",
    }));
    const first = errors[0];
    return new ApiError("VALIDATION_FAILED", first ? `${first.field}: ${first.message}` : "invalid request", {
      errors,
    });
  }
  const e = error as FastifyError;
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error }, "response did not match its schema");
    return new ApiError("INTERNAL", "Internal error");
  }
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
    case "FST_REQ_FILE_TOO_LARGE":
    case "FST_PARTS_LIMIT":
    case "FST_FILES_LIMIT":
      return new ApiError("PAYLOAD_TOO_LARGE", e.message);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_INVALID_MULTIPART_CONTENT_TYPE":
      return new ApiError("UNSUPPORTED_MEDIA_TYPE", e.message);
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ApiError("VALIDATION_FAILED", "the JSON body is empty");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new ApiError("VALIDATION_FAILED", "the body is not valid JSON");
  }
  if (e instanceof SyntaxError || (e.statusCode === 400 && /JSON/i.test(e.message)))
    return new ApiError("VALIDATION_FAILED", `the body is not valid JSON: ${e.message}`);
  if (e.statusCode === 413) return new ApiError("PAYLOAD_TOO_LARGE", e.message);
  if (e.statusCode === 415) return new ApiError("UNSUPPORTED_MEDIA_TYPE", e.message);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new ApiError("VALIDATION_FAILED", e.message);
  // Whether credits moved, when the metering path knows (see markNothingCharged): a client without an
  // Idempotency-Key needs it to decide whether to retry.
  const charged = (error as { charged?: boolean }).charged;
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, "database unavailable");
    return new ApiError("SERVICE_UNAVAILABLE", "the service's database is unavailable for a moment; retry shortly", {
      retryAfterSeconds: 5,
      ...(charged === false ? { charged } : {}),
    });
  }
  request.log.error({ err: error }, "unhandled error");
  return new ApiError("INTERNAL", "Internal error", charged === false ? { charged } : {});
}

/** The path parameter whose %-escapes are not UTF-8, found by routing the path with that segment made harmless. */
function badPathField(app: App, request: FastifyRequest): string {
  const MARK = "not-utf8-segment";
  const [path = ""] = (request.raw.url ?? "").split("?");
  const segments = path.split("/").map((segment) => {
    try {
      decodeURIComponent(segment);
      return segment;
    } catch {
      return MARK;
    }
  });
  const found = app.findRoute({ method: request.method as "GET", url: segments.join("/") });
  const param = Object.entries((found?.params ?? {}) as Record<string, string>).find(([, v]) => v === MARK)?.[0];
  return param ? `params.${param}` : "path";
}

/** Fastify with zod at the edge, problem+json errors, request ids, metrics and the OpenAPI document. */
export async function createServer(options: ServerOptions): Promise<App> {
  const base = {
    logger: {
      level: options.logLevel,
      redact: ["req.headers.authorization", "req.headers.cookie", "req.headers['stripe-signature']"],
      ...logDestination(options.logFormat),
    },
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.trustProxy,
    genReqId: (req: import("node:http").IncomingMessage) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : nextRequestId();
    },
    return503OnClosing: true,
    forceCloseConnections: "idle" as const,
    // A path segment whose %-escapes are not UTF-8 never reaches a route: it is refused here, naming the parameter.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      reply.header("x-request-id", request.id);
      const problem =
        error.code === "FST_ERR_BAD_URL"
          ? textRefusal(badPathField(app, request), "not_utf8")
          : toApiError(error, request);
      return sendProblem(reply, problem);
    },
  };
  const instance = options.tls
    ? Fastify({ ...base, https: { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) } })
    : Fastify(base);
  const app = instance.withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  // Responses are checked against their schemas in development and tests (contract drift fails loudly there); in
  // production they are plain JSON.stringify — the handlers build every response field by field already.
  app.setSerializerCompiler(options.validateResponses ? serializerCompiler : () => (data) => JSON.stringify(data));

  // Hooks that never wait are written with `done`: an async hook costs every request a promise and a turn of the
  // microtask queue for nothing.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    try {
      checkRequestText(request);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });

  // JSON bodies are parsed from their bytes so that invalid UTF-8 is refused (naming the field) instead of decoded
  // to U+FFFD; the prototype-poisoning protection is Fastify's own parser's.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body: Buffer, done) => {
    try {
      // Fastify's parser calls back synchronously.
      const parse = (text: string) => {
        let result: { error: Error | null; value?: unknown } = { error: null };
        parseJson(request, text, (error, value) => {
          result = { error, value };
        });
        if (result.error) throw result.error;
        return result.value;
      };
      done(null, parseJsonText(body, parse));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser("text/plain", { parseAs: "buffer" }, (_request, body: Buffer, done) => {
    try {
      done(null, textOfBytes(body, "body"));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addHook("onResponse", (request, reply, done) => {
    options.metrics.httpRequests.observe(
      { method: request.method, route: request.routeOptions.url ?? "unmatched", status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.setErrorHandler((error, request, reply) => sendProblem(reply, toApiError(error, request)));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new ApiError("NOT_FOUND", `no route ${request.method} ${request.url.split("?")[0]}`)),
  );

  // Multipart is parsed only by the routes that read it (request.parts()): a document, or an image and its mask.
  // Every part is handed over as a stream of bytes, fields too (`readMultipart` tells them apart by the file name):
  // the parser would decode a field's invalid UTF-8 to U+FFFD, and text must be checked as the bytes that came.
  await app.register(fastifyMultipart, {
    limits: { fileSize: options.uploadLimitBytes, files: 24, parts: 25 },
    throwFileSizeLimit: true,
    isPartAFile: () => true,
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "api-credits",
        version: options.version,
        description:
          "Prepaid AI credits: knowledge bases and image generation, metered in credits. Errors are " +
          "application/problem+json with a stable `code`. Amounts of credits are numbers with up to three decimals. " +
          "Text: every string the service accepts (JSON bodies, multipart fields and file names, query and path " +
          "parameters, the Idempotency-Key header) must be UTF-8 without U+0000; otherwise the answer is 400 " +
          "`VALIDATION_FAILED` naming the field in `errors[0].field` (for example `body.metadata.author`, `name`, " +
          "`querystring.cursor`, `params.id`), and nothing is changed or charged. A multipart form carries at most " +
          "20 fields of at most 100,000 bytes each (413 beyond).\n\n" +
          "**Idempotency.** Every POST that spends credits accepts `Idempotency-Key` (1–255 visible ASCII characters), " +
          "scoped to the caller (account and site). The first request runs; its final reply — a success, or a client " +
          "error decided after it began (402, 404, 422) — is kept 24 hours and replayed for the same key and body " +
          "(header `Idempotent-Replayed: true`; a replayed error carries `replayed: true`). Another body: 409 " +
          "`IDEMPOTENCY_CONFLICT` (do not retry). While the first still runs: 409 `IDEMPOTENCY_IN_PROGRESS` with " +
          "`Retry-After`. A reply that charged credits is stored in the same transaction as the charge, so a retry " +
          "after any crash or outage replays it and never charges twice. After a server error (5xx) retry with the " +
          "same key.\n\n**Who sees what.** Keys are the account owner's (a licence key, or the dashboard signed in with it) " +
          "or a site's (`ak_…`). Knowledge bases and images the owner creates are shared by every site of the account " +
          "unless the owner restricts one to a site (`siteId`); what a site's key creates is that site's. A site's key " +
          "reads the shared resources and its own site's and changes (uploads, deletes) only its own site's (403 " +
          "otherwise); another site's resources and another account's answer 404. Only the owner moves a resource " +
          "between scopes (`PATCH`). `DELETE /v1/data` with a site's key erases that site's data only.\n\n**Outages.** When the database is unreachable the service answers 503 `SERVICE_UNAVAILABLE` " +
          "with `Retry-After`. `charged: false` in a 5xx problem means nothing was charged; without it, a request " +
          "sent without a key may have been charged (its ledger shows it) — send an `Idempotency-Key` to be sure.\n\n" +
          "**Rate limits.** The operator may hold each key to a number of requests per second with a burst. A request " +
          "over it is answered 429 `RATE_LIMITED` with `Retry-After` (seconds) and `retryAfterSeconds` before anything " +
          "runs: nothing is changed or charged, so retry after that delay. Limited responses carry `RateLimit-Limit` " +
          "(the burst), `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the full burst is back), also as " +
          "`X-RateLimit-*`. Each API key has its own budget; a licence key and the dashboard share the licence's; " +
          "routes without a key may be limited per client address.",
      },
      servers: [{ url: options.publicUrl }],
      components: {
        securitySchemes: {
          apiKey: { type: "http", scheme: "bearer", description: "A site's API key, or a licence key" },
          adminToken: { type: "http", scheme: "bearer", description: "The operator's ADMIN_TOKEN" },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  return app;
}
