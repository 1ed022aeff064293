import type { Sql } from "../db/sql.js";
import { newId } from "../lib/ids.js";

/** How long the delivery log keeps a finished delivery. */
export const LOG_RETENTION_MS = 30 * 86_400_000;

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One event for one endpoint, with the outcome of its latest attempt. */
export interface Delivery {
  id: string;
  accountId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  /** The exact bytes sent and signed, the same on every attempt. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  /** The process sending it right now, if one is. */
  leaseOwner: string | null;
  responseStatus: number | null;
  error: string | null;
  latencyMs: number | null;
  lastAttemptAt: number | null;
  createdAt: number;
}

interface Row {
  id: string;
  account_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  lease_owner: string | null;
  response_status: number | null;
  error: string | null;
  latency_ms: number | null;
  last_attempt_at: number | null;
  created_at: number;
}

const num = (v: number | null) => (v === null ? null : Number(v));
const toDelivery = (r: Row): Delivery => ({
  id: r.id,
  accountId: r.account_id,
  endpointId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.event_type,
  body: r.body,
  status: r.status,
  attempts: Number(r.attempts),
  nextAttemptAt: num(r.next_attempt_at),
  leaseOwner: r.lease_owner,
  responseStatus: num(r.response_status),
  error: r.error,
  latencyMs: num(r.latency_ms),
  lastAttemptAt: num(r.last_attempt_at),
  createdAt: Number(r.created_at),
});

const COLUMNS = `id, account_id, endpoint_id, event_id, event_type, body, status, attempts, next_attempt_at, lease_owner,
  response_status, error, latency_ms, last_attempt_at, created_at`;

/** Rows per multi-row INSERT (8 parameters each: well under either engine's limit on parameters). */
const INSERT_CHUNK = 500;

/** What one attempt came to. */
export interface AttemptOutcome {
  responseStatus: number | null;
  error: string | null;
  latencyMs: number;
  at: number;
}

/**
 * The deliveries table is the sending queue: a pending row whose `next_attempt_at` has come is due. Claiming an
 * attempt moves `next_attempt_at` past a lease and counts the attempt in one statement, so no two processes send
 * the same attempt; a process that dies mid-send leaves the row to be claimed again when the lease runs out.
 */
export class DeliveryStore {
  constructor(private readonly sql: Sql) {}

  /**
   * Queues events for endpoints inside `tx` (the dispatcher's), a few hundred rows per statement; a repeat of an
   * event for the same endpoint is ignored.
   * Returns the new rows' ids, in the order of `inputs`.
   */
  async insertMany(
    tx: Sql,
    inputs: { accountId: string; endpointId: string; eventId: string; eventType: string; body: string; at: number }[],
  ): Promise<string[]> {
    const ids = inputs.map(() => newId("whmsg"));
    for (let from = 0; from < inputs.length; from += INSERT_CHUNK) {
      const chunk = inputs.slice(from, from + INSERT_CHUNK);
      await tx.run(
        `INSERT INTO webhook_deliveries
           (id, account_id, endpoint_id, event_id, event_type, body, status, attempts, next_attempt_at, created_at)
         VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)").join(", ")}
         ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
        chunk.flatMap((d, i) => [ids[from + i], d.accountId, d.endpointId, d.eventId, d.eventType, d.body, d.at, d.at]),
      );
    }
    return ids;
  }

  /** Claims up to `limit` due attempts of enabled endpoints for `owner`, leased for `leaseMs`. */
  async claimDue(owner: string, now: number, leaseMs: number, limit: number): Promise<Delivery[]> {
    const postgres = this.sql.dialect === "postgres";
    const rows = await this.sql.all<Row>(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, lease_owner = ?, next_attempt_at = ?
       WHERE status = 'pending' AND next_attempt_at <= ? AND id IN (
         SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND e.enabled = 1
         ORDER BY d.next_attempt_at LIMIT ?${postgres ? " FOR UPDATE OF d SKIP LOCKED" : ""})
       RETURNING ${COLUMNS}`,
      [owner, now + leaseMs, now, now, limit],
    );
    return rows.map(toDelivery);
  }

  /**
   * Records the attempt `attempt` of a delivery this owner holds: delivered, failed for good, or due again at
   * `nextAttemptAt`. False when the lease was lost (another process took the row over): the outcome is dropped.
   */
  async record(
    delivery: Pick<Delivery, "id" | "attempts">,
    owner: string,
    outcome: AttemptOutcome & { status: DeliveryStatus; nextAttemptAt: number | null },
  ): Promise<boolean> {
    const n = await this.sql.run(
      `UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, lease_owner = NULL, response_status = ?, error = ?,
         latency_ms = ?, last_attempt_at = ?
       WHERE id = ? AND lease_owner = ? AND attempts = ?`,
      [
        outcome.status,
        outcome.nextAttemptAt,
        outcome.responseStatus,
        outcome.error,
        outcome.latencyMs,
        outcome.at,
        delivery.id,
        owner,
        delivery.attempts,
      ],
    );
    return n > 0;
  }

  /** Newest first; `before` is the last id of the previous page. */
  async list(accountId: string, endpointId: string, limit: number, before?: string): Promise<Delivery[]> {
    const rows = await this.sql.all<Row>(
      `SELECT ${COLUMNS} FROM webhook_deliveries
       WHERE account_id = ? AND endpoint_id = ? AND (CAST(? AS TEXT) IS NULL OR id < ?)
       ORDER BY id DESC LIMIT ?`,
      [accountId, endpointId, before ?? null, before ?? null, limit],
    );
    return rows.map(toDelivery);
  }

  async get(accountId: string, endpointId: string, id: string): Promise<Delivery | undefined> {
    const row = await this.sql.get<Row>(
      `SELECT ${COLUMNS} FROM webhook_deliveries WHERE id = ? AND endpoint_id = ? AND account_id = ?`,
      [id, endpointId, accountId],
    );
    return row ? toDelivery(row) : undefined;
  }

  /**
   * "Send again": the delivery is due now (same event, same webhook-id). Refused (false) while an attempt is in
   * flight, so a click cannot make two attempts run at once.
   */
  async sendAgain(accountId: string, endpointId: string, id: string, now: number): Promise<boolean> {
    const n = await this.sql.run(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?
       WHERE id = ? AND endpoint_id = ? AND account_id = ? AND lease_owner IS NULL`,
      [now, id, endpointId, accountId],
    );
    return n > 0;
  }

  /** A one-off delivery not from the outbox (the test event of an endpoint). */
  async insertDirect(input: {
    accountId: string;
    endpointId: string;
    eventId: string;
    eventType: string;
    body: string;
    at: number;
  }): Promise<string> {
    const [id] = await this.insertMany(this.sql, [input]);
    return id as string;
  }

  /** The account's delivery log (its bodies copy event data): removed when the account deletes its data. */
  async deleteForAccount(accountId: string): Promise<number> {
    return this.sql.run("DELETE FROM webhook_deliveries WHERE account_id = ?", [accountId]);
  }

  /** Forgets finished deliveries older than `before` (the log keeps `LOG_RETENTION_MS`). */
  async deleteFinishedBefore(before: number): Promise<number> {
    return this.sql.run("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < ?", [before]);
  }
}
