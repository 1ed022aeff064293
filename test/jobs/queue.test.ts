import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/open.js";
import { JobQueue, jobsMigrations } from "../../src/jobs/queue.js";
import { freshDatabase, type TestDatabase } from "../support/db.js";

/*
 * The claim is the one place two workers could take the same job: FOR UPDATE SKIP LOCKED in the UPDATE's subquery,
 * re-checked by PostgreSQL on the row's newest version when another claim committed meanwhile.
 */
describe("claiming jobs from two processes at once on PostgreSQL", () => {
  let t: TestDatabase;
  let other: Database;
  beforeAll(async () => {
    t = await freshDatabase("postgres", [jobsMigrations]);
    other = await openDatabase(t.options, [jobsMigrations]); // another pool: another process
  });
  afterAll(async () => {
    await other?.close();
    await t.cleanup();
  });

  it("gives each queued job, and each job whose lease ran out, to exactly one worker", async () => {
    const queue = new JobQueue(t.db);
    const queued = await queue.enqueueMany(Array.from({ length: 30 }, () => ({ kind: "k", accountId: "acct_q" })));
    const lapsed = await queue.enqueueMany(Array.from({ length: 30 }, () => ({ kind: "k", accountId: "acct_q" })));
    // Claimed once by a worker that died: running, its lease over.
    for (const id of lapsed)
      await t.db.sql.run(
        "UPDATE jobs SET status = 'running', attempts = 1, lease_owner = 'dead', lease_until = ? WHERE id = ?",
        [Date.now() - 1_000, id],
      );
    const claimed: string[] = [];
    const workers = [t.db, other].flatMap((db, p) =>
      Array.from({ length: 4 }, async (_, w) => {
        const q = new JobQueue(db);
        for (;;) {
          const job = await q.claim(`worker-${p}-${w}`, 60_000, ["k"]);
          if (!job) return;
          claimed.push(job.id);
        }
      }),
    );
    await Promise.all(workers);
    expect(claimed.length).toBe(60);
    expect(new Set(claimed)).toEqual(new Set([...queued, ...lapsed]));
    const rows = await t.db.sql.all<{ id: string; attempts: number }>("SELECT id, attempts FROM jobs");
    const attempts = new Map(rows.map((r) => [r.id, Number(r.attempts)]));
    expect(queued.map((id) => attempts.get(id))).toEqual(Array(30).fill(1));
    expect(lapsed.map((id) => attempts.get(id))).toEqual(Array(30).fill(2));
  });
});
