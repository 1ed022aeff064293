import { ApiError } from "../errors.js";

/** Words image providers use when their safety system refuses a prompt or an image (in the error they return). */
const MODERATION = /moderation|content[_ ]polic|safety system|content[_ ]filter|blocked by (our|the) safety/i;

/**
 * What a provider's failure means to the customer. The provider's account is the operator's, not the customer's:
 * its 401/402/403 (bad key, no credit, no quota) and a 429 that outlasted our retries say "the service cannot make
 * images right now" — a 503, nothing charged — and are reported to the operator (`onOperatorProblem`: log and
 * metric), never shown as if the customer's balance or key were at fault. A moderation refusal, whatever its status,
 * is CONTENT_FILTERED with the provider's own reason. Everything else passes unchanged.
 */
export function toCustomerFailure(error: unknown, onOperatorProblem?: (problem: OperatorProblem) => void): unknown {
  if (!(error instanceof ApiError) || error.code === "CONTENT_FILTERED") return error;
  const upstreamStatus = typeof error.details.upstreamStatus === "number" ? error.details.upstreamStatus : undefined;
  const fromProvider = upstreamStatus !== undefined || error.code === "PROVIDER_ERROR" || error.code === "RATE_LIMITED";
  if (!fromProvider) return error;
  if (MODERATION.test(error.message))
    return new ApiError(
      "CONTENT_FILTERED",
      `The image provider's safety system refused this request: ${reasonOf(error.message)}`,
      { filtered: 1, providerReason: reasonOf(error.message), charged: false },
    );
  const accountProblem = upstreamStatus === 401 || upstreamStatus === 402 || upstreamStatus === 403;
  if (accountProblem || error.code === "RATE_LIMITED") {
    onOperatorProblem?.({ provider: providerOf(error.message), upstreamStatus, detail: error.message });
    return new ApiError(
      "SERVICE_UNAVAILABLE",
      "Image generation is temporarily unavailable. Nothing was charged; please try again later.",
      { retryAfterSeconds: 60, charged: false },
    );
  }
  return error;
}

/** "stability answered 403: {…}" → the provider's words, without our prefix. */
function reasonOf(message: string): string {
  return message.replace(/^[\w-]+( answered \d+)?: ?/, "").slice(0, 300);
}

function providerOf(message: string): string | undefined {
  return /^([\w-]+)[ :]/.exec(message)?.[1];
}

type OperatorProblem = { provider?: string; upstreamStatus?: number; detail: string };

/** The provider-account failures this process saw since it started, per provider and status, for the admin page. */
export class ProviderAccountFailures {
  private readonly byKey = new Map<
    string,
    { provider: string; status: string; count: number; lastAt: number; lastDetail: string }
  >();

  record(provider: string, status: string, detail: string): void {
    const key = `${provider} ${status}`;
    const seen = this.byKey.get(key) ?? { provider, status, count: 0, lastAt: 0, lastDetail: "" };
    seen.count++;
    seen.lastAt = Date.now();
    seen.lastDetail = detail.slice(0, 300);
    this.byKey.set(key, seen);
  }

  /** Most recent first. */
  list() {
    return [...this.byKey.values()].sort((a, b) => b.lastAt - a.lastAt);
  }
}

/**
 * Tells the operator: an error log line, a count per provider and status (`provider_account_failures_total`), and the
 * admin page's list of recent failures.
 */
export function reportToOperator(
  log: { error(obj: object, msg: string): void },
  counter: { inc(labels: { provider: string; status: string }): void },
  recent?: ProviderAccountFailures,
): (problem: OperatorProblem) => void {
  return (problem) => {
    log.error(problem, "an image provider refused the operator's account: check its key, credit and quota");
    const labels = { provider: problem.provider ?? "unknown", status: String(problem.upstreamStatus ?? "") };
    counter.inc(labels);
    recent?.record(labels.provider, labels.status, problem.detail);
  };
}
