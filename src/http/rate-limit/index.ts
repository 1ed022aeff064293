import type { RateLimiter } from "./limiter.js";
import { MemoryRateLimiter } from "./memory.js";
import { RedisRateLimiter } from "./redis.js";

/** Redis when REDIS_URL is set (the budget is shared by every process), otherwise each process counts alone. */
export async function createRateLimiter(
  redis: { url?: string; keyPrefix: string },
  warn: (error: Error, message: string) => void,
): Promise<RateLimiter> {
  if (!redis.url) return new MemoryRateLimiter();
  return RedisRateLimiter.connect(redis.url, { keyPrefix: redis.keyPrefix, warn });
}
