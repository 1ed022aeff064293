import type { Sql } from "../db/sql.js";

export interface BalanceAlertSettings {
  thresholdMc: number;
  email: boolean;
  /** `off`: no threshold; `below_threshold`: the balance is under it (an alert fired or fires with the next spend). */
  state: "off" | "armed" | "below_threshold";
}

interface Row {
  threshold_mc: number | null;
  email: number | null;
  low_sent: number | null;
  available_mc: number | null;
}

/** An account's low-balance alert as its owner sees and sets it. */
export class BalanceAlertSettingsStore {
  constructor(
    private readonly sql: Sql,
    private readonly defaultThresholdMc: number,
  ) {}

  async get(accountId: string, sql: Sql = this.sql): Promise<BalanceAlertSettings> {
    const row = await sql.get<Row>(
      `SELECT a.threshold_mc, a.email, a.low_sent, (SELECT available_mc FROM balances WHERE account_id = ?) AS available_mc
       FROM (SELECT 1 AS one) x LEFT JOIN balance_alerts a ON a.account_id = ?`,
      [accountId, accountId],
    );
    const thresholdMc = Number(row?.threshold_mc ?? this.defaultThresholdMc);
    const below = Number(row?.low_sent ?? 0) === 1 || Number(row?.available_mc ?? 0) < thresholdMc;
    return {
      thresholdMc,
      email: Number(row?.email ?? 1) === 1,
      state: thresholdMc === 0 ? "off" : below ? "below_threshold" : "armed",
    };
  }

  /**
   * Sets the threshold and the email choice. A balance already at or above the new threshold re-arms the alert, so
   * the next crossing of the new threshold fires; one below it fires with the next spend (if not already sent).
   */
  async put(accountId: string, input: { thresholdMc: number; email: boolean }): Promise<BalanceAlertSettings> {
    return this.sql.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO balance_alerts (account_id, threshold_mc, email, low_sent, depleted_sent, updated_at)
         VALUES (?, ?, ?, 0, 0, ?)
         ON CONFLICT (account_id) DO UPDATE SET threshold_mc = excluded.threshold_mc, email = excluded.email,
           updated_at = excluded.updated_at`,
        [accountId, input.thresholdMc, input.email ? 1 : 0, Date.now()],
      );
      await tx.run(
        `UPDATE balance_alerts SET low_sent = 0 WHERE account_id = ?
         AND COALESCE((SELECT available_mc FROM balances WHERE account_id = ?), 0) >= threshold_mc`,
        [accountId, accountId],
      );
      return this.get(accountId, tx);
    });
  }
}
