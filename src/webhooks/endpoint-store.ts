import type { Sql } from "../db/sql.js";
import type { EventType } from "../events/types.js";
import { newId } from "../lib/ids.js";

/** A customer's webhook endpoint (the secret stays sealed here; see `SecretVault`). */
export interface WebhookEndpoint {
  id: string;
  accountId: string;
  url: string;
  description: string | null;
  /** Event types it receives; `["*"]` is every type. */
  events: (EventType | "*")[];
  enabled: boolean;
  /** Why it is off when the service turned it off (`failing`), null when the customer did or it is on. */
  disabledReason: string | null;
  sealedSecret: string;
  sealedPreviousSecret: string | null;
  previousSecretUntil: number | null;
  failingSince: number | null;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  account_id: string;
  url: string;
  description: string | null;
  events: string;
  enabled: number;
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: number | null;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

const num = (v: number | null) => (v === null ? null : Number(v));

const toEndpoint = (r: Row): WebhookEndpoint => ({
  id: r.id,
  accountId: r.account_id,
  url: r.url,
  description: r.description,
  events: JSON.parse(r.events),
  enabled: Number(r.enabled) === 1,
  disabledReason: r.disabled_reason,
  sealedSecret: r.secret,
  sealedPreviousSecret: r.previous_secret,
  previousSecretUntil: num(r.previous_secret_until),
  failingSince: num(r.failing_since),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** Endpoints by account. Every statement names the account: another account's id finds nothing. */
export class EndpointStore {
  constructor(private readonly sql: Sql) {}

  async create(input: {
    accountId: string;
    url: string;
    description: string | null;
    events: string[];
    enabled: boolean;
    sealedSecret: string;
  }): Promise<WebhookEndpoint> {
    const id = newId("whep");
    const now = Date.now();
    await this.sql.run(
      `INSERT INTO webhook_endpoints (id, account_id, url, description, events, enabled, secret, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        input.accountId,
        input.url,
        input.description,
        JSON.stringify(input.events),
        input.enabled ? 1 : 0,
        input.sealedSecret,
        now,
        now,
      ],
    );
    return (await this.get(input.accountId, id))!;
  }

  async get(accountId: string, id: string, sql: Sql = this.sql): Promise<WebhookEndpoint | undefined> {
    const row = await sql.get<Row>("SELECT * FROM webhook_endpoints WHERE id = ? AND account_id = ?", [id, accountId]);
    return row ? toEndpoint(row) : undefined;
  }

  async list(accountId: string): Promise<WebhookEndpoint[]> {
    const rows = await this.sql.all<Row>(
      "SELECT * FROM webhook_endpoints WHERE account_id = ? ORDER BY created_at, id",
      [accountId],
    );
    return rows.map(toEndpoint);
  }

  async count(accountId: string): Promise<number> {
    const row = await this.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_endpoints WHERE account_id = ?", [
      accountId,
    ]);
    return Number(row?.n ?? 0);
  }

  /** The enabled endpoints of these accounts, read in `tx` (the dispatcher's transaction) in one query. */
  async enabledOf(tx: Sql, accountIds: string[]): Promise<WebhookEndpoint[]> {
    if (accountIds.length === 0) return [];
    const rows = await tx.all<Row>(
      `SELECT * FROM webhook_endpoints WHERE enabled = 1 AND account_id IN (${accountIds.map(() => "?").join(", ")})`,
      accountIds,
    );
    return rows.map(toEndpoint);
  }

  /** Applies a change; turning an endpoint on clears why it was off and its failure streak. */
  async update(
    accountId: string,
    id: string,
    patch: { url?: string; description?: string | null; events?: string[]; enabled?: boolean },
  ): Promise<WebhookEndpoint | undefined> {
    const sets: string[] = [];
    const params: (string | number | null)[] = [];
    const set = (column: string, value: string | number | null) => {
      sets.push(`${column} = ?`);
      params.push(value);
    };
    if (patch.url !== undefined) set("url", patch.url);
    if (patch.description !== undefined) set("description", patch.description);
    if (patch.events !== undefined) set("events", JSON.stringify(patch.events));
    if (patch.enabled !== undefined) {
      set("enabled", patch.enabled ? 1 : 0);
      if (patch.enabled) sets.push("disabled_reason = NULL", "failing_since = NULL");
    }
    set("updated_at", Date.now());
    const n = await this.sql.run(`UPDATE webhook_endpoints SET ${sets.join(", ")} WHERE id = ? AND account_id = ?`, [
      ...params,
      id,
      accountId,
    ]);
    return n > 0 ? this.get(accountId, id) : undefined;
  }

  /** A new secret; the old one keeps signing beside it until `previousUntil` (receivers switch without a gap). */
  async rotateSecret(accountId: string, id: string, sealedSecret: string, previousUntil: number): Promise<boolean> {
    const n = await this.sql.run(
      `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_until = ?, secret = ?, updated_at = ?
       WHERE id = ? AND account_id = ?`,
      [previousUntil, sealedSecret, Date.now(), id, accountId],
    );
    return n > 0;
  }

  /** Deletes the endpoint and its delivery log. */
  async delete(accountId: string, id: string): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      await tx.run("DELETE FROM webhook_deliveries WHERE endpoint_id = ? AND account_id = ?", [id, accountId]);
      return (await tx.run("DELETE FROM webhook_endpoints WHERE id = ? AND account_id = ?", [id, accountId])) > 0;
    });
  }

  /** A delivery succeeded: the endpoint is healthy again. */
  async markHealthy(id: string): Promise<void> {
    await this.sql.run("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL", [
      id,
    ]);
  }

  /**
   * An attempt failed: starts the failure streak if none runs, and turns the endpoint off when the streak is older
   * than `disableAfterMs`. `onDisabled` runs in the transaction that turned it off (exactly once, whatever the number
   * of processes): what it writes (the owner's email) commits with the change or not at all.
   */
  async markFailing(
    id: string,
    now: number,
    disableAfterMs: number,
    onDisabled: (endpoint: { accountId: string; url: string }, tx: Sql) => Promise<void>,
  ): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      await tx.run("UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since IS NULL", [now, id]);
      const row = await tx.get<{ account_id: string; url: string }>(
        `UPDATE webhook_endpoints SET enabled = 0, disabled_reason = 'failing', updated_at = ?
         WHERE id = ? AND enabled = 1 AND failing_since <= ? RETURNING account_id, url`,
        [now, id, now - disableAfterMs],
      );
      if (!row) return false;
      await onDisabled({ accountId: row.account_id, url: row.url }, tx);
      return true;
    });
  }
}
