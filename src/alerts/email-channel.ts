import type { Sql } from "../db/sql.js";
import type { EventChannel } from "../events/dispatcher.js";
import type { OutboxEvent } from "../events/types.js";
import { isEmailTemplate, OPTIONAL_EMAILS } from "./emails.js";
import type { AccountMail } from "./mail-jobs.js";

/**
 * Events by email: for an event with a template, queues a mail job to the account's address inside the dispatch
 * transaction (so the mail is queued exactly when the event is dispatched). Balance alerts follow the account's
 * `email` choice; receipts, top-ups and licence notices always go.
 */
export class EmailChannel implements EventChannel {
  readonly name = "email";

  constructor(private readonly mail: AccountMail) {}

  async accept(tx: Sql, event: OutboxEvent): Promise<void> {
    if (!this.mail.on || !isEmailTemplate(event.type)) return;
    if (OPTIONAL_EMAILS.has(event.type)) {
      const row = await tx.get<{ email: number }>("SELECT email FROM balance_alerts WHERE account_id = ?", [
        event.accountId,
      ]);
      if (row && Number(row.email) !== 1) return;
    }
    await this.mail.queue(
      { accountId: event.accountId, template: event.type, data: event.data, subjectId: event.id },
      tx,
    );
  }
}
