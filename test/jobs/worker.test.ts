import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors.js";
import { JobQueue, jobsMigrations } from "../../src/jobs/queue.js";
import { FinalJobError, type JobHandler, JobWorker } from "../../src/jobs/worker.js";
import { freshDatabase, type TestDatabase } from "../support/db.js";
import { eventually } from "../support/eventually.js";

const quiet = { info() {}, warn() {}, error() {} };

describe("JobWorker records what a job failed of", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase("sqlite", [jobsMigrations]);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("gives a handler of any kind the error a FinalJobError wraps, and stores its message", async () => {
    const queue = new JobQueue(t.db);
    const given = new Map<string, unknown>();
    const failing = (error: Error): JobHandler => ({
      run: async () => {
        throw error;
      },
      giveUp: async (job, e) => {
        given.set(job.kind, e);
      },
    });
    const refused = new ApiError("URL_NOT_ALLOWED", "Refusing to fetch http://internal.example/");
    const unpaid = new ApiError("INSUFFICIENT_CREDITS", "not enough credits");
    const handlers = {
      "any.one": failing(new FinalJobError(refused.message, { cause: refused })),
      "any.two": failing(new FinalJobError("outer", { cause: new FinalJobError("inner", { cause: unpaid }) })),
      "any.three": failing(new FinalJobError("no cause")),
    };
    const ids = new Map<string, string>();
    for (const kind of Object.keys(handlers)) ids.set(kind, await queue.enqueue({ kind, accountId: "acct_x" }));
    const worker = new JobWorker(queue, handlers, {
      owner: "test",
      concurrency: 1,
      leaseMs: 10_000,
      pollMs: 50,
      maxAttempts: 3,
      log: quiet,
    });
    worker.start();
    try {
      await eventually(() => given.size >= 3, { what: "three attempts", timeoutMs: 10_000 });
    } finally {
      await worker.stop();
    }
    expect(given.get("any.one")).toBe(refused);
    expect(given.get("any.two")).toBe(unpaid);
    expect(given.get("any.three")).toBeInstanceOf(FinalJobError);
    const errors = await t.db.sql.all<{ id: string; status: string; error: string }>(
      "SELECT id, status, error FROM jobs",
    );
    const byId = new Map(errors.map((r) => [r.id, r]));
    expect(byId.get(ids.get("any.one")!)).toMatchObject({ status: "failed", error: refused.message });
    expect(byId.get(ids.get("any.two")!)).toMatchObject({ status: "failed", error: "not enough credits" });
    expect(byId.get(ids.get("any.three")!)).toMatchObject({ status: "failed", error: "no cause" });
  });

  it("a worker whose lease was taken over stops without giving the job up or putting it back", async () => {
    const queue = new JobQueue(t.db);
    const gaveUp: string[] = [];
    let stopped = false;
    const id = await queue.enqueue({ kind: "slow.one", accountId: "acct_y" });
    const worker = new JobWorker(
      queue,
      {
        "slow.one": {
          // Runs until it is told to stop; this is its last allowed attempt (maxAttempts 1).
          run: ({ signal }) =>
            new Promise((_, reject) =>
              signal.addEventListener("abort", () => {
                stopped = true;
                reject(signal.reason);
              }),
            ),
          giveUp: async (job) => {
            gaveUp.push(job.id);
          },
        },
      },
      { owner: "slow-worker", concurrency: 1, leaseMs: 750, pollMs: 60_000, maxAttempts: 1, log: quiet },
    );
    worker.start();
    try {
      await eventually(
        async () =>
          (await t.db.sql.get<{ status: string }>("SELECT status FROM jobs WHERE id = ?", [id]))?.status === "running",
        { what: "the job to run", timeoutMs: 10_000 },
      );
      // Another worker claims it, as it would once this one's lease ran out while its process was starved.
      await t.db.sql.run(
        "UPDATE jobs SET lease_owner = 'other-worker', attempts = attempts + 1, lease_until = ? WHERE id = ?",
        [Date.now() + 60_000, id],
      );
      await eventually(() => stopped, { what: "the handler to stop", timeoutMs: 10_000 });
    } finally {
      await worker.stop();
    }
    expect(stopped).toBe(true);
    expect(gaveUp).toEqual([]);
    expect(await t.db.sql.get("SELECT status, lease_owner, attempts FROM jobs WHERE id = ?", [id])).toEqual({
      status: "running",
      lease_owner: "other-worker",
      attempts: 2,
    });
  });
});
