import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RateLimiter } from "../../src/http/rate-limit/limiter.js";

// Refusals are asserted with slow rates (one request per 100 s), so that a slow machine can never refill the bucket
// between two calls; recoveries wait for the limiter's own Retry-After. Nothing here measures time.
const SLOW = { rps: 0.01, burst: 3 };

/** The promises every RateLimiter adapter keeps; `make` gives a fresh limiter over a fresh key space. */
export function runRateLimiterContract(name: string, make: () => Promise<RateLimiter>): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let limiter: RateLimiter;
    const subject = () => `key_${randomUUID()}`;
    beforeAll(async () => {
      limiter = await make();
    });
    afterAll(() => limiter.close());

    it("allows the burst at once, then refuses with how long to wait", async () => {
      const key = subject();
      const taken = [];
      for (let i = 0; i < 3; i++) taken.push(await limiter.take(key, SLOW));
      expect(taken.map((d) => [d.allowed, d.remaining])).toEqual([
        [true, 2],
        [true, 1],
        [true, 0],
      ]);
      const refused = await limiter.take(key, SLOW);
      expect(refused.allowed).toBe(false);
      expect(refused.remaining).toBe(0);
      // The next request is due one interval (100 s) after the burst began.
      expect(refused.retryAfterMs).toBeGreaterThan(90_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(100_000);
      expect(refused.resetMs).toBeGreaterThan(200_000);
    });

    it("a refused request takes nothing: refusals do not push the next allowed request further away", async () => {
      const key = subject();
      const limit = { rps: 0.01, burst: 1 };
      expect((await limiter.take(key, limit)).allowed).toBe(true);
      const first = await limiter.take(key, limit);
      for (let i = 0; i < 5; i++) await limiter.take(key, limit);
      const later = await limiter.take(key, limit);
      expect([first.allowed, later.allowed]).toEqual([false, false]);
      expect(later.retryAfterMs).toBeLessThanOrEqual(first.retryAfterMs);
    });

    it("subjects are counted apart", async () => {
      const a = subject();
      const b = subject();
      const limit = { rps: 0.01, burst: 1 };
      expect((await limiter.take(a, limit)).allowed).toBe(true);
      expect((await limiter.take(a, limit)).allowed).toBe(false);
      expect((await limiter.take(b, limit)).allowed).toBe(true);
    });

    it("the allowance comes back once Retry-After has passed", async () => {
      const key = subject();
      const limit = { rps: 5, burst: 1 };
      let refused = await limiter.take(key, limit);
      for (let i = 0; i < 100 && refused.allowed; i++) refused = await limiter.take(key, limit);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(200);
      await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs + 20));
      expect((await limiter.take(key, limit)).allowed).toBe(true);
    });

    it("concurrent requests never get more than the burst", async () => {
      const key = subject();
      const limit = { rps: 0.01, burst: 10 };
      const decisions = await Promise.all(Array.from({ length: 100 }, () => limiter.take(key, limit)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    });

    it("a new rate for the same subject applies at once", async () => {
      const key = subject();
      expect((await limiter.take(key, { rps: 0.01, burst: 1 })).allowed).toBe(true);
      expect((await limiter.take(key, { rps: 0.01, burst: 1 })).allowed).toBe(false);
      const raised = await limiter.take(key, { rps: 0.01, burst: 5 });
      expect(raised.allowed).toBe(true);
      expect(raised.remaining).toBe(3);
    });
  });
}
