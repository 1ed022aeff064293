/** A request rate: `rps` requests per second on average, and up to `burst` at once after a quiet spell. */
export interface RateLimit {
  rps: number;
  burst: number;
}

/** The answer for one request. */
export interface RateDecision {
  allowed: boolean;
  /** Requests that could still be made at once after this one. */
  remaining: number;
  /** When refused: how long until one request would be allowed. 0 when allowed. */
  retryAfterMs: number;
  /** How long until the full burst is available again. */
  resetMs: number;
}

/**
 * Counts requests per subject (an API key, a licence) against a rate. Adapters: `MemoryRateLimiter` (one process)
 * and `RedisRateLimiter` (shared by every process using the same Redis and key prefix).
 */
export interface RateLimiter {
  /** Takes one request from `subject`'s allowance; a refused request takes nothing. */
  take(subject: string, limit: RateLimit): Promise<RateDecision>;
  close(): Promise<void>;
}

/**
 * GCRA (the generic cell rate algorithm): a token bucket kept as one number per subject, the theoretical arrival
 * time `tat` of the next request on an even schedule. A request at `now` is allowed when it is no more than
 * `burst - 1` emission intervals ahead of that schedule. The Redis adapter runs the same arithmetic in Lua
 * (`redis.ts`); keep the two identical.
 */
export function gcra(
  storedTat: number | undefined,
  now: number,
  limit: RateLimit,
): { decision: RateDecision; tat?: number } {
  const interval = 1000 / limit.rps;
  const tat = Math.max(storedTat ?? now, now);
  const newTat = tat + interval;
  const allowAt = newTat - limit.burst * interval;
  if (allowAt > now)
    return { decision: { allowed: false, remaining: 0, retryAfterMs: allowAt - now, resetMs: tat - now } };
  return {
    decision: {
      allowed: true,
      remaining: Math.floor((now - allowAt) / interval),
      retryAfterMs: 0,
      resetMs: newTat - now,
    },
    tat: newTat,
  };
}
