import type { Sql } from "../db/sql.js";

/** Rows one statement deletes at most: short transactions, so the dispatcher and the ledger never wait long. */
const BATCH = 500;

/**
 * How long the outbox keeps what it has handed on. A dispatched event's work is queued elsewhere (webhook attempts,
 * mail jobs) by then, so its row is only history — and it carries customer words (a document's title). Undispatched
 * events are never touched, whatever their age: they are still owed to the channels.
 */
export class EventRetention {
  constructor(
    private readonly sql: Sql,
    private readonly retentionMs: number,
    private readonly batch = BATCH,
  ) {}

  /**
   * Deletes events dispatched before now − retention, a batch at a time; returns how many went. Idempotent, and safe
   * to run from every process at once (a row another process deleted first is simply not there).
   */
  async deleteExpired(now = Date.now()): Promise<number> {
    const cutoff = now - this.retentionMs;
    let deleted = 0;
    for (;;) {
      const n = await this.sql.run(
        `DELETE FROM events WHERE id IN (
           SELECT id FROM events WHERE dispatched_at IS NOT NULL AND dispatched_at < ? ORDER BY dispatched_at LIMIT ?)`,
        [cutoff, this.batch],
      );
      deleted += n;
      if (n < this.batch) return deleted;
    }
  }

  /** Every event of the account, dispatched or not (`DELETE /v1/data`: events quote its documents' titles). */
  async deleteForAccount(accountId: string): Promise<number> {
    return this.sql.run("DELETE FROM events WHERE account_id = ?", [accountId]);
  }
}
