import type { LedgerWatcher, WatchedMovement, WatcherStatement } from "../credits/ledger-watchers.js";
import type { Sql } from "../db/sql.js";
import type { Outbox } from "../events/outbox.js";
import { newId } from "../lib/ids.js";

/** The account's balance joined with its alert settings (an account without settings: the operator's default). */
const STATE = `FROM balances b LEFT JOIN balance_alerts a ON a.account_id = b.account_id WHERE b.account_id = ?`;
const THRESHOLD = "COALESCE(a.threshold_mc, CAST(? AS BIGINT))";
/** Armed (low not sent since the last recovery) and the balance the movement left is below the threshold. */
const CROSSED = `COALESCE(a.low_sent, 0) = 0 AND b.available_mc < ${THRESHOLD}`;
/** Something fired and a credit brought the balance back at or above the threshold (and above zero). */
const RECOVERED = `(a.low_sent = 1 OR a.depleted_sent = 1) AND b.available_mc >= ${THRESHOLD} AND b.available_mc > 0`;

/**
 * Low-balance alerts as ledger writes: on a spend, `balance.low` is written once per downward crossing (the event
 * and the disarming commit with the movement, so 50 concurrent debits crossing together fire once); on a credit
 * back at or above the threshold it re-arms and, if low or depleted had fired, writes `balance.recovered`.
 * `balance.depleted` comes from a refusal, in its own transaction, once until the balance recovers.
 */
export class BalanceAlertWatcher implements LedgerWatcher {
  private readonly json: (pairs: string) => string;

  constructor(
    private readonly deps: {
      sql: Sql;
      outbox: Outbox;
      defaultThresholdMc: number;
      /** Called after an event may have committed: wakes the dispatcher. */
      onEvent: () => void;
      log: { warn(obj: object, msg: string): void };
    },
  ) {
    this.json =
      deps.sql.dialect === "postgres" ? (p) => `CAST(json_build_object(${p}) AS TEXT)` : (p) => `json_object(${p})`;
  }

  writesFor(m: WatchedMovement): WatcherStatement[] {
    const d = this.deps.defaultThresholdMc;
    const now = Date.now();
    if (m.kind === "spend") {
      return [
        this.eventIf("balance.low", m.accountId, CROSSED, [d]),
        {
          batchKey: `balance-alert:low-state:${m.accountId}`,
          sql: `INSERT INTO balance_alerts (account_id, threshold_mc, email, low_sent, depleted_sent, updated_at)
                SELECT b.account_id, NULL, 1, 1, 0, ? ${STATE} AND ${CROSSED}
                ON CONFLICT (account_id) DO UPDATE SET low_sent = 1, updated_at = excluded.updated_at`,
          params: [now, m.accountId, d],
        },
      ];
    }
    return [
      this.eventIf("balance.recovered", m.accountId, RECOVERED, [d]),
      {
        batchKey: `balance-alert:recovered-state:${m.accountId}`,
        sql: `UPDATE balance_alerts SET low_sent = 0, depleted_sent = 0, updated_at = ?
              WHERE account_id = ? AND EXISTS (SELECT 1 ${STATE} AND ${RECOVERED})`,
        params: [now, m.accountId, m.accountId, d],
      },
    ];
  }

  /** Spending was refused for lack of credits: `balance.depleted`, once until the balance recovers. */
  refused(accountId: string): void {
    this.depleted(accountId).catch((err) =>
      this.deps.log.warn({ err }, "a balance.depleted event could not be recorded"),
    );
  }

  async depleted(accountId: string): Promise<boolean> {
    const { sql, outbox, defaultThresholdMc } = this.deps;
    return sql.transaction(async (tx) => {
      // An account that never had credits has nothing that ran out (its first try before buying is not news).
      if (!(await tx.get("SELECT 1 AS one FROM ledger_entries WHERE account_id = ? LIMIT 1", [accountId])))
        return false;
      const now = Date.now();
      const changed = await tx.run(
        `INSERT INTO balance_alerts (account_id, threshold_mc, email, low_sent, depleted_sent, updated_at)
         VALUES (?, NULL, 1, 0, 1, ?)
         ON CONFLICT (account_id) DO UPDATE SET depleted_sent = 1, updated_at = excluded.updated_at
         WHERE balance_alerts.depleted_sent = 0`,
        [accountId, now],
      );
      if (changed === 0) return false;
      const row = await tx.get<{ available_mc: number | null; threshold_mc: number | null }>(
        `SELECT (SELECT available_mc FROM balances WHERE account_id = ?) AS available_mc, threshold_mc
         FROM balance_alerts WHERE account_id = ?`,
        [accountId, accountId],
      );
      const threshold = row?.threshold_mc ?? defaultThresholdMc;
      await outbox.insert(tx, {
        accountId,
        type: "balance.depleted",
        data: { balance: Number(row?.available_mc ?? 0) / 1000, threshold: Number(threshold) / 1000 },
      });
      return true;
    });
  }

  /** The event, written only when `condition` holds; its payload (balance, threshold in credits) read by SQL. */
  private eventIf(type: string, accountId: string, condition: string, conditionParams: number[]): WatcherStatement {
    const data = this.json(
      `'balance', CAST(b.available_mc AS DOUBLE PRECISION) / 1000, 'threshold', CAST(${THRESHOLD} AS DOUBLE PRECISION) / 1000`,
    );
    return {
      sql: `INSERT INTO events (id, account_id, type, data, created_at)
            SELECT ?, b.account_id, ?, ${data}, ? ${STATE} AND ${condition}`,
      params: [newId("msg"), type, this.deps.defaultThresholdMc, Date.now(), accountId, ...conditionParams],
      onCommit: this.deps.onEvent,
      batchKey: `balance-alert:${type}:${accountId}`,
    };
  }
}
