import type { Sql } from "../db/sql.js";
import { ApiError } from "../errors.js";
import { newId } from "../lib/ids.js";
import { insertApiKey } from "./api-keys.js";
import type { License, Plan, Site } from "./records.js";

/** How many sites a licence may be activated on: Personal one, Agency the configured number. */
export function siteLimitOf(plan: Plan, agencySiteLimit: number): number {
  return plan === "personal" ? 1 : agencySiteLimit;
}

/**
 * Activates a licence on a site (its normalised URL) inside the caller's transaction: the site row is found or
 * created within the licence's site limit, and a new site key is issued. Callers check the licence first (its key or
 * an activation code) and may add their own statements to the same transaction.
 */
export async function activateOnSite(
  tx: Sql,
  input: { license: License; url: string; agencySiteLimit: number; now: number },
): Promise<{ site: Site; apiKey: string; keyId: string }> {
  const { license, url, now } = input;
  let site = await tx.get<{ id: string; created_at: number; deactivated_at: number | null }>(
    "SELECT id, created_at, deactivated_at FROM sites WHERE license_id = ? AND url = ?",
    [license.id, url],
  );
  if (!site || site.deactivated_at !== null) {
    const count = await tx.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sites WHERE license_id = ? AND deactivated_at IS NULL",
      [license.id],
    );
    const limit = siteLimitOf(license.plan, input.agencySiteLimit);
    if (Number(count?.n ?? 0) >= limit)
      throw new ApiError(
        "LICENSE_SITE_LIMIT",
        license.plan === "personal"
          ? "a Personal licence covers one site; it is already activated on another"
          : `this licence covers at most ${limit} sites`,
        { plan: license.plan, limit },
      );
  }
  if (site) {
    // A deactivated address activated again comes back as the same site, with the resources it had.
    if (site.deactivated_at !== null) await tx.run("UPDATE sites SET deactivated_at = NULL WHERE id = ?", [site.id]);
  } else {
    site = { id: newId("site"), created_at: now, deactivated_at: null };
    await tx.run("INSERT INTO sites (id, account_id, license_id, url, created_at) VALUES (?, ?, ?, ?, ?)", [
      site.id,
      license.accountId,
      license.id,
      url,
      now,
    ]);
  }
  const key = await insertApiKey(tx, {
    accountId: license.accountId,
    licenseId: license.id,
    siteId: site.id,
    name: url,
  });
  return {
    site: {
      id: site.id,
      accountId: license.accountId,
      licenseId: license.id,
      url,
      createdAt: Number(site.created_at),
      deactivatedAt: null,
    },
    apiKey: key.key,
    keyId: key.id,
  };
}
