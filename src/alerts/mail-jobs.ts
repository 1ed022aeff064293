import type { Sql } from "../db/sql.js";
import type { JobQueue } from "../jobs/queue.js";
import { type JobHandler, RetryLaterError } from "../jobs/worker.js";
import type { Mailer } from "../mail/mailer.js";
import { type EmailTemplate, renderEmail, type Sender } from "./emails.js";

export const MAIL_JOB = "mail.send";

interface MailPayload {
  to: string;
  template: EmailTemplate;
  data: Record<string, unknown>;
}

/**
 * Queues one email to the account's address, in `tx` when given (a dispatch, a change): it is sent only if that
 * commits, and never from inside a request or a ledger transaction. Nothing is queued when mail is off.
 */
export class AccountMail {
  constructor(private readonly deps: { sql: Sql; jobs: JobQueue; mailer: Mailer; onQueued: () => void }) {}

  get on(): boolean {
    return this.deps.mailer.on;
  }

  async queue(
    input: { accountId: string; template: EmailTemplate; data: Record<string, unknown>; subjectId?: string },
    tx: Sql = this.deps.sql,
  ): Promise<boolean> {
    if (!this.deps.mailer.on) return false;
    const account = await tx.get<{ email: string }>("SELECT email FROM accounts WHERE id = ?", [input.accountId]);
    if (!account) return false;
    const payload: MailPayload = { to: account.email, template: input.template, data: input.data };
    await this.deps.jobs.enqueue(
      { kind: MAIL_JOB, accountId: input.accountId, subjectId: input.subjectId, payload },
      tx,
    );
    if (tx === this.deps.sql) this.deps.onQueued();
    return true;
  }

  /**
   * Queues several emails in `tx` with two statements (the accounts' addresses, then the jobs); an account that no
   * longer exists gets none. Returns how many were queued. The caller wakes the worker (`wake`) once `tx` commits.
   */
  async queueMany(
    inputs: { accountId: string; template: EmailTemplate; data: Record<string, unknown>; subjectId?: string }[],
    tx: Sql,
  ): Promise<number> {
    if (!this.deps.mailer.on || inputs.length === 0) return 0;
    const accounts = [...new Set(inputs.map((i) => i.accountId))];
    const rows = await tx.all<{ id: string; email: string }>(
      `SELECT id, email FROM accounts WHERE id IN (${accounts.map(() => "?").join(", ")})`,
      accounts,
    );
    const emailOf = new Map(rows.map((r) => [r.id, r.email]));
    const jobs = inputs.flatMap((input) => {
      const to = emailOf.get(input.accountId);
      if (to === undefined) return [];
      const payload: MailPayload = { to, template: input.template, data: input.data };
      return [{ kind: MAIL_JOB, accountId: input.accountId, subjectId: input.subjectId, payload }];
    });
    await this.deps.jobs.enqueueMany(jobs, tx);
    return jobs.length;
  }

  /** Wakes the mail worker: jobs queued in a transaction are there once it has committed. */
  wake(): void {
    this.deps.onQueued();
  }

  /**
   * For the webhooks' `onEndpointDisabled`: tells the owner an endpoint was turned off after failing too long.
   * Pass the transaction that disabled it, or none to queue it on its own.
   */
  queueEndpointDisabledMail(input: { accountId: string; url: string }, tx?: Sql): Promise<boolean> {
    return this.queue(
      { accountId: input.accountId, template: "webhook_endpoint.disabled", data: { url: input.url } },
      tx,
    );
  }
}

/** How long a failed send waits before the next try: 30 s, doubling, at most an hour. */
export function mailBackoffMs(attempt: number, baseMs = 30_000): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3600_000);
}

/** Sends a queued email; a failure is tried again later (at least once delivered while the server comes back). */
export function mailJobHandler(deps: {
  mailer: Mailer;
  sender: Sender;
  log: { warn(obj: object, msg: string): void };
  baseDelayMs?: number;
}): JobHandler {
  return {
    async run({ job }) {
      const payload = job.payload as unknown as MailPayload;
      const message = renderEmail(payload.template, payload.data, deps.sender, payload.to);
      try {
        await deps.mailer.send(message);
      } catch (error) {
        throw new RetryLaterError(mailBackoffMs(job.attempts, deps.baseDelayMs), { cause: error });
      }
    },
    async giveUp(job, error) {
      deps.log.warn(
        { jobId: job.id, err: error, template: (job.payload as unknown as MailPayload).template },
        "an email could not be sent after every retry",
      );
    },
  };
}
