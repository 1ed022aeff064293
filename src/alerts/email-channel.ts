import type { Sql } from "../db/sql.js";
import type { EventChannel } from "../events/dispatcher.js";
import type { OutboxEvent } from "../events/types.js";
import { emailFor, OPTIONAL_EMAILS } from "./emails.js";
import type { AccountMail } from "./mail-jobs.js";

/**
 * Events by email: for each event that has one (`emailFor`: one email per thing that happened, so an auto top-up's
 * receipt is its `auto_topup.succeeded` email and its `purchase.completed` sends none), queues a mail job to the
 * account's address inside the dispatch transaction (so the mail is queued exactly when the event is dispatched).
 * Balance alerts follow the account's `email` choice; receipts, top-ups and licence notices always go. A batch costs
 * at most three statements: the accounts' choices, their addresses, the jobs.
 */
export class EmailChannel implements EventChannel {
  readonly name = "email";

  constructor(private readonly mail: AccountMail) {}

  async acceptBatch(tx: Sql, events: OutboxEvent[]): Promise<void> {
    if (!this.mail.on) return;
    const mailed = events.flatMap((e) => {
      const template = emailFor(e);
      return template ? [{ event: e, template }] : [];
    });
    const optional = [...new Set(mailed.filter((m) => OPTIONAL_EMAILS.has(m.template)).map((m) => m.event.accountId))];
    const declined = new Set<string>();
    if (optional.length > 0) {
      const rows = await tx.all<{ account_id: string; email: number }>(
        `SELECT account_id, email FROM balance_alerts WHERE account_id IN (${optional.map(() => "?").join(", ")})`,
        optional,
      );
      for (const row of rows) if (Number(row.email) !== 1) declined.add(row.account_id);
    }
    await this.mail.queueMany(
      mailed
        .filter((m) => !(OPTIONAL_EMAILS.has(m.template) && declined.has(m.event.accountId)))
        .map(({ event, template }) => ({
          accountId: event.accountId,
          template,
          data: event.data,
          subjectId: event.id,
        })),
      tx,
    );
  }

  afterCommit(): void {
    this.mail.wake();
  }
}
