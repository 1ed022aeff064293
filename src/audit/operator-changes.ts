import type { Sql, TransactionalWrite } from "../db/sql.js";
import { newId } from "../lib/ids.js";

/** A rule of the customer's own that the operator may change on the customer's behalf. */
export type OperatorChangeRule = "spend_limit" | "auto_topup";

/** One change the operator made to an account's rules: what, in the customer's words, and why. */
export interface OperatorChange {
  id: string;
  accountId: string;
  rule: OperatorChangeRule;
  /** The spend limit changed; null for the account's auto top-up. */
  subjectId: string | null;
  summary: string;
  reason: string;
  createdAt: number;
}

interface Row {
  id: string;
  account_id: string;
  rule: OperatorChangeRule;
  subject_id: string | null;
  summary: string;
  reason: string;
  created_at: number;
}

/**
 * The write that records a change, to run in the change's own transaction: a change is never made without its
 * record, nor recorded without being made.
 */
export function operatorChangeWrite(
  change: Omit<OperatorChange, "id" | "createdAt">,
  now = Date.now(),
): TransactionalWrite {
  return {
    sql: `INSERT INTO operator_changes (id, account_id, rule, subject_id, summary, reason, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?)`,
    params: [newId("chg"), change.accountId, change.rule, change.subjectId, change.summary, change.reason, now],
  };
}

/** The operator's changes to accounts' rules, newest first; every read names the account. */
export class OperatorChangeStore {
  constructor(private readonly sql: Sql) {}

  async list(accountId: string, limit = 50): Promise<OperatorChange[]> {
    const rows = await this.sql.all<Row>(
      "SELECT * FROM operator_changes WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
      [accountId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      rule: r.rule,
      subjectId: r.subject_id,
      summary: r.summary,
      reason: r.reason,
      createdAt: Number(r.created_at),
    }));
  }
}
