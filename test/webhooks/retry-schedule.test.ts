import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { nextAttemptAt } from "../../src/webhooks/retry-schedule.js";

describe("the retry schedule", () => {
  const schedule = loadConfig({}).webhooks.retrySchedule;

  it("retries for about a day by default: 8 attempts, then the delivery has failed", () => {
    const total = schedule.reduce((a, b) => a + b, 0);
    expect(schedule).toHaveLength(7);
    expect(total).toBeGreaterThan(20 * 3600_000);
    expect(total).toBeLessThan(36 * 3600_000);
    expect(nextAttemptAt(schedule, 1, 0, () => 0)).toBe(5_000);
    expect(nextAttemptAt(schedule, 7, 0, () => 0)).toBe(10 * 3600_000);
    expect(nextAttemptAt(schedule, 8, 0, () => 0)).toBeNull();
  });

  it("adds at most 10% of jitter, never less than the wait", () => {
    expect(nextAttemptAt(schedule, 2, 1000, () => 0.999_999)).toBe(1000 + 300_000 + 29_999);
    expect(nextAttemptAt(schedule, 2, 1000, () => 0)).toBe(1000 + 300_000);
  });
});
