import type { FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../../errors.js";
import type { Principal } from "../auth.js";
import type { App } from "../server.js";
import type { RateDecision, RateLimit, RateLimiter } from "./limiter.js";

/** Which rate a customer is held to (the licences domain provides it: the operator's default or a key's override). */
export interface RequestLimits {
  /** The rate for this principal, or undefined when it is not limited. Answered from memory: every request asks. */
  limitFor(principal: Principal): RateLimit | undefined;
}

/** The bucket a principal draws from: its API key's, else its licence's (a licence key and the owner's dashboard). */
export const rateSubject = (principal: Principal): string => principal.keyId ?? principal.licenseId;

/**
 * Holds each customer key to its request rate, and, when `byAddress` is set, each client address to one on the
 * public API routes. Runs as an onRequest hook registered after authentication (it needs the key) and before the body
 * is read or any handler runs, so a refused request changes and charges nothing. Operator routes are not limited.
 */
export function registerRateLimit(
  app: App,
  deps: { limiter: RateLimiter; limits: RequestLimits; byAddress?: RateLimit },
): void {
  app.addHook("onRequest", (request, reply, done) => {
    const principal = request.principal;
    const limit = principal
      ? deps.limits.limitFor(principal)
      : deps.byAddress && limitedByAddress(request)
        ? deps.byAddress
        : undefined;
    if (!limit) return done();
    const subject = principal ? rateSubject(principal) : `ip:${request.ip}`;
    // The bucket is named with its rate: when the operator changes a key's rate the new one starts afresh, rather
    // than inheriting a schedule computed at the old rate (which could keep a raised key refused for minutes).
    deps.limiter.take(`${subject}@${limit.rps}/${limit.burst}`, limit).then((decision) => {
      writeRateHeaders(reply, limit, decision);
      done(decision.allowed ? undefined : rateLimited(principal, limit, decision));
    }, done);
  });
}

/**
 * Public API routes (`/v1/…` without a key: activation, sign-in, prices). Not pages and assets (a browser loads many
 * at once), not health checks, and never incoming webhooks: refusing Stripe would only delay a customer's credits.
 */
function limitedByAddress(request: FastifyRequest): boolean {
  if ((request.routeOptions.config?.auth ?? "public") !== "public") return false;
  const url = request.routeOptions.url;
  return url?.startsWith("/v1/") === true && !url.startsWith("/v1/webhooks/");
}

/** RateLimit-* (the IETF draft's names) and the X-RateLimit-* many clients already read; seconds, rounded up. */
function writeRateHeaders(reply: FastifyReply, limit: RateLimit, decision: RateDecision): void {
  const reset = String(Math.ceil(decision.resetMs / 1000));
  const remaining = String(decision.remaining);
  const max = String(limit.burst);
  reply.header("ratelimit-limit", max).header("ratelimit-remaining", remaining).header("ratelimit-reset", reset);
  reply.header("x-ratelimit-limit", max).header("x-ratelimit-remaining", remaining).header("x-ratelimit-reset", reset);
}

function rateLimited(principal: Principal | undefined, limit: RateLimit, decision: RateDecision): ApiError {
  const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  const what = !principal
    ? "from this address"
    : principal.via === "api_key"
      ? "with this API key"
      : "with this licence";
  return new ApiError(
    "RATE_LIMITED",
    `too many requests ${what}: it may make ${describeRate(limit)}; retry in ${retryAfterSeconds} s`,
    { retryAfterSeconds, limitPerSecond: limit.rps, burst: limit.burst },
  );
}

/** "5 requests per second, up to 10 at once", or "1 request every 10 s, up to 3 at once" for slow rates. */
export function describeRate(limit: RateLimit): string {
  const rate =
    limit.rps >= 1
      ? `${Number(limit.rps.toFixed(2))} request${limit.rps === 1 ? "" : "s"} per second`
      : `1 request every ${Number((1 / limit.rps).toFixed(1))} s`;
  return `${rate}, up to ${limit.burst} at once`;
}
