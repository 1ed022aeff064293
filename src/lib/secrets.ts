import { createHash, timingSafeEqual } from "node:crypto";

/** Compares two strings without leaking where they differ (for the admin token). */
export function constantTimeEquals(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
