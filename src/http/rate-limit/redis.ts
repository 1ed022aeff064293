import { Redis } from "ioredis";
import type { RateDecision, RateLimit, RateLimiter } from "./limiter.js";

/**
 * `gcra()` of limiter.ts in one Lua script, so that the read and the write of a subject's schedule are one atomic
 * step whatever the number of processes. The clock is Redis's own (TIME), so processes whose clocks disagree still
 * share one schedule. The key expires when the burst is full again: an idle subject costs nothing.
 * KEYS[1] = the subject's key; ARGV = emission interval (ms), burst. Returns {allowed, remaining, retry ms, reset ms}.
 */
const GCRA_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local newTat = tat + interval
local allowAt = newTat - burst * interval
if allowAt > now then
  return {0, 0, math.ceil(allowAt - now), math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], string.format('%.3f', newTat), 'PX', math.ceil(newTat - now))
return {1, math.floor((now - allowAt) / interval), 0, math.ceil(newTat - now)}
`;

type GcraRedis = Redis & {
  gcraTake(key: string, intervalMs: number, burst: number): Promise<[number, number, number, number]>;
};

export interface RedisRateLimiterOptions {
  /** Prefix of every key this limiter writes (`<prefix>rl:<subject>`): lets deployments share one Redis. */
  keyPrefix: string;
  /** Told when Redis cannot answer and requests go through unlimited (at most every 30 s). */
  warn: (error: Error, message: string) => void;
  /** How long one check may wait for Redis before the request goes through. */
  timeoutMs?: number;
}

/**
 * Shared by every process that uses the same Redis and key prefix.
 *
 * When Redis cannot answer (down, unreachable, slower than `timeoutMs`), requests are allowed — fail open — with a
 * logged warning. The limiter protects the service from a runaway client; refusing every customer's every request
 * because a cache is down would turn a Redis outage into a full outage of a service that does not otherwise need
 * Redis. Nothing about money depends on it: the ledger, holds and spend limits are enforced in the database.
 */
export class RedisRateLimiter implements RateLimiter {
  private lastWarning = 0;

  private constructor(
    private readonly redis: GcraRedis,
    private readonly options: RedisRateLimiterOptions,
  ) {}

  /** Connects (waiting up to `timeoutMs` for it); when Redis is not there yet it keeps trying in the background. */
  static async connect(url: string, options: RedisRateLimiterOptions): Promise<RedisRateLimiter> {
    const timeoutMs = options.timeoutMs ?? 1000;
    const redis = new Redis(url, {
      lazyConnect: true,
      // A check never waits for a connection: it fails at once and the request goes through (see above).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Checks issued in the same tick go to Redis in one write (one syscall, one round trip) instead of one each.
      enableAutoPipelining: true,
      commandTimeout: timeoutMs,
      connectTimeout: timeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    }) as GcraRedis;
    redis.defineCommand("gcraTake", { numberOfKeys: 1, lua: GCRA_LUA });
    const limiter = new RedisRateLimiter(redis, { ...options, timeoutMs });
    redis.on("error", (error: Error) => limiter.warnThrottled(error));
    await redis.connect().catch((error: Error) => limiter.warnThrottled(error));
    return limiter;
  }

  async take(subject: string, limit: RateLimit): Promise<RateDecision> {
    try {
      const [allowed, remaining, retryAfterMs, resetMs] = await this.redis.gcraTake(
        `${this.options.keyPrefix}rl:${subject}`,
        1000 / limit.rps,
        limit.burst,
      );
      return { allowed: allowed === 1, remaining, retryAfterMs, resetMs };
    } catch (error) {
      this.warnThrottled(error as Error);
      return { allowed: true, remaining: limit.burst, retryAfterMs: 0, resetMs: 0 };
    }
  }

  private warnThrottled(error: Error): void {
    const now = Date.now();
    if (now - this.lastWarning < 30_000) return;
    this.lastWarning = now;
    this.options.warn(error, "Redis is not answering: request rate limits are not enforced until it is back");
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
