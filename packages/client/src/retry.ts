import { ApiCreditsError } from "./errors.js";

export interface RetryOptions {
  /** Attempts after the first (default 3). */
  retries?: number;
  /** First back-off in ms, doubled per attempt with jitter (default 500). */
  baseDelayMs?: number;
  /** The longest wait between attempts, Retry-After included (default 30 s). */
  maxDelayMs?: number;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Whether a request may be sent again: a method that is idempotent, or a POST carrying an Idempotency-Key. */
export function isSafeToRetry(request: Request): boolean {
  if (["GET", "HEAD", "PUT", "DELETE", "OPTIONS"].includes(request.method)) return true;
  return request.method === "POST" && request.headers.has("idempotency-key");
}

/** Whether an answer means "try again later" (a 409 only while the same key's first run is still going). */
async function shouldRetry(response: Response): Promise<boolean> {
  if (RETRYABLE_STATUS.has(response.status)) return true;
  if (response.status !== 409) return false;
  const body = (await response
    .clone()
    .json()
    .catch(() => ({}))) as { code?: string };
  return body.code === "IDEMPOTENCY_IN_PROGRESS";
}

function delayFor(attempt: number, response: Response | undefined, options: Required<RetryOptions>): number {
  const header = response?.headers.get("retry-after");
  const seconds = header ? Number(header) : Number.NaN;
  const backoff = options.baseDelayMs * 2 ** attempt * (0.5 + Math.random() / 2);
  return Math.min(options.maxDelayMs, Number.isFinite(seconds) ? seconds * 1000 : backoff);
}

/**
 * A fetch that sends a request again after a dropped connection or a "try later" answer — only when sending it
 * twice cannot charge twice (the service replays a keyed POST's first result). `make` builds a fresh request per
 * attempt (a streamed body can be read once).
 */
export async function fetchWithRetries(
  make: () => Request | Promise<Request>,
  options: RetryOptions = {},
  fetchImpl: typeof fetch = fetch,
): Promise<Response> {
  const opts: Required<RetryOptions> = { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000, ...options };
  for (let attempt = 0; ; attempt++) {
    const request = await make();
    const retryable = isSafeToRetry(request) && attempt < opts.retries;
    let response: Response | undefined;
    try {
      response = await fetchImpl(request);
    } catch (error) {
      if (!retryable || request.signal.aborted)
        throw new ApiCreditsError({
          type: "about:blank",
          title: "The service could not be reached",
          status: 0,
          code: "NETWORK",
          detail: (error as Error).message,
        });
    }
    if (response && (!retryable || !(await shouldRetry(response)))) return response;
    await response?.body?.cancel().catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, delayFor(attempt, response, opts)));
  }
}
