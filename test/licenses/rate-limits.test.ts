import { randomUUID } from "node:crypto";
import net from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type RunningApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import {
  type ApiResponse,
  newCustomer,
  request,
  startTestApp,
  type TestApp,
  type TestCustomer,
} from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { eventually } from "../support/eventually.js";
import { parseSetCookie } from "../web/support/http.js";

// Refusals use slow rates (one request per 100 s) so that no slow machine refills a bucket between two requests.
const SLOW_DEFAULT = { RATE_LIMIT_RPS: "0.01", RATE_LIMIT_BURST: "3" };
const REDIS_URL = "redis://127.0.0.1:6379";
const PREFIX = `test:rl-http:${randomUUID()}:`;

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

async function keyIdOf(app: TestApp, c: TestCustomer): Promise<string> {
  const keys = await app.api("GET", "/v1/api-keys", { token: c.licenseKey });
  return keys.body.data[0].id;
}

function expectRateLimited(r: ApiResponse): void {
  expect(r.status).toBe(429);
  expect(r.headers.get("content-type")).toContain("application/problem+json");
  expect(r.body.code).toBe("RATE_LIMITED");
  const retryAfter = Number(r.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(r.body.retryAfterSeconds).toBe(retryAfter);
}

for (const engine of ENGINES) {
  describe(`request rate limits with a default (${engine})`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(engine, SLOW_DEFAULT);
    });
    afterAll(() => app.close());

    it("a key over its burst gets 429 RATE_LIMITED with Retry-After; other keys are unaffected", async () => {
      const c = await newCustomer(app);
      const other = await newCustomer(app);
      const remaining: (string | null)[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await app.api("GET", "/v1/balance", { token: c.apiKey });
        expect(r.status).toBe(200);
        expect(r.headers.get("ratelimit-limit")).toBe("3");
        remaining.push(r.headers.get("ratelimit-remaining"));
      }
      expect(remaining).toEqual(["2", "1", "0"]);

      const refused = await app.api("GET", "/v1/balance", { token: c.apiKey });
      expectRateLimited(refused);
      expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(100);
      expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(refused.body.detail).toMatch(/too many requests with this API key: it may make 1 request every 100 s, up/);
      expect(refused.body.detail).not.toMatch(/key_|lic_/);

      expect((await app.api("GET", "/v1/balance", { token: other.apiKey })).status).toBe(200);
      // The owner's licence key is a bucket of its own.
      expect((await app.api("GET", "/v1/balance", { token: c.licenseKey })).status).toBe(200);
    });

    it("a refused request changes nothing", async () => {
      const c = await newCustomer(app);
      for (let i = 0; i < 3; i++) await app.api("GET", "/v1/sites", { token: c.apiKey });
      const refused = await app.api("POST", "/v1/api-keys", { token: c.apiKey, body: { name: "never made" } });
      expectRateLimited(refused);
      const keys = await app.api("GET", "/v1/api-keys", { token: c.licenseKey });
      expect(keys.body.data.map((k: { name: string }) => k.name)).not.toContain("never made");
      expect(keys.body.data).toHaveLength(1);
    });

    it("the OpenAI-compatible API answers 429 in OpenAI's error shape", async () => {
      const c = await newCustomer(app);
      for (let i = 0; i < 3; i++)
        expect((await app.api("GET", "/openai/v1/models", { token: c.apiKey })).status).toBe(200);
      const refused = await app.api("GET", "/openai/v1/models", { token: c.apiKey });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(refused.body.error).toMatchObject({ type: "rate_limit_error", code: "RATE_LIMITED" });
    });

    it("the operator overrides one key's rate: readable, applied at once, and back to the default with null", async () => {
      const c = await newCustomer(app);
      const keyId = await keyIdOf(app, c);
      const path = `/v1/admin/api-keys/${keyId}/rate-limit`;
      const initial = await app.admin("GET", path);
      expect(initial.body).toEqual({
        override: null,
        default: { rps: 0.01, burst: 3 },
        effective: { rps: 0.01, burst: 3 },
      });

      const tight = await app.admin("PUT", path, { rps: 0.01, burst: 1 });
      expect(tight.status).toBe(200);
      expect(tight.body.effective).toEqual({ rps: 0.01, burst: 1 });
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).status).toBe(200);
      expectRateLimited(await app.api("GET", "/v1/balance", { token: c.apiKey }));

      // Raising the rate lifts the refusal at once: the new rate starts with its full burst.
      await app.admin("PUT", path, { rps: 1000, burst: 100 });
      for (let i = 0; i < 20; i++) expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).status).toBe(200);
      expect((await app.admin("GET", path)).body.override).toEqual({ rps: 1000, burst: 100 });

      const back = await app.admin("PUT", path, null);
      expect(back.status).toBe(200);
      expect(back.body).toEqual(initial.body);
      const deleted = await app.admin("DELETE", path);
      expect(deleted.body.override).toBeNull();
    });

    it("a licence's override binds its licence key and the owner's dashboard, and leaves its site keys alone", async () => {
      const c = await newCustomer(app);
      const set = await app.admin("PUT", `/v1/admin/licenses/${c.licenseId}/rate-limit`, { rps: 0.01, burst: 2 });
      expect(set.body.override).toEqual({ rps: 0.01, burst: 2 });
      const signedIn = await app.api("POST", "/v1/sessions", { body: { key: c.licenseKey } });
      const cookie = parseSetCookie(signedIn.headers.get("set-cookie"))!;
      const dashboard = { headers: { cookie: `${cookie.name}=${cookie.value}` } };

      expect((await app.api("GET", "/v1/balance", { token: c.licenseKey })).status).toBe(200);
      expect((await app.api("GET", "/v1/balance", dashboard)).status).toBe(200);
      const refused = await app.api("GET", "/v1/balance", { token: c.licenseKey });
      expectRateLimited(refused);
      expect(refused.body.detail).toMatch(/with this licence/);
      expectRateLimited(await app.api("GET", "/v1/balance", dashboard));
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).status).toBe(200);
    });

    it("overrides: unknown keys answer 404, bad rates 400, and only the operator may set them", async () => {
      const c = await newCustomer(app);
      const keyId = await keyIdOf(app, c);
      expect((await app.admin("GET", "/v1/admin/api-keys/key_nope/rate-limit")).status).toBe(404);
      expect((await app.admin("PUT", "/v1/admin/licenses/lic_nope/rate-limit", { rps: 1, burst: 1 })).status).toBe(404);
      // An API key's id is not a licence's.
      expect((await app.admin("GET", `/v1/admin/licenses/${keyId}/rate-limit`)).status).toBe(404);
      for (const bad of [{ rps: 0, burst: 1 }, { rps: 1, burst: 0.5 }, { rps: -1, burst: 1 }, { rps: 1 }])
        expect((await app.admin("PUT", `/v1/admin/api-keys/${keyId}/rate-limit`, bad)).status).toBe(400);
      const byCustomer = await app.api("PUT", `/v1/admin/api-keys/${keyId}/rate-limit`, {
        token: c.licenseKey,
        body: { rps: 1000, burst: 1000 },
      });
      expect(byCustomer.status).toBe(401);
      expect((await app.admin("GET", `/v1/admin/api-keys/${keyId}/rate-limit`)).body.override).toBeNull();
    });
  });

  describe(`request rate limits off by default (${engine})`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(engine);
    });
    afterAll(() => app.close());

    it("no limit and no RateLimit headers unless configured; an override still binds its key", async () => {
      const c = await newCustomer(app);
      const all = await Promise.all(
        Array.from({ length: 50 }, () => app.api("GET", "/v1/balance", { token: c.apiKey })),
      );
      expect(all.every((r) => r.status === 200 && r.headers.get("ratelimit-limit") === null)).toBe(true);

      const keyId = await keyIdOf(app, c);
      const set = await app.admin("PUT", `/v1/admin/api-keys/${keyId}/rate-limit`, { rps: 0.01, burst: 2 });
      expect(set.body).toEqual({
        override: { rps: 0.01, burst: 2 },
        default: null,
        effective: { rps: 0.01, burst: 2 },
      });
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).status).toBe(200);
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).status).toBe(200);
      expectRateLimited(await app.api("GET", "/v1/balance", { token: c.apiKey }));
      expect((await app.api("GET", "/v1/balance", { token: c.licenseKey })).status).toBe(200);
    });
  });
}

