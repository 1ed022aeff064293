import type { Database } from "../db/open.js";
import type { DomainMigrations, Param, Sql, TransactionalWrite } from "../db/sql.js";
import { newId } from "../lib/ids.js";

const sql = `
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  account_id TEXT NOT NULL,
  subject_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until BIGINT,
  payload TEXT NOT NULL DEFAULT '{}',
  error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_claimable ON jobs (status, created_at);
CREATE INDEX jobs_subject ON jobs (account_id, subject_id);
`;

export const jobsMigrations: DomainMigrations = {
  domain: "jobs",
  migrations: [{ version: 1, name: "background jobs", sqlite: sql, postgres: sql }],
};

export interface Job<P = Record<string, unknown>> {
  id: string;
  kind: string;
  accountId: string;
  subjectId: string | null;
  attempts: number;
  payload: P;
  leaseUntil: number;
}

/**
 * One attempt at a job: the attempt number is its fencing token. Renewing, finishing or fencing a write names it, so
 * an attempt taken over — even by a worker of the same process (the same owner) — changes nothing.
 */
export type JobAttempt = Pick<Job, "id" | "attempts">;

interface JobRow {
  id: string;
  kind: string;
  account_id: string;
  subject_id: string | null;
  attempts: number;
  payload: string;
  lease_until: number | null;
}

const toJob = (r: JobRow): Job => ({
  id: r.id,
  kind: r.kind,
  accountId: r.account_id,
  subjectId: r.subject_id,
  attempts: Number(r.attempts),
  payload: JSON.parse(r.payload),
  leaseUntil: Number(r.lease_until ?? 0),
});

/**
 * Background work kept in the database. A job is claimed with a lease; the worker renews it while it runs; a job
 * whose lease ran out (its process died) is claimed again. On PostgreSQL, FOR UPDATE SKIP LOCKED lets several
 * workers claim at once without taking the same job.
 */
/** Jobs per multi-row INSERT in `enqueueMany` (7 parameters each). */
const ENQUEUE_CHUNK = 500;

export class JobQueue {
  constructor(private readonly db: Database) {}

  /** Queues a job; pass `sql` (a transaction) to queue it only if that transaction commits. */
  async enqueue(
    input: {
      kind: string;
      accountId: string;
      subjectId?: string;
      payload?: object;
      id?: string;
    },
    sql: Sql = this.db.sql,
  ): Promise<string> {
    const id = input.id ?? newId("job");
    const now = Date.now();
    await sql.run(
      `INSERT INTO jobs (id, kind, account_id, subject_id, status, payload, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)`,
      [id, input.kind, input.accountId, input.subjectId ?? null, JSON.stringify(input.payload ?? {}), now, now],
    );
    return id;
  }

  /** Queues jobs in one statement per few hundred; pass `sql` (a transaction) to queue them only if it commits. */
  async enqueueMany(
    inputs: { kind: string; accountId: string; subjectId?: string; payload?: object; id?: string }[],
    sql: Sql = this.db.sql,
  ): Promise<string[]> {
    const now = Date.now();
    const ids = inputs.map((input) => input.id ?? newId("job"));
    for (let from = 0; from < inputs.length; from += ENQUEUE_CHUNK) {
      const chunk = inputs.slice(from, from + ENQUEUE_CHUNK);
      await sql.run(
        `INSERT INTO jobs (id, kind, account_id, subject_id, status, payload, created_at, updated_at)
         VALUES ${chunk.map(() => "(?, ?, ?, ?, 'queued', ?, ?, ?)").join(", ")}`,
        chunk.flatMap((input, i) => [
          ids[from + i],
          input.kind,
          input.accountId,
          input.subjectId ?? null,
          JSON.stringify(input.payload ?? {}),
          now,
          now,
        ]),
      );
    }
    return ids;
  }

  /**
   * The job as a statement that commits with another change (a ledger movement's `writes`), queued only if
   * `condition` (SQL with its own `?` parameters) holds when it runs.
   */
  enqueueIf(
    input: { kind: string; accountId: string; subjectId?: string; payload?: object; id?: string },
    condition: string,
    conditionParams: Param[],
  ): TransactionalWrite {
    const now = Date.now();
    return {
      sql: `INSERT INTO jobs (id, kind, account_id, subject_id, status, payload, created_at, updated_at)
            SELECT ?, ?, ?, ?, 'queued', ?, ?, ? WHERE ${condition}`,
      params: [
        input.id ?? newId("job"),
        input.kind,
        input.accountId,
        input.subjectId ?? null,
        JSON.stringify(input.payload ?? {}),
        now,
        now,
        ...conditionParams,
      ],
    };
  }

