import type { Sql, TransactionalWrite } from "../../db/sql.js";

export interface SavedCard {
  customerId: string;
  paymentMethod: string | null;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
}

export interface RuleRow {
  account_id: string;
  enabled: number;
  threshold_mc: number;
  pack_id: string | null;
  amount_cents: number;
  base_mc: number;
  bonus_mc: number;
  max_per_month: number;
  max_cents_per_month: number | null;
  consecutive_failures: number;
  last_failure_code: string | null;
  last_failure_at: number | null;
  turned_off_at: number | null;
}

export interface ClaimRow {
  id: string;
  account_id: string;
  status: "pending" | "succeeded" | "failed";
  month: string;
  pack_id: string | null;
  amount_cents: number;
  base_mc: number;
  bonus_mc: number;
  payment_intent: string | null;
  failure_code: string | null;
  created_at: number;
  settled_at: number | null;
}

export interface RuleInput {
  enabled: boolean;
  thresholdMc: number;
  packId: string | null;
  amountCents: number;
  baseMc: number;
  bonusMc: number;
  maxPerMonth: number;
  maxCentsPerMonth: number | null;
}

/** Consecutive failed attempts after which a rule turns itself off. */
export const MAX_CONSECUTIVE_FAILURES = 3;

/** The calendar month (UTC) an attempt counts in, as `YYYY-MM`. */
export const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Saved cards, rules and attempts (claims) of auto top-up. Every query names the account. */
export class AutoTopupStore {
  constructor(readonly sql: Sql) {}

  async card(accountId: string): Promise<SavedCard | undefined> {
    const row = await this.sql.get<Record<string, unknown>>("SELECT * FROM stripe_customers WHERE account_id = ?", [
      accountId,
    ]);
    if (!row) return undefined;
    return {
      customerId: row.customer_id as string,
      paymentMethod: (row.payment_method as string | null) ?? null,
      brand: (row.card_brand as string | null) ?? null,
      last4: (row.card_last4 as string | null) ?? null,
      expMonth: num(row.card_exp_month),
      expYear: num(row.card_exp_year),
    };
  }

  /** Remembers the account's Stripe Customer; the first one recorded stays (a race creates one, by idempotency). */
  async rememberCustomer(accountId: string, customerId: string): Promise<string> {
    await this.sql.run(
      `INSERT INTO stripe_customers (account_id, customer_id, created_at) VALUES (?, ?, ?)
       ON CONFLICT (account_id) DO NOTHING`,
      [accountId, customerId, Date.now()],
    );
    const card = await this.card(accountId);
    return card!.customerId;
  }

  async accountOfCustomer(customerId: string): Promise<string | undefined> {
    const row = await this.sql.get<{ account_id: string }>(
      "SELECT account_id FROM stripe_customers WHERE customer_id = ?",
      [customerId],
    );
    return row?.account_id;
  }

