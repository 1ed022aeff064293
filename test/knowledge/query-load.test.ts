import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { EmbeddingScheduler } from "../../src/knowledge/embedders/scheduler.js";
import { grant, newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { ENGINES, withPgClient } from "../support/db.js";
import { type GatedModel, gatedEmbedder } from "./embedders/gated-model.js";

/**
 * Searches under load: the real app, ledger and metering on a real database, with a real EmbeddingScheduler whose
 * model (the third-party part) answers only when the test says so, so queues fill deterministically. The bound:
 * one model call at a time, 4 texts per call, 100 ms per text until measured, 1 s allowed.
 */
describe.each(ENGINES)("searches under load (%s)", (engine) => {
  let app: TestApp;
  let model: GatedModel;
  let scheduler: EmbeddingScheduler;
  const kbs = new Map<TestCustomer, string>();
  let a: TestCustomer;
  let b: TestCustomer;

  beforeAll(async () => {
    const gated = gatedEmbedder({ workers: 1, batchSize: 4, initialMsPerText: 100, maxQueryWaitMs: 1000 });
    model = gated.model;
    scheduler = gated.scheduler;
    app = await startTestApp(engine, {}, { embedder: gated.embedder });
    model.open = true;
    a = await newCustomer(app);
    b = await newCustomer(app);
    for (const customer of [a, b]) {
      await grant(app, customer.accountId, 100);
      const kb = await app.api("POST", "/v1/knowledge-bases", { token: customer.apiKey, body: { name: "kb" } });
      const doc = await app.api("POST", `/v1/knowledge-bases/${kb.body.id}/documents`, {
        token: customer.apiKey,
        body: { name: "rivers", text: "Rivers carry water to the sea. Salmon swim up rivers to spawn." },
      });
      expect(doc.status).toBe(201);
      kbs.set(customer, kb.body.id);
    }
    model.open = false;
  });
  afterAll(() => app?.close());
  beforeEach(() => {
    model.open = false;
  });

  const search = (customer: TestCustomer, query: string, init: { signal?: AbortSignal; key?: string } = {}) =>
    searchIn(customer, kbs.get(customer)!, query, init);
  const searchIn = (
    customer: TestCustomer,
    kbId: string,
    query: string,
    init: { signal?: AbortSignal; key?: string } = {},
  ) =>
    fetch(`${app.url}/v1/knowledge-bases/${kbId}/query`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${customer.apiKey}`,
        "content-type": "application/json",
        ...(init.key ? { "idempotency-key": init.key } : {}),
      },
      body: JSON.stringify({ query, mode: "hybrid" }),
      signal: init.signal,
    });
  const balance = async (customer: TestCustomer) =>
    (await app.api("GET", "/v1/balance", { token: customer.apiKey })).body as {
      credits: number;
      reservedCredits: number;
    };
  const ledger = async (customer: TestCustomer) =>
    (await app.api("GET", "/v1/ledger?limit=200", { token: customer.apiKey })).body.data as {
      type: string;
      credits: number;
      reason: string | null;
    }[];
  const waitingInQueue = (n: number) => vi.waitFor(() => expect(scheduler.stats().waiting).toBe(n));
  /** A's running call and 9 more of A's searches: the most the model can serve within the bound (see the first test). */
  const fillQueue = async () => {
    const answers: Promise<Response>[] = [search(a, "salmon 0")];
    const running = await model.nextCall();
    for (let i = 1; i <= 9; i++) {
      answers.push(search(a, `salmon ${i}`));
      await waitingInQueue(i);
    }
    return {
      async drain() {
        model.open = true;
        running.release();
        expect(await Promise.all(answers.map(async (r) => (await r).status))).toEqual(Array(10).fill(200));
      },
    };
  };
  const startBalances = async () => ({ a: await balance(a), b: await balance(b), ledgerA: (await ledger(a)).length });

  it("refuses what the model cannot serve in time: 503, or 429 for the account over its share, with Retry-After, charging nothing", async () => {
    const before = await startBalances();
    const answers: Promise<Response>[] = [search(a, "salmon 0")];
    const running = await model.nextCall();
    // Behind the running call A may queue 9 more (100 ms + 10 × 100 ms ≤ 1 s); the next would wait 1.1 s.
    for (let i = 1; i <= 9; i++) {
      answers.push(search(a, `salmon ${i}`));
      await waitingInQueue(i);
    }
    const full = await search(a, "salmon 10");
    expect(full.status).toBe(503);
    expect(full.headers.get("content-type")).toContain("application/problem+json");
    expect(full.headers.get("retry-after")).toBe("1");
    expect(await full.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE", retryAfterSeconds: 1 });

    // B's search is served after one of A's, so it gets in; A, now over its share, is told to slow down.
    answers.push(search(b, "rivers"));
    await waitingInQueue(10);
    const greedy = await search(a, "salmon 11");
    expect(greedy.status).toBe(429);
    expect(greedy.headers.get("retry-after")).toBe("1");
    expect(await greedy.json()).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 1 });

    model.open = true;
    running.release();
    const statuses = await Promise.all(answers.map(async (r) => (await r).status));
    expect(statuses).toEqual(Array(11).fill(200));
    // B's text went to the model in the call right after the running one, beside A's next.
    expect(model.calls.at(-3)?.texts).toEqual(["salmon 1", "rivers", "salmon 2", "salmon 3"]);

    // Exactly the answered searches were charged; the refused ones left no hold behind.
    expect(await balance(a)).toEqual({ credits: before.a.credits - 10, reservedCredits: 0 });
    expect(await balance(b)).toEqual({ credits: before.b.credits - 1, reservedCredits: 0 });
    const entries = (await ledger(a)).slice(0, (await ledger(a)).length - before.ledgerA);
    expect(entries.filter((e) => e.type === "usage")).toHaveLength(10);
    expect(entries.filter((e) => e.type === "release")).toHaveLength(0);
  });

  it("does not charge a search whose client hung up before the answer: it leaves the queue and its hold is released", async () => {
    const before = await startBalances();
    const first = search(a, "salmon first");
    const running = await model.nextCall();
    const hangUp = new AbortController();
    const abandoned = search(a, "salmon abandoned", { signal: hangUp.signal });
    await waitingInQueue(1);
    await vi.waitFor(async () => expect((await balance(a)).reservedCredits).toBe(2));
    hangUp.abort();
    await expect(abandoned).rejects.toThrow();
    await vi.waitFor(async () => expect((await balance(a)).reservedCredits).toBe(1));
    expect(scheduler.stats().waiting).toBe(0);

    running.release();
    expect((await first).status).toBe(200);
    expect(model.calls.flatMap((c) => c.texts)).not.toContain("salmon abandoned");
    expect(await balance(a)).toEqual({ credits: before.a.credits - 1, reservedCredits: 0 });
    const entries = (await ledger(a)).slice(0, (await ledger(a)).length - before.ledgerA);
    expect(entries.filter((e) => e.type === "usage")).toHaveLength(1);
    const released = entries.filter((e) => e.type === "release");
    expect(released).toHaveLength(1);
    expect(released[0]!.reason).toContain("CLIENT_CLOSED_REQUEST");
  });

  it("runs a keyed search to completion when its client hangs up, and answers the retry from its stored reply", async () => {
    const before = await startBalances();
    const first = search(a, "salmon blocking");
    const running = await model.nextCall();
    const hangUp = new AbortController();
    const keyed = search(a, "salmon keyed", { signal: hangUp.signal, key: `k-${engine}` });
    await waitingInQueue(1);
    await vi.waitFor(async () => expect((await balance(a)).reservedCredits).toBe(2));
    hangUp.abort();
    await expect(keyed).rejects.toThrow();

    model.open = true;
    running.release();
    expect((await first).status).toBe(200);
    await vi.waitFor(async () => expect((await balance(a)).reservedCredits).toBe(0));
    expect(model.calls.flatMap((c) => c.texts)).toContain("salmon keyed");
    const retry = await search(a, "salmon keyed", { key: `k-${engine}` });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect((await retry.json()).credits).toBe(1);
    expect(await balance(a)).toEqual({ credits: before.a.credits - 2, reservedCredits: 0 });
  });

  it.skipIf(engine !== "postgres")(
    "refuses before any database work: a refusal is answered while the licences and knowledge bases are locked",
    async () => {
      const queue = await fillQueue();
      // Another session holds both tables: any statement reading them (the licence's status, the knowledge base)
      // waits until it lets go, which it does only once the refusal has been answered.
      await withPgClient(async (locker) => {
        await locker.query(`SET search_path TO "${app.env.DATABASE_SCHEMA}"`);
        await locker.query("BEGIN");
        await locker.query("LOCK TABLE licenses, knowledge_bases IN ACCESS EXCLUSIVE MODE");
        try {
          const refused = await search(a, "salmon 10");
          expect(refused.status).toBe(503);
          expect(refused.headers.get("retry-after")).toBe("1");
        } finally {
          await locker.query("ROLLBACK");
        }
      });
      await queue.drain();
    },
  );

  it("takes a search that does not run out of the model's queue: an unknown knowledge base, a replayed key", async () => {
    model.open = true;
    const keyed = await search(b, "rivers keyed", { key: `replayed-${engine}` });
    expect(keyed.status).toBe(200);
    model.open = false;
    const first = search(a, "salmon blocking");
    const running = await model.nextCall();

    const missing = await searchIn(a, "kb_missing", "salmon nowhere");
    expect(missing.status).toBe(404);
    expect(scheduler.stats().waiting).toBe(0);
    const replayed = await search(b, "rivers keyed", { key: `replayed-${engine}` });
    expect(replayed.status).toBe(200);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(scheduler.stats().waiting).toBe(0);

    running.release();
    expect((await first).status).toBe(200);
    const texts = model.calls.flatMap((c) => c.texts);
    expect(texts).not.toContain("salmon nowhere");
    expect(texts.filter((t) => t === "rivers keyed")).toHaveLength(1);
  });

  it("never refuses a knowledge base built with another model for the model's queue: it is searched by keywords", async () => {
    model.open = true;
    const kb = await app.api("POST", "/v1/knowledge-bases", { token: a.apiKey, body: { name: "old model" } });
    const doc = await app.api("POST", `/v1/knowledge-bases/${kb.body.id}/documents`, {
      token: a.apiKey,
      body: { name: "tides", text: "Tide pools shelter anemones and crabs at low tide." },
    });
    expect(doc.status).toBe(201);
    model.open = false;
    // As a knowledge base looks to a process configured with another model until it is re-embedded.
    await app.running.ctx.db.sql.run("UPDATE knowledge_bases SET embedding_model = ? WHERE id = ?", [
      "local:another-model",
      kb.body.id,
    ]);
    const before = await balance(a);
    const queue = await fillQueue();
    for (const query of ["anemones", "crabs at low tide"]) {
      const res = await searchIn(a, kb.body.id, query);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ mode: "keyword", results: [{ documentId: doc.body.id }] });
    }
    expect(scheduler.stats().waiting).toBe(9);
    await queue.drain();
    expect(model.calls.flatMap((c) => c.texts)).not.toContain("anemones");
    const after = await balance(a);
    expect(after.credits).toBeCloseTo(before.credits - 12, 6);
    expect(after.reservedCredits).toBe(0);
  });
});