  /** Takes the oldest claimable job (queued, or running with an expired lease) for `owner`. */
  async claim(owner: string, leaseMs: number, kinds: string[]): Promise<Job | undefined> {
    const now = Date.now();
    const kindList = kinds.map(() => "?").join(",");
    const pick = `SELECT id FROM jobs
      WHERE kind IN (${kindList}) AND (status = 'queued' OR (status = 'running' AND lease_until < ?))
      ORDER BY created_at LIMIT 1${this.db.dialect === "postgres" ? " FOR UPDATE SKIP LOCKED" : ""}`;
    const row = await this.db.sql.get<JobRow>(
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = ?, lease_until = ?, updated_at = ?
       WHERE id = (${pick}) RETURNING id, kind, account_id, subject_id, attempts, payload, lease_until`,
      [owner, now + leaseMs, now, ...kinds, now],
    );
    return row ? toJob(row) : undefined;
  }

  /** Renews the lease; false when the job was taken over or cancelled (the worker must stop). */
  async renew(job: JobAttempt, owner: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    return (
      (await this.db.sql.run(
        `UPDATE jobs SET lease_until = ?, updated_at = ?
         WHERE id = ? AND lease_owner = ? AND attempts = ? AND status = 'running'`,
        [now + leaseMs, now, job.id, owner, job.attempts],
      )) > 0
    );
  }

  /**
   * The fence of one attempt at a job (see `TransactionalWrite.fence`): it changes the job's row only while this
   * attempt holds it, so a write it guards commits only then. On PostgreSQL the row stays locked until the write
   * commits, so a takeover (whose claim skips locked rows) starts after it; on SQLite writes are serialised anyway.
   */
  leaseFence(job: JobAttempt, owner: string): TransactionalWrite {
    return {
      sql: `UPDATE jobs SET attempts = attempts
            WHERE id = ? AND lease_owner = ? AND attempts = ? AND status = 'running'`,
      params: [job.id, owner, job.attempts],
      fence: true,
    };
  }

  async finish(job: JobAttempt, owner: string, outcome: { status: "done" | "failed"; error?: string }): Promise<void> {
    await this.db.sql.run(
      `UPDATE jobs SET status = ?, error = ?, lease_owner = NULL, lease_until = NULL, payload = '{}', updated_at = ?
       WHERE id = ? AND lease_owner = ? AND attempts = ?`,
      [outcome.status, outcome.error ?? null, Date.now(), job.id, owner, job.attempts],
    );
  }

  /** Puts a job that failed for a passing reason back in the queue (its attempts still count). */
  async requeue(job: JobAttempt, owner: string, error: string): Promise<void> {
    await this.db.sql.run(
      `UPDATE jobs SET status = 'queued', error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?
       WHERE id = ? AND lease_owner = ? AND attempts = ?`,
      [error, Date.now(), job.id, owner, job.attempts],
    );
  }

  /**
   * Puts a job back to run again no sooner than `at` (its attempts still count): a lease that nobody holds and that
   * runs out then, so any worker claims it once it has.
   */
  async defer(job: JobAttempt, owner: string, at: number, error: string): Promise<void> {
    await this.db.sql.run(
      `UPDATE jobs SET status = 'running', error = ?, lease_owner = NULL, lease_until = ?, updated_at = ?
       WHERE id = ? AND lease_owner = ? AND attempts = ?`,
      [error, at, Date.now(), job.id, owner, job.attempts],
    );
  }

  /** Whether such a job waits to start (one already running may have begun before what the caller did). */
  async hasQueued(kind: string, accountId: string, subjectId: string): Promise<boolean> {
    const row = await this.db.sql.get(
      "SELECT id FROM jobs WHERE kind = ? AND account_id = ? AND subject_id = ? AND status = 'queued'",
      [kind, accountId, subjectId],
    );
    return row !== undefined;
  }

  async hasPending(kind: string, accountId: string, subjectId: string): Promise<boolean> {
    const row = await this.db.sql.get(
      "SELECT id FROM jobs WHERE kind = ? AND account_id = ? AND subject_id = ? AND status IN ('queued', 'running')",
      [kind, accountId, subjectId],
    );
    return row !== undefined;
  }

  /** Jobs of a subject are removed with it (their payload may name its files). */
  async deleteForSubjects(accountId: string, subjectIds: string[]): Promise<number> {
    let n = 0;
    for (const id of subjectIds)
      n += await this.db.sql.run("DELETE FROM jobs WHERE account_id = ? AND subject_id = ?", [accountId, id]);
    return n;
  }

  async deleteForAccount(accountId: string): Promise<number> {
    return this.db.sql.run("DELETE FROM jobs WHERE account_id = ?", [accountId]);
  }
}