  /** A newly saved card replaces the old one and clears the failures counted against the old card. */
  async saveCard(
    accountId: string,
    card: { paymentMethod: string; brand: string; last4: string; expMonth: number | null; expYear: number | null },
  ): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run(
        `UPDATE stripe_customers SET payment_method = ?, card_brand = ?, card_last4 = ?, card_exp_month = ?,
           card_exp_year = ?, card_saved_at = ? WHERE account_id = ?`,
        [card.paymentMethod, card.brand, card.last4, card.expMonth, card.expYear, Date.now(), accountId],
      );
      await tx.run(
        "UPDATE auto_topup_rules SET consecutive_failures = 0, last_failure_code = NULL, last_failure_at = NULL WHERE account_id = ?",
        [accountId],
      );
    });
  }

  /** Forgets the saved card; a rule cannot run without one, so it is turned off. */
  async forgetCard(accountId: string): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run(
        `UPDATE stripe_customers SET payment_method = NULL, card_brand = NULL, card_last4 = NULL, card_exp_month = NULL,
           card_exp_year = NULL, card_saved_at = NULL WHERE account_id = ?`,
        [accountId],
      );
      await tx.run("UPDATE auto_topup_rules SET enabled = 0, updated_at = ? WHERE account_id = ?", [
        Date.now(),
        accountId,
      ]);
    });
  }

  /**
   * Turns an enabled rule off, and runs `record` (the audit trail) in the same transaction; false when it was not on.
   * A top-up already started finishes (at most one is ever in flight); no other starts.
   */
  async turnOff(accountId: string, record: TransactionalWrite): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const changed = await tx.run(
        "UPDATE auto_topup_rules SET enabled = 0, updated_at = ? WHERE account_id = ? AND enabled = 1",
        [Date.now(), accountId],
      );
      if (changed > 0) await tx.run(record.sql, record.params);
      return changed > 0;
    });
  }

  rule(accountId: string): Promise<RuleRow | undefined> {
    return this.sql.get<RuleRow>("SELECT * FROM auto_topup_rules WHERE account_id = ?", [accountId]);
  }

  /** Saves a rule; turning it on (again) starts the failure count afresh. */
  async saveRule(accountId: string, r: RuleInput): Promise<void> {
    const now = Date.now();
    await this.sql.run(
      `INSERT INTO auto_topup_rules (account_id, enabled, threshold_mc, pack_id, amount_cents, base_mc, bonus_mc,
         max_per_month, max_cents_per_month, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id) DO UPDATE SET enabled = excluded.enabled, threshold_mc = excluded.threshold_mc,
         pack_id = excluded.pack_id, amount_cents = excluded.amount_cents, base_mc = excluded.base_mc,
         bonus_mc = excluded.bonus_mc, max_per_month = excluded.max_per_month,
         max_cents_per_month = excluded.max_cents_per_month, updated_at = excluded.updated_at,
         consecutive_failures = CASE WHEN excluded.enabled = 1 AND auto_topup_rules.enabled = 0 THEN 0
           ELSE auto_topup_rules.consecutive_failures END,
         turned_off_at = CASE WHEN excluded.enabled = 1 THEN NULL ELSE auto_topup_rules.turned_off_at END`,
      [
        accountId,
        r.enabled ? 1 : 0,
        r.thresholdMc,
        r.packId,
        r.amountCents,
        r.baseMc,
        r.bonusMc,
        r.maxPerMonth,
        r.maxCentsPerMonth,
        now,
      ],
    );
  }

  async enabledAccounts(): Promise<string[]> {
    const rows = await this.sql.all<{ account_id: string }>(
      "SELECT account_id FROM auto_topup_rules WHERE enabled = 1",
    );
    return rows.map((r) => r.account_id);
  }

  claim(accountId: string, claimId: string): Promise<ClaimRow | undefined> {
    return this.sql.get<ClaimRow>("SELECT * FROM auto_topup_claims WHERE id = ? AND account_id = ?", [
      claimId,
      accountId,
    ]);
  }

  async recordPaymentIntent(accountId: string, claimId: string, paymentIntent: string): Promise<void> {
    await this.sql.run(
      "UPDATE auto_topup_claims SET payment_intent = ? WHERE id = ? AND account_id = ? AND payment_intent IS NULL",
      [paymentIntent, claimId, accountId],
    );
  }

  /** This month's attempts that count against the caps (in flight or paid). */
  async monthUsage(accountId: string, now = Date.now()): Promise<{ count: number; cents: number }> {
    const row = await this.sql.get<{ n: number; cents: number | null }>(
      `SELECT COUNT(*) AS n, SUM(amount_cents) AS cents FROM auto_topup_claims
       WHERE account_id = ? AND month = ? AND status <> 'failed'`,
      [accountId, monthOf(now)],
    );
    return { count: Number(row?.n ?? 0), cents: Number(row?.cents ?? 0) };
  }

  recentClaims(accountId: string, limit: number): Promise<ClaimRow[]> {
    return this.sql.all<ClaimRow>(
      "SELECT * FROM auto_topup_claims WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
      [accountId, limit],
    );
  }

  /** This month's attempts, newest first. */
  monthClaims(accountId: string, now = Date.now()): Promise<ClaimRow[]> {
    return this.sql.all<ClaimRow>(
      "SELECT * FROM auto_topup_claims WHERE account_id = ? AND month = ? ORDER BY created_at DESC, id DESC",
      [accountId, monthOf(now)],
    );
  }
}
