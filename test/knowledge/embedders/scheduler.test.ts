import { describe, expect, it } from "vitest";
import { FairQueue, type QueuedWork } from "../../../src/knowledge/embedders/fair-queue.js";
import { gatedEmbedder } from "./gated-model.js";

const query = (account: string, text: string): QueuedWork => ({ account, texts: [text] });
const ingestion = (...texts: string[]): QueuedWork => ({ texts });
const order = (queue: FairQueue<QueuedWork>, maxTexts = 1) => {
  const served: string[] = [];
  for (let batch = queue.takeBatch(maxTexts); batch.length > 0; batch = queue.takeBatch(maxTexts))
    served.push(batch.flatMap((w) => w.texts).join("+"));
  return served;
};

describe("FairQueue (the order the embedding model serves)", () => {
  it("serves one account's queries oldest first", () => {
    const queue = new FairQueue<QueuedWork>();
    for (const text of ["a1", "a2", "a3", "a4"]) queue.push(query("A", text));
    expect(order(queue)).toEqual(["a1", "a2", "a3", "a4"]);
  });

  it("lets accounts take turns, so a burst from one does not starve another's query", () => {
    const queue = new FairQueue<QueuedWork>();
    for (let i = 1; i <= 6; i++) queue.push(query("A", `a${i}`));
    queue.push(query("B", "b1"));
    queue.push(query("C", "c1"));
    queue.push(query("B", "b2"));
    expect(order(queue)).toEqual(["a1", "b1", "c1", "a2", "b2", "a3", "a4", "a5", "a6"]);
  });

  it("an account whose queue emptied joins the end of the turns when it comes back", () => {
    const queue = new FairQueue<QueuedWork>();
    queue.push(query("A", "a1"));
    queue.push(query("B", "b1"));
    queue.push(query("B", "b2"));
    expect(queue.takeBatch(1).map((w) => w.texts[0])).toEqual(["a1"]);
    queue.push(query("A", "a2"));
    expect(order(queue)).toEqual(["b1", "a2", "b2"]);
  });

  it("serves every query before ingestion, and ingestion batches oldest first, one per call", () => {
    const queue = new FairQueue<QueuedWork>();
    queue.push(ingestion("d1", "d2"));
    queue.push(ingestion("d3"));
    queue.push(query("A", "a1"));
    queue.push(query("B", "b1"));
    expect(order(queue, 8)).toEqual(["a1+b1", "d1+d2", "d3"]);
  });

  it("packs queries into one model call in turn order, up to the batch size", () => {
    const queue = new FairQueue<QueuedWork>();
    for (let i = 1; i <= 4; i++) queue.push(query("A", `a${i}`));
    queue.push(query("B", "b1"));
    queue.push(query("C", "c1"));
    expect(order(queue, 4)).toEqual(["a1+b1+c1+a2", "a3+a4"]);
  });

  it("forgets removed work: it is never served, and an account left with nothing loses its turn", () => {
    const queue = new FairQueue<QueuedWork>();
    const a1 = query("A", "a1");
    const b1 = query("B", "b1");
    const d1 = ingestion("d1");
    queue.push(a1);
    queue.push(b1);
    queue.push(query("B", "b2"));
    queue.push(d1);
    expect(queue.remove(a1)).toBe(true);
    expect(queue.remove(a1)).toBe(false);
    expect(queue.remove(d1)).toBe(true);
    expect(queue.remove(b1)).toBe(true);
    expect(queue.size).toBe(1);
    expect(queue.queryLoad("A")).toEqual({ ahead: 1, own: 0, total: 1, accounts: 1 });
    expect(order(queue)).toEqual(["b2"]);
  });

  it("counts what round-robin serves before a new query of each account", () => {
    const queue = new FairQueue<QueuedWork>();
    for (let i = 1; i <= 5; i++) queue.push(query("A", `a${i}`));
    queue.push(query("B", "b1"));
    // B's next query follows its own b1 and at most two of A's; a new account's follows one of each.
    expect(queue.queryLoad("B")).toEqual({ ahead: 3, own: 1, total: 6, accounts: 2 });
    expect(queue.queryLoad("C")).toEqual({ ahead: 2, own: 0, total: 6, accounts: 2 });
    expect(queue.queryLoad("A")).toEqual({ ahead: 6, own: 5, total: 6, accounts: 2 });
  });
});

