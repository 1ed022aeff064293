import type { FastifyReply } from "fastify";
import type { ApiError } from "../errors.js";

/** OpenAI's error `type` for each HTTP status, as its SDKs read it. */
function typeOf(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 402) return "insufficient_quota";
  if (status === 403) return "permission_error";
  if (status === 404) return "invalid_request_error";
  if (status === 409) return "conflict_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/**
 * Statuses the SDK would retry on its own (409, 5xx) although a retry cannot succeed: a different body under the
 * same key, an operation this deployment does not offer. 402 is said explicitly too, as the issue asks.
 */
function shouldNotRetry(error: ApiError): boolean {
  return (
    error.status === 402 ||
    error.code === "IDEMPOTENCY_CONFLICT" ||
    error.code === "PROVIDER_NOT_CONFIGURED" ||
    error.code === "PAYMENTS_NOT_CONFIGURED"
  );
}

/**
 * Writes an ApiError in OpenAI's shape, `{error: {message, type, code, param}}`: `code` is OpenAI's own where one
 * exists (`model_not_found`), otherwise ours (`INSUFFICIENT_CREDITS`); `api_credits_code` is always ours.
 */
export function sendOpenAiError(reply: FastifyReply, error: ApiError): FastifyReply {
  const retryAfter = error.details.retryAfterSeconds;
  if (typeof retryAfter === "number") reply.header("retry-after", String(Math.max(1, Math.ceil(retryAfter))));
  if (shouldNotRetry(error)) reply.header("x-should-retry", "false");
  // Our fields are named from the body (`body.input`); OpenAI names the parameter (`input`).
  const first = (error.details.errors as { field?: string }[] | undefined)?.[0]?.field?.replace(/^body\./, "");
  const field = error.details.field ?? first;
  const openaiCode = error.details.openaiCode;
  return reply
    .status(error.status)
    .type("application/json")
    .header("cache-control", "no-store")
    .send({
      error: {
        message: error.message,
        type: typeOf(error.status),
        code: typeof openaiCode === "string" ? openaiCode : error.code,
        param: typeof field === "string" ? field : null,
        api_credits_code: error.code,
        request_id: String(reply.request.id),
      },
    });
}
