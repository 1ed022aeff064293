import { randomUUID } from "node:crypto";
import net from "node:net";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "../../src/http/rate-limit/memory.js";
import { RedisRateLimiter } from "../../src/http/rate-limit/redis.js";
import { eventually } from "../support/eventually.js";
import { runRateLimiterContract } from "./rate-limiter.contract.js";

const REDIS_URL = "redis://127.0.0.1:6379";
// Every key this file writes starts with it; removed at the end.
const PREFIX = `test:rl:${randomUUID()}:`;
const quiet = () => {};

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

runRateLimiterContract("memory", async () => new MemoryRateLimiter());
runRateLimiterContract("redis", () => RedisRateLimiter.connect(REDIS_URL, { keyPrefix: PREFIX, warn: quiet }));

describe("RedisRateLimiter", () => {
  it("two processes (two connections) share one budget, even racing", async () => {
    const a = await RedisRateLimiter.connect(REDIS_URL, { keyPrefix: PREFIX, warn: quiet });
    const b = await RedisRateLimiter.connect(REDIS_URL, { keyPrefix: PREFIX, warn: quiet });
    try {
      const limit = { rps: 0.01, burst: 4 };
      const key = `key_${randomUUID()}`;
      expect((await a.take(key, limit)).allowed).toBe(true);
      expect((await b.take(key, limit)).allowed).toBe(true);
      expect((await a.take(key, limit)).allowed).toBe(true);
      expect((await b.take(key, limit)).allowed).toBe(true);
      expect((await a.take(key, limit)).allowed).toBe(false);
      expect((await b.take(key, limit)).allowed).toBe(false);

      const raced = `key_${randomUUID()}`;
      const all = await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).take(raced, { rps: 0.01, burst: 7 })),
      );
      expect(all.filter((d) => d.allowed)).toHaveLength(7);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("an idle key leaves nothing behind once its burst is full again", async () => {
    const limiter = await RedisRateLimiter.connect(REDIS_URL, { keyPrefix: PREFIX, warn: quiet });
    const redis = new Redis(REDIS_URL);
    try {
      const key = `key_${randomUUID()}`;
      await limiter.take(key, { rps: 0.5, burst: 2 });
      const ttl = await redis.pttl(`${PREFIX}rl:${key}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(2000);
    } finally {
      await limiter.close();
      redis.disconnect();
    }
  });

  it("fails open when Redis is not there: every request goes through and the operator is warned", async () => {
    const port = await closedPort();
    const warnings: string[] = [];
    const limiter = await RedisRateLimiter.connect(`redis://127.0.0.1:${port}`, {
      keyPrefix: PREFIX,
      warn: (_error, message) => warnings.push(message),
    });
    try {
      const limit = { rps: 0.01, burst: 1 };
      const decisions = await Promise.all(Array.from({ length: 5 }, () => limiter.take("key_x", limit)));
      expect(decisions.every((d) => d.allowed)).toBe(true);
      // Warned, but not once per request.
      expect(warnings.length).toBe(1);
      expect(warnings[0]).toMatch(/not enforced/);
    } finally {
      await limiter.close();
    }
  });

  it("Redis going away mid-run: requests go through; when it is back the same budget applies again", async () => {
    const proxy = await TcpProxy.start(6379);
    const warnings: string[] = [];
    const limiter = await RedisRateLimiter.connect(`redis://127.0.0.1:${proxy.port}`, {
      keyPrefix: PREFIX,
      warn: (_error, message) => warnings.push(message),
      timeoutMs: 500,
    });
    try {
      const key = `key_${randomUUID()}`;
      const limit = { rps: 0.01, burst: 1 };
      expect((await limiter.take(key, limit)).allowed).toBe(true);
      expect((await limiter.take(key, limit)).allowed).toBe(false);

      await proxy.stop();
      expect((await limiter.take(key, limit)).allowed).toBe(true);
      expect(warnings.length).toBe(1);

      await proxy.resume();
      const back = await eventually(
        async () => {
          const taken = await limiter.take(key, limit);
          return !taken.allowed && taken;
        },
        { what: "Redis to limit again", timeoutMs: 10_000, intervalMs: 100 },
      );
      expect(back.allowed).toBe(false);
    } finally {
      await limiter.close();
      await proxy.stop();
    }
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP relay on loopback to the local Redis, which a test can cut (closing every connection) and restore. */
class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  private constructor(private readonly target: number) {}

  static async start(target: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.resume();
    return proxy;
  }

  async resume(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target, "127.0.0.1");
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
