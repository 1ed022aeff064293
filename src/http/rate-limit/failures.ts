import { ApiError } from "../../errors.js";

/**
 * Slows down guessing: a client (by address) that fails authentication `maxFailures` times within `windowMs` is
 * refused with 429 until the window has passed. Per process; with several processes each keeps its own count.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly options = { maxFailures: 10, windowMs: 60_000 }) {}

  /** Throws RATE_LIMITED when `key` has failed too often lately. */
  check(key: string, now = Date.now()): void {
    const f = this.failures.get(key);
    if (!f) return;
    if (now - f.since >= this.options.windowMs) {
      this.failures.delete(key);
      return;
    }
    if (f.count >= this.options.maxFailures) {
      const retryAfter = Math.ceil((f.since + this.options.windowMs - now) / 1000);
      throw new ApiError("RATE_LIMITED", `too many failed sign-ins from this address; retry in ${retryAfter} s`, {
        retryAfterSeconds: retryAfter,
      });
    }
  }

  fail(key: string, now = Date.now()): void {
    const f = this.failures.get(key);
    if (!f || now - f.since >= this.options.windowMs) this.failures.set(key, { count: 1, since: now });
    else f.count++;
    if (this.failures.size > 100_000) this.failures.clear();
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}
