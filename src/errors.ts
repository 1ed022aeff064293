/**
 * The one error type of the service and its closed list of codes. Every failure a client can see is an
 * `ApiError`; the HTTP layer turns it into `application/problem+json` (RFC 9457) with the code's status.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, title: "The request is not valid" },
  WEBHOOK_SIGNATURE_INVALID: { status: 400, title: "The webhook signature is missing, wrong or stale" },
  UNAUTHENTICATED: { status: 401, title: "A valid API key is required" },
  INSUFFICIENT_CREDITS: { status: 402, title: "Not enough credits" },
  SPEND_LIMIT_REACHED: { status: 402, title: "A spending limit is reached" },
  FORBIDDEN: { status: 403, title: "Not allowed" },
  LICENSE_INACTIVE: { status: 403, title: "The licence is not active" },
  ACTIVATION_CODE_UNUSABLE: {
    status: 403,
    title: "The activation code was used, revoked, has expired or is for another site",
  },
  NOT_FOUND: { status: 404, title: "Not found" },
  LICENSE_SITE_LIMIT: { status: 409, title: "The licence has no site left to activate" },
  IDEMPOTENCY_CONFLICT: { status: 409, title: "The idempotency key was used with a different request" },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: "A request with this idempotency key is still running" },
  CONFLICT: { status: 409, title: "The resource is not in a state that allows this" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "The request body is too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "The request's content type is not supported" },
  UNSUPPORTED_FILE_TYPE: { status: 415, title: "The file type is not supported" },
  DOCUMENT_UNREADABLE: { status: 422, title: "The document has no text that can be extracted" },
  URL_NOT_ALLOWED: { status: 422, title: "The URL points somewhere the service does not fetch from" },
  CONTENT_FILTERED: { status: 422, title: "The provider's safety filter refused the request" },
  RATE_LIMITED: { status: 429, title: "Too many requests" },
  // Nobody reads it (the client is gone); it names the outcome in logs, metrics and the ledger's release reason.
  CLIENT_CLOSED_REQUEST: { status: 499, title: "The client closed the connection before the answer" },
  INTERNAL: { status: 500, title: "Internal error" },
  PROVIDER_NOT_CONFIGURED: { status: 501, title: "No provider is configured for this operation" },
  PAYMENTS_NOT_CONFIGURED: { status: 501, title: "Payments are not configured" },
  PROVIDER_ERROR: { status: 502, title: "The upstream provider failed" },
  SERVICE_UNAVAILABLE: { status: 503, title: "The service is not available right now" },
  PROVIDER_TIMEOUT: { status: 504, title: "The upstream provider did not answer in time" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extension members of the problem document (for example `needed` and `available`). */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, detail?: string, details: Record<string, unknown> = {}) {
    super(detail ?? ERROR_CODES[code].title);
    this.name = "ApiError";
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = details;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  requestId?: string;
  [extension: string]: unknown;
}

export function toProblem(error: ApiError, requestId?: string): Problem {
  return {
    type: `urn:api-credits:error:${error.code}`,
    title: ERROR_CODES[error.code].title,
    status: error.status,
    code: error.code,
    detail: error.message,
    ...error.details,
    ...(requestId ? { requestId } : {}),
  };
}
