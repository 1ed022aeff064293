import type { Sql } from "../db/sql.js";
import { newId } from "../lib/ids.js";
import { issueSecret } from "./keys.js";
import type { ApiKeyInfo } from "./records.js";

/**
 * The rows of API keys: only a lookup id and a hash of each secret are stored, so the key itself is shown once, when
 * it is issued. Who may issue or revoke a key, and forgetting cached authentications, is `LicenseStore`'s.
 */
export async function insertApiKey(
  tx: Sql,
  input: { accountId: string; licenseId: string; siteId: string | null; name: string },
): Promise<{ id: string; key: string }> {
  const secret = issueSecret("ak");
  const id = newId("key");
  await tx.run(
    `INSERT INTO api_keys (id, account_id, license_id, site_id, name, lookup, secret_hash, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [id, input.accountId, input.licenseId, input.siteId, input.name, secret.lookup, secret.secretHash, Date.now()],
  );
  return { id, key: secret.key };
}

export async function findApiKey(sql: Sql, lookup: string) {
  return sql.get<{
    id: string;
    account_id: string;
    license_id: string;
    site_id: string | null;
    secret_hash: string;
    revoked_at: number | null;
  }>("SELECT id, account_id, license_id, site_id, secret_hash, revoked_at FROM api_keys WHERE lookup = ?", [lookup]);
}

/** The account's keys (a site's only, when `siteId` is given), newest first. */
export async function listApiKeys(sql: Sql, accountId: string, siteId: string | null): Promise<ApiKeyInfo[]> {
  const rows = await sql.all<{
    id: string;
    name: string;
    site_id: string | null;
    created_at: number;
    last_used_at: number | null;
    revoked_at: number | null;
  }>(
    `SELECT id, name, site_id, created_at, last_used_at, revoked_at FROM api_keys
     WHERE account_id = ? AND (CAST(? AS TEXT) IS NULL OR site_id = ?) ORDER BY id DESC LIMIT 500`,
    [accountId, siteId, siteId],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    siteId: r.site_id,
    createdAt: Number(r.created_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  }));
}
