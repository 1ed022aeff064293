import type { Sql } from "../db/sql.js";
import { newId } from "../lib/ids.js";

export interface AccountSummary {
  id: string;
  email: string;
  createdAt: number;
  /** How many licences the account holds. */
  licenses: number;
}

/**
 * Accounts: one per customer e-mail address, created with its first licence. Credits, knowledge bases and images
 * all belong to an account; licences, sites and keys only reach it.
 */
export class AccountStore {
  constructor(private readonly sql: Sql) {}

  async accountExists(accountId: string): Promise<boolean> {
    return (await this.sql.get("SELECT id FROM accounts WHERE id = ?", [accountId])) !== undefined;
  }

  async listAccounts(input: { limit: number; before?: string; email?: string }): Promise<AccountSummary[]> {
    const rows = await this.sql.all<{ id: string; email: string; created_at: number; licenses: number }>(
      `SELECT a.id, a.email, a.created_at, (SELECT COUNT(*) FROM licenses l WHERE l.account_id = a.id) AS licenses
       FROM accounts a WHERE a.id < ? AND (CAST(? AS TEXT) IS NULL OR a.email = ?) ORDER BY a.id DESC LIMIT ?`,
      [input.before ?? "~", input.email?.toLowerCase() ?? null, input.email?.toLowerCase() ?? null, input.limit],
    );
    return rows.map((r) => ({
      id: r.id,
      email: r.email,
      createdAt: Number(r.created_at),
      licenses: Number(r.licenses),
    }));
  }

  async getAccount(accountId: string) {
    return this.sql.get<{ id: string; email: string; created_at: number }>(
      "SELECT id, email, created_at FROM accounts WHERE id = ?",
      [accountId],
    );
  }
}

/** The account of this (normalised) e-mail address, created if new; within the caller's transaction. */
export async function accountIdForEmail(tx: Sql, email: string, now: number): Promise<string> {
  await tx.run("INSERT INTO accounts (id, email, created_at) VALUES (?, ?, ?) ON CONFLICT (email) DO NOTHING", [
    newId("acct"),
    email,
    now,
  ]);
  const account = await tx.get<{ id: string }>("SELECT id FROM accounts WHERE email = ?", [email]);
  return account!.id;
}
