import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StaleWriteError } from "../../src/db/sql.js";
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

  it("a write fenced by an attempt taken over by the same process is refused, and that attempt records nothing", async () => {
    const queue = new JobQueue(t.db);
    const gaveUp: string[] = [];
    const outcome: unknown[] = [];
    let takeOver!: () => void;
    const takenOver = new Promise<void>((r) => {
      takeOver = r;
    });
    const id = await queue.enqueue({ kind: "fenced.one", accountId: "acct_z" });
    const worker = new JobWorker(
      queue,
      {
        "fenced.one": {
          run: async ({ fence }) => {
            await takenOver;
            // A write guarded by this attempt's lease, as the search index runs it.
            await t.db.sql
              .transaction(async (tx) => {
                if ((await tx.run(fence.sql, fence.params)) === 0) throw new StaleWriteError();
                outcome.push("written");
              })
              .catch((e) => {
                outcome.push(e);
                throw e;
              });
          },
          giveUp: async (job) => {
            gaveUp.push(job.id);
          },
        },
      },
      // Its last allowed attempt (maxAttempts 1): any other failure would give the job up. The lease is renewed
      // too rarely for the loss to be noticed that way.
      { owner: "same-process", concurrency: 1, leaseMs: 60_000, pollMs: 60_000, maxAttempts: 1, log: quiet },
    );
    worker.start();
    try {
      for (let i = 0; i < 400; i++) {
        const row = await t.db.sql.get<{ status: string }>("SELECT status FROM jobs WHERE id = ?", [id]);
        if (row?.status === "running") break;
        await new Promise((r) => setTimeout(r, 25));
      }
      // Claimed again by this very process (another of its workers, once the lease had run out while it starved).
      await t.db.sql.run("UPDATE jobs SET attempts = attempts + 1 WHERE id = ?", [id]);
      takeOver();
      for (let i = 0; i < 400 && outcome.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await worker.stop();
    }
    expect(outcome).toHaveLength(1);
    expect(outcome[0]).toBeInstanceOf(StaleWriteError);
    expect(gaveUp).toEqual([]);
    expect(await t.db.sql.get("SELECT status, lease_owner, attempts, error FROM jobs WHERE id = ?", [id])).toEqual({
      status: "running",
      lease_owner: "same-process",
      attempts: 2,
      error: null,
    });
  });
});
