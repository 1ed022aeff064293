import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { grant, newCustomer, request, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { tempDir } from "../support/db.js";
import { type OwnPostgres, startOwnPostgres } from "../support/own-postgres.js";
import { type ServiceProcess, spawnService } from "../support/process.js";

/**
 * One Idempotency-Key, one charge — whatever dies between the charge and the reply. The stored reply commits in the
 * charge's own transaction, so a retry after a crash or an outage replays it; it never runs (and charges) again.
 */
const LEASE = { IDEMPOTENCY_LEASE_SECONDS: "1" };
const QUERY = { query: "vacation days for new hires", mode: "keyword" };

async function customerWithKnowledgeBase(app: TestApp): Promise<TestCustomer & { kbId: string }> {
  const c = await newCustomer(app);
  await grant(app, c.accountId, 100);
  const kb = await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "Handbook" } });
  const doc = await app.api("POST", `/v1/knowledge-bases/${kb.body.id}/documents`, {
    token: c.apiKey,
    body: { name: "handbook.txt", text: "New hires get twenty vacation days a year. Sick days are unlimited." },
  });
  expect(doc.status).toBe(201);
  return { ...c, kbId: kb.body.id };
}

async function queryUsage(url: string, c: TestCustomer): Promise<number> {
  const ledger = await request(url, "GET", "/v1/ledger?limit=100", { token: c.apiKey });
  return ledger.body.data.filter(
    (e: { type: string; operation?: string }) => e.type === "usage" && e.operation === "training.query",
  ).length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Clean-up that must not hang a test run on a database that was stopped under it. */
const within = (p: Promise<unknown>, ms = 15_000) => Promise.race([p.catch(() => {}), sleep(ms)]);

describe("a crash between the charge and the reply (SQLite, kill -9)", () => {
  const apps: TestApp[] = [];
  let child: ServiceProcess | undefined;
  afterAll(async () => {
    await child?.stop("SIGKILL");
    for (const a of apps) await a.close();
  });

  it("a retry with the same key after the lease replays the reply: one charge", async () => {
    const app = await startTestApp("sqlite");
    apps.push(app);
    const c = await customerWithKnowledgeBase(app);
    const before = (await app.api("GET", "/v1/balance", { token: c.apiKey })).body.credits;
    await app.running.close(); // one process per SQLite file

    child = await spawnService({
      ...app.env,
      ...LEASE,
      LOG_LEVEL: "silent",
      API_CREDITS_FAILPOINTS: "after-capture=kill",
    });
    const headers = { "idempotency-key": "q-1" };
    const first = await request(child.url, "POST", `/v1/knowledge-bases/${c.kbId}/query`, {
      token: c.apiKey,
      body: QUERY,
      headers,
    }).catch((error: Error) => error);
    expect(first).toBeInstanceOf(Error); // the process died before answering
    expect(await child.stop()).toBeNull(); // killed by a signal

    const restarted = await startTestApp("sqlite", { ...app.env, ...LEASE });
    apps.push(restarted);
    await sleep(1_500); // past the lease: the key could be taken over if its reply were not stored
    const retry = await restarted.api("POST", `/v1/knowledge-bases/${c.kbId}/query`, {
      token: c.apiKey,
      body: QUERY,
      headers,
    });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body.results[0].text).toContain("twenty vacation days");
    expect(await queryUsage(restarted.url, c)).toBe(1);
    const after = (await restarted.api("GET", "/v1/balance", { token: c.apiKey })).body;
    expect(after).toEqual({ credits: before - 1, reservedCredits: 0 });
  }, 120_000);
});