describe("EmbeddingScheduler (admission by expected wait)", () => {
  // One slot, 4 texts per call, 100 ms per text until measured, 1 s allowed; the clock stands still at 0.
  const setup = () => gatedEmbedder({ workers: 1, batchSize: 4, initialMsPerText: 100, maxQueryWaitMs: 1000 });

  it("admits while the expected wait fits, then refuses: 503 when the queue is full, 429 for an account over its share", async () => {
    const { scheduler, model } = setup();
    const admitted = [scheduler.admitQuery({ accountId: "A", text: "a0" })];
    const running = await model.nextCall();
    expect(running.texts).toEqual(["a0"]);
    // A's k-th waiting query expects the running text plus k+1 texts: 100 + (k+1)·100 ms ≤ 1000 for k ≤ 8.
    for (let k = 0; k <= 8; k++) {
      expect(scheduler.expectedQueryWaitMs("A")).toBe(100 + (k + 1) * 100);
      admitted.push(scheduler.admitQuery({ accountId: "A", text: `a${k + 1}` }));
    }
    expect(scheduler.expectedQueryWaitMs("A")).toBe(1100);
    expect(() => scheduler.admitQuery({ accountId: "A", text: "a10" })).toThrowError(
      expect.objectContaining({ code: "SERVICE_UNAVAILABLE", details: { retryAfterSeconds: 1 } }),
    );

    // B is served after one of A's queries, in the next call: 100 + 4·100 ms.
    expect(scheduler.expectedQueryWaitMs("B")).toBe(500);
    const b = scheduler.admitQuery({ accountId: "B", text: "b1" });
    expect(() => scheduler.admitQuery({ accountId: "A", text: "a10" })).toThrowError(
      expect.objectContaining({ code: "RATE_LIMITED", details: { retryAfterSeconds: 1 } }),
    );
    const c = scheduler.admitQuery({ accountId: "C", text: "c1" });

    running.release();
    const second = await model.nextCall();
    expect(second.texts).toEqual(["a1", "b1", "c1", "a2"]);
    expect(scheduler.stats()).toMatchObject({ waiting: 7, running: 1 });
    model.open = true;
    second.release();
    const vectors = await Promise.all([...admitted, b, c].map((t) => t.vector));
    expect(vectors.every((v) => v.length === 32)).toBe(true);
    expect(model.calls.map((call) => call.texts)).toEqual([
      ["a0"],
      ["a1", "b1", "c1", "a2"],
      ["a3", "a4", "a5", "a6"],
      ["a7", "a8", "a9"],
    ]);
  });

  it("measures the model: the time per text follows what calls really take", async () => {
    let now = 0;
    const { scheduler, model } = gatedEmbedder({ batchSize: 4, initialMsPerText: 100, now: () => now });
    const done = scheduler.embed(["d1", "d2", "d3", "d4"], "document");
    const call = await model.nextCall();
    now += 800;
    expect(scheduler.expectedQueryWaitMs("A")).toBe(100); // the running call is overdue; the query's own text
    call.release(800); // 200 ms per text this time
    await done;
    expect(scheduler.stats().msPerText).toBeCloseTo(0.3 * 200 + 0.7 * 100, 9);
  });

  it("drops an abandoned query that has not started: the model never sees it and its vector rejects with the reason", async () => {
    const { scheduler, model } = setup();
    const first = scheduler.admitQuery({ accountId: "A", text: "running" });
    const call = await model.nextCall();
    const controller = new AbortController();
    const abandoned = scheduler.admitQuery({ accountId: "B", text: "abandoned", signal: controller.signal });
    const kept = scheduler.admitQuery({ accountId: "C", text: "kept" });
    controller.abort(new Error("client gone"));
    await expect(abandoned.vector).rejects.toThrow("client gone");
    expect(scheduler.stats().waiting).toBe(1);
    call.release();
    const next = await model.nextCall();
    expect(next.texts).toEqual(["kept"]);
    next.release();
    await Promise.all([first.vector, kept.vector]);
  });

  it("an abandoned query already in a model call rejects at once; the others in that call get their vectors", async () => {
    const { scheduler, model } = setup();
    const blocker = scheduler.admitQuery({ accountId: "A", text: "blocker" });
    const first = await model.nextCall();
    const leaving = scheduler.admitQuery({ accountId: "B", text: "leaving" });
    const staying = scheduler.admitQuery({ accountId: "C", text: "staying" });
    first.release();
    const shared = await model.nextCall();
    expect(shared.texts).toEqual(["leaving", "staying"]);
    leaving.cancel(new Error("refused before its vector was needed"));
    await expect(leaving.vector).rejects.toThrow("refused before");
    shared.release();
    expect((await staying.vector).length).toBe(32);
    await blocker.vector;
  });

  it("queries wait for nothing but the running call: ingestion queued before them runs after", async () => {
    const { scheduler, model } = setup();
    const documents = scheduler.embed(["d1", "d2", "d3", "d4", "d5", "d6"], "document");
    const first = await model.nextCall();
    expect(first.texts).toEqual(["d1", "d2", "d3", "d4"]);
    const q = scheduler.admitQuery({ accountId: "A", text: "q" });
    first.release();
    const second = await model.nextCall();
    expect(second.texts).toEqual(["q"]);
    model.open = true;
    second.release();
    expect((await documents).length).toBe(6);
    expect(model.calls.map((call) => call.texts)).toEqual([["d1", "d2", "d3", "d4"], ["q"], ["d5", "d6"]]);
    await q.vector;
  });

  it("hands a worker its next call while one runs, and counts that call as work ahead of a new query", async () => {
    const { scheduler, model } = gatedEmbedder({ workers: 1, callsPerWorker: 2, batchSize: 4, initialMsPerText: 100 });
    const first = scheduler.admitQuery({ accountId: "A", text: "a1" });
    const second = scheduler.admitQuery({ accountId: "B", text: "b1" });
    const third = scheduler.admitQuery({ accountId: "C", text: "c1" });
    expect(model.calls.map((call) => call.texts)).toEqual([["a1"], ["b1"]]);
    expect(scheduler.stats()).toMatchObject({ waiting: 1, running: 2 });
    // a1 and b1 handed out, c1 waiting, then the new query's own text: 4 × 100 ms.
    expect(scheduler.expectedQueryWaitMs("D")).toBe(400);
    model.open = true;
    model.calls[0]!.release();
    model.calls[1]!.release();
    await Promise.all([first.vector, second.vector, third.vector]);
    expect(model.calls.map((call) => call.texts)).toEqual([["a1"], ["b1"], ["c1"]]);
  });

  it("a failed model call fails only the work in it", async () => {
    const { scheduler, model } = setup();
    const failing = scheduler.admitQuery({ accountId: "A", text: "x" });
    (await model.nextCall()).fail(new Error("model crashed"));
    await expect(failing.vector).rejects.toThrow("model crashed");
    const next = scheduler.admitQuery({ accountId: "A", text: "y" });
    (await model.nextCall()).release();
    expect((await next.vector).length).toBe(32);
  });
});
