import { gcra, type RateDecision, type RateLimit, type RateLimiter } from "./limiter.js";

/** Per process: with several processes each counts alone (use `RedisRateLimiter` to share the budget). */
export class MemoryRateLimiter implements RateLimiter {
  private readonly tats = new Map<string, number>();

  constructor(private readonly maxSubjects = 100_000) {}

  async take(subject: string, limit: RateLimit): Promise<RateDecision> {
    const now = Date.now();
    const { decision, tat } = gcra(this.tats.get(subject), now, limit);
    if (tat !== undefined) {
      if (this.tats.size >= this.maxSubjects && !this.tats.has(subject)) this.forgetIdle(now);
      this.tats.set(subject, tat);
    }
    return decision;
  }

  /** A subject whose schedule is in the past has its full burst back: forgetting it changes nothing. */
  private forgetIdle(now: number): void {
    for (const [subject, tat] of this.tats) if (tat <= now) this.tats.delete(subject);
    // Still full: every subject is busy right now; dropping them all gives each a fresh burst, once.
    if (this.tats.size >= this.maxSubjects) this.tats.clear();
  }

  async close(): Promise<void> {
    this.tats.clear();
  }
}