describe("PostgreSQL stopped at the worst moments (a server of the test's own)", () => {
  let server: OwnPostgres;
  const apps: TestApp[] = [];
  const children: ServiceProcess[] = [];
  afterAll(async () => {
    for (const ch of children) await within(ch.stop("SIGKILL"));
    for (const a of apps) await within(a.close());
    server?.stop();
  }, 90_000);

  /** Starts the service with a failpoint that pauses; resolves once a request reached it. */
  async function pausedService(env: Record<string, string>, point: string) {
    const fp = path.join(tempDir(), "fp");
    const svc = await spawnService({
      ...env,
      ...LEASE,
      LOG_LEVEL: "silent",
      API_CREDITS_FAILPOINTS: `${point}=pause:${fp}`,
    });
    children.push(svc);
    return {
      svc,
      reached: async () => {
        await expect.poll(() => existsSync(`${fp}.reached`), { timeout: 30_000, interval: 25 }).toBe(true);
      },
      resume: () => writeFileSync(`${fp}.continue`, ""),
    };
  }

  it("charge committed, then the database stops: the client still gets its answer, a retry replays it, one charge; requests during the outage get 503 with Retry-After", async () => {
    server = await startOwnPostgres();
    const env = { DATABASE_URL: server.url, DATABASE_SCHEMA: "public" };
    const app = await startTestApp("postgres", env);
    apps.push(app);
    const c = await customerWithKnowledgeBase(app);
    const before = (await app.api("GET", "/v1/balance", { token: c.apiKey })).body.credits;

    const p = await pausedService(app.env, "after-capture");
    const headers = { "idempotency-key": "q-pg" };
    const pending = request(p.svc.url, "POST", `/v1/knowledge-bases/${c.kbId}/query`, {
      token: c.apiKey,
      body: QUERY,
      headers,
    });
    await p.reached();
    server.halt();

    // During the outage: a clear, retryable 503 (not a 500), saying when to come back.
    const during = await request(app.url, "POST", `/v1/knowledge-bases/${c.kbId}/query`, {
      token: c.apiKey,
      body: QUERY,
    });
    expect(during.status).toBe(503);
    expect(during.body.code).toBe("SERVICE_UNAVAILABLE");
    expect(Number(during.headers.get("retry-after"))).toBeGreaterThan(0);

    p.resume();
    const first = await pending;
    expect(first.status).toBe(200); // the reply was stored with the charge: nothing left to write
    server.start();

    await sleep(1_500); // past the lease
    const retry = await request(p.svc.url, "POST", `/v1/knowledge-bases/${c.kbId}/query`, {
      token: c.apiKey,
      body: QUERY,
      headers,
    });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    await expect.poll(() => queryUsage(app.url, c), { timeout: 20_000 }).toBe(1);
    const after = (await app.api("GET", "/v1/balance", { token: c.apiKey })).body;
    expect(after.credits).toBe(before - 1);
  }, 180_000);

  it("the database stops before the charge: 503 with Retry-After, the hold is released as soon as it is back, and the key can be retried", async () => {
    const env = { DATABASE_URL: server.url, DATABASE_SCHEMA: "public" };
    const app = apps[0]!;
    const c = await customerWithKnowledgeBase(app);
    const before = (await app.api("GET", "/v1/balance", { token: c.apiKey })).body.credits;

    const p = await pausedService({ ...app.env, ...env }, "before-capture");
    const headers = { "idempotency-key": "q-before" };
    const pending = request(p.svc.url, "POST", `/v1/knowledge-bases/${c.kbId}/query`, {
      token: c.apiKey,
      body: QUERY,
      headers,
    });
    await p.reached();
    server.halt();
    p.resume();
    const first = await pending;
    expect(first.status).toBe(503);
    expect(first.body.code).toBe("SERVICE_UNAVAILABLE");
    expect(Number(first.headers.get("retry-after"))).toBeGreaterThan(0);
    server.start();

    // The hold is released by the process that made it as soon as the database answers (not at its expiry).
    await expect
      .poll(async () => (await app.api("GET", "/v1/balance", { token: c.apiKey })).body, { timeout: 30_000 })
      .toEqual({ credits: before, reservedCredits: 0 });
    // The key was released too: the retry runs once and is charged once.
    await expect
      .poll(
        async () =>
          (
            await request(p.svc.url, "POST", `/v1/knowledge-bases/${c.kbId}/query`, {
              token: c.apiKey,
              body: QUERY,
              headers,
            })
          ).status,
        { timeout: 30_000, interval: 500 },
      )
      .toBe(200);
    expect(await queryUsage(app.url, c)).toBe(1);
    expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body).toEqual({
      credits: before - 1,
      reservedCredits: 0,
    });
  }, 180_000);
});
