import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors.js";
import { JobQueue, jobsMigrations } from "../../src/jobs/queue.js";
import { FinalJobError, type JobHandler, JobWorker } from "../../src/jobs/worker.js";
import { freshDatabase, type TestDatabase } from "../support/db.js";

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
      for (let i = 0; i < 400 && given.size < 3; i++) await new Promise((r) => setTimeout(r, 25));
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
});
