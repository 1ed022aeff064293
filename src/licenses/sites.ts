import type { Sql } from "../db/sql.js";
import type { Site } from "./records.js";

/** The sites an account's licences are activated on, oldest first. Activation itself is `LicenseStore.activate`. */
export async function listSites(sql: Sql, accountId: string): Promise<Site[]> {
  const rows = await sql.all<{
    id: string;
    account_id: string;
    license_id: string;
    url: string;
    created_at: number;
  }>("SELECT id, account_id, license_id, url, created_at FROM sites WHERE account_id = ? ORDER BY id", [accountId]);
  return rows.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    licenseId: r.license_id,
    url: r.url,
    createdAt: Number(r.created_at),
  }));
}

/** Whether the site is one of the account's (a scope an owner may give a resource). */
export async function hasSite(sql: Sql, accountId: string, siteId: string): Promise<boolean> {
  return (await sql.get("SELECT id FROM sites WHERE id = ? AND account_id = ?", [siteId, accountId])) !== undefined;
}