describe("several processes (PostgreSQL)", () => {
  /** A second process of the same deployment: same database, same environment (plus `env`). */
  async function secondProcess(first: TestApp, env: Record<string, string> = {}) {
    const running: RunningApp = await createApp(loadConfig({ ...first.env, ...env }));
    const url = await running.listen();
    return { url, running, get: (path: string, token: string) => request(url, "GET", path, { token }) };
  }

  it("with REDIS_URL two processes share one budget per key, and an override reaches the other process", async () => {
    const env = { ...SLOW_DEFAULT, RATE_LIMIT_BURST: "4", REDIS_URL, REDIS_KEY_PREFIX: PREFIX };
    const one = await startTestApp("postgres", env);
    const two = await secondProcess(one);
    try {
      const c = await newCustomer(one);
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await one.api("GET", "/v1/balance", { token: c.apiKey })).status);
        statuses.push((await two.get("/v1/balance", c.apiKey)).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      expectRateLimited(await two.get("/v1/balance", c.apiKey));

      // Set through the first process; the second re-reads overrides every few seconds.
      const other = await newCustomer(one);
      const keyId = await keyIdOf(one, other);
      await one.admin("PUT", `/v1/admin/api-keys/${keyId}/rate-limit`, { rps: 0.01, burst: 1 });
      // The header names the rate in force (the default's burst is 4, the override's 1).
      const applied = await eventually(
        async () => (await two.get("/v1/balance", other.apiKey)).headers.get("ratelimit-limit") === "1",
        { what: "the override in the second process", timeoutMs: 15_000, intervalMs: 100 },
      );
      expect(applied).toBe(true);
      expectRateLimited(await two.get("/v1/balance", other.apiKey));
    } finally {
      await two.running.close();
      await one.close();
    }
  });

  it("without REDIS_URL each process limits alone", async () => {
    const one = await startTestApp("postgres", { ...SLOW_DEFAULT, RATE_LIMIT_BURST: "2" });
    const two = await secondProcess(one);
    try {
      const c = await newCustomer(one);
      const first = [];
      for (let i = 0; i < 3; i++) first.push((await one.api("GET", "/v1/balance", { token: c.apiKey })).status);
      const second = [];
      for (let i = 0; i < 3; i++) second.push((await two.get("/v1/balance", c.apiKey)).status);
      expect(first).toEqual([200, 200, 429]);
      expect(second).toEqual([200, 200, 429]);
    } finally {
      await two.running.close();
      await one.close();
    }
  });

  it("when Redis cannot be reached requests are served (fail open), and the process starts anyway", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const app = await startTestApp("postgres", {
      RATE_LIMIT_RPS: "0.01",
      RATE_LIMIT_BURST: "1",
      REDIS_URL: `redis://127.0.0.1:${port}`,
      LOG_LEVEL: "silent",
    });
    try {
      const c = await newCustomer(app);
      for (let i = 0; i < 5; i++) expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
