import type { Sql } from "../db/sql.js";
import type { Site } from "./records.js";

interface SiteRow {
  id: string;
  account_id: string;
  license_id: string;
  url: string;
  created_at: number;
  deactivated_at: number | null;
}

const toSite = (r: SiteRow): Site => ({
  id: r.id,
  accountId: r.account_id,
  licenseId: r.license_id,
  url: r.url,
  createdAt: Number(r.created_at),
  deactivatedAt: r.deactivated_at === null ? null : Number(r.deactivated_at),
});

const SITE_SELECT = "SELECT id, account_id, license_id, url, created_at, deactivated_at FROM sites";

/**
 * The sites an account's licences are activated on, oldest first (deactivated ones too when asked: the operator's
 * view). Activation itself is `LicenseStore.activate`.
 */
export async function listSites(sql: Sql, accountId: string, includeDeactivated = false): Promise<Site[]> {
  const rows = await sql.all<SiteRow>(
    `${SITE_SELECT} WHERE account_id = ? ${includeDeactivated ? "" : "AND deactivated_at IS NULL"} ORDER BY id`,
    [accountId],
  );
  return rows.map(toSite);
}

export async function getSite(sql: Sql, siteId: string): Promise<Site | undefined> {
  const row = await sql.get<SiteRow>(`${SITE_SELECT} WHERE id = ?`, [siteId]);
  return row ? toSite(row) : undefined;
}

/** Whether the site is one of the account's active sites (a scope an owner may give a resource). */
export async function hasSite(sql: Sql, accountId: string, siteId: string): Promise<boolean> {
  return (
    (await sql.get("SELECT id FROM sites WHERE id = ? AND account_id = ? AND deactivated_at IS NULL", [
      siteId,
      accountId,
    ])) !== undefined
  );
}

/**
 * Deactivates one of the account's sites in one transaction: the site stops taking an activation slot and every key
 * of the site is revoked (so the sessions signed in with them end too). Its resources stay, visible to the owner.
 * Returns the site, or undefined when the account has no such site; deactivating twice changes nothing more.
 */
export async function deactivateSite(sql: Sql, accountId: string, siteId: string): Promise<Site | undefined> {
  const now = Date.now();
  return sql.transaction(async (tx) => {
    const site = await tx.get<SiteRow>(`${SITE_SELECT} WHERE id = ? AND account_id = ?`, [siteId, accountId]);
    if (!site) return undefined;
    await tx.run("UPDATE sites SET deactivated_at = ? WHERE id = ? AND account_id = ? AND deactivated_at IS NULL", [
      now,
      siteId,
      accountId,
    ]);
    await tx.run("UPDATE api_keys SET revoked_at = ? WHERE site_id = ? AND account_id = ? AND revoked_at IS NULL", [
      now,
      siteId,
      accountId,
    ]);
    return toSite({ ...site, deactivated_at: site.deactivated_at ?? now });
  });
}
