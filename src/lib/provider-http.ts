import { ApiError } from "../errors.js";

export interface ProviderFetchOptions {
  /** Provider name, for error messages ("openai", "stability"…). */
  provider: string;
  /** Attempts in all, the first included (429 and 5xx and network failures are retried). */
  attempts?: number;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** First backoff delay; doubles each retry, with jitter, capped at 20 s. Retry-After wins when present. */
  backoffMs?: number;
  signal?: AbortSignal;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

function retryAfterMs(res: Response): number | undefined {
  const header = res.headers.get("retry-after");
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/**
 * fetch for upstream AI providers: a timeout per attempt, retries with exponential backoff on 429, 5xx and network
 * errors, and ApiErrors that name the provider. A response that is neither retried nor OK is returned as it is, so
 * the adapter can read the provider's own error body (safety refusals, validation errors).
 */
export async function providerFetch(url: string, init: RequestInit, options: ProviderFetchOptions): Promise<Response> {
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 120_000;
  let delay = options.backoffMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted)
      throw new ApiError("PROVIDER_TIMEOUT", `${options.provider}: the request was cancelled`);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let res: Response | undefined;
    let failure: ApiError | undefined;
    try {
      res = await fetch(url, { ...init, signal });
    } catch (error) {
      failure = timeout.aborted
        ? new ApiError("PROVIDER_TIMEOUT", `${options.provider} did not answer within ${timeoutMs} ms`)
        : options.signal?.aborted
          ? new ApiError("PROVIDER_TIMEOUT", `${options.provider}: the request was cancelled`)
          : new ApiError("PROVIDER_ERROR", `${options.provider} could not be reached: ${(error as Error).message}`);
      if (options.signal?.aborted) throw failure;
    }
    const retryable = failure !== undefined || (res !== undefined && (res.status === 429 || res.status >= 500));
    if (!retryable) return res!;
    if (attempt >= attempts) {
      if (failure) throw failure;
      const body = await res!.text().catch(() => "");
      const detail = `${options.provider} answered ${res!.status}${body ? `: ${body.slice(0, 300)}` : ""}`;
      throw new ApiError(res!.status === 429 ? "RATE_LIMITED" : "PROVIDER_ERROR", detail, {
        upstreamStatus: res!.status,
      });
    }
    const wait = (res && retryAfterMs(res)) ?? Math.min(20_000, delay * (0.75 + Math.random() * 0.5));
    await res?.body?.cancel().catch(() => {});
    await sleep(wait, options.signal);
    delay *= 2;
  }
}

/** Reads a JSON body, turning a malformed one into PROVIDER_ERROR. */
export async function readJson<T>(res: Response, provider: string): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError("PROVIDER_ERROR", `${provider} answered ${res.status} with a body that is not JSON`);
  }
}
