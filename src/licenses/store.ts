import { prepared, type Sql } from "../db/sql.js";
import { ApiError } from "../errors.js";
import type { Principal } from "../http/auth.js";
import { newId } from "../lib/ids.js";
import { accountIdForEmail } from "./accounts.js";
import { activateOnSite, siteLimitOf } from "./activation.js";
import { findApiKey, insertApiKey, listApiKeys } from "./api-keys.js";
import { AuthCache } from "./auth-cache.js";
import { issueSecret, parseSecret, secretMatches } from "./keys.js";
import {
  type ApiKeyInfo,
  LICENSE_SELECT,
  type License,
  type LicenseRow,
  type LicenseStatus,
  normalizeSiteUrl,
  type Plan,
  type Site,
  toLicense,
} from "./records.js";
import { deactivateSite, getSite, hasSite, listSites } from "./sites.js";

/** Read by every request that spends credits. */
const LICENSE_STATUS = prepared("SELECT status, expires_at FROM licenses WHERE id = ?");

/**
 * Licences (issued, listed, changed, activated on sites) and authentication: bearer tokens resolved to principals,
 * with a short cache that any change of a licence or key clears. Accounts are `accounts.ts`'s; key and site rows are
 * read and written by `api-keys.ts` and `sites.ts`.
 */
export class LicenseStore {
  private readonly cache: AuthCache;
  /** Keys whose last use was recorded recently, so authentication does not write on every request. */
  private readonly lastUseWritten = new Map<string, number>();

  constructor(
    private readonly sql: Sql,
    private readonly options: {
      agencySiteLimit: number;
      authCacheMs: number;
      /** The clock of the authentication cache (tests move one by hand). */
      now?: () => number;
    } = {
      agencySiteLimit: 1000,
      authCacheMs: 5_000,
    },
  ) {
    this.cache = new AuthCache((token) => this.lookup(token), options.authCacheMs, options.now);
  }

  async createLicense(input: {
    email: string;
    plan: Plan;
    expiresAt?: number;
  }): Promise<{ license: License; key: string }> {
    const email = input.email.trim().toLowerCase();
    const now = Date.now();
    const secret = issueSecret("lk");
    const id = newId("lic");
    await this.sql.transaction(async (tx) => {
      const accountId = await accountIdForEmail(tx, email, now);
      await tx.run(
        `INSERT INTO licenses (id, account_id, lookup, secret_hash, plan, status, expires_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?)`,
        [id, accountId, secret.lookup, secret.secretHash, input.plan, input.expiresAt ?? null, now, now],
      );
    });
    return { license: (await this.getLicense(id))!, key: secret.key };
  }

  async getLicense(id: string): Promise<License | undefined> {
    const row = await this.sql.get<LicenseRow>(`${LICENSE_SELECT} WHERE l.id = ?`, [id]);
    return row ? toLicense(row) : undefined;
  }

  async listLicenses(input: { limit: number; before?: string; accountId?: string }): Promise<License[]> {
    const rows = await this.sql.all<LicenseRow>(
      `${LICENSE_SELECT} WHERE l.id < ? AND (CAST(? AS TEXT) IS NULL OR l.account_id = ?) ORDER BY l.id DESC LIMIT ?`,
      [input.before ?? "~", input.accountId ?? null, input.accountId ?? null, input.limit],
    );
    return rows.map((r) => toLicense(r));
  }

  async updateLicense(
    id: string,
    patch: { status?: LicenseStatus; expiresAt?: number | null; plan?: Plan },
  ): Promise<License | undefined> {
    const current = await this.sql.get<LicenseRow>(`${LICENSE_SELECT} WHERE l.id = ?`, [id]);
    if (!current) return undefined;
    let expiresAt = patch.expiresAt === undefined ? current.expires_at : patch.expiresAt;
    // Reactivating a licence that lapsed by date clears the lapsed date, or it would read as expired again.
    if (
      patch.status === "active" &&
      patch.expiresAt === undefined &&
      expiresAt !== null &&
      Number(expiresAt) <= Date.now()
    )
      expiresAt = null;
    await this.sql.run("UPDATE licenses SET status = ?, plan = ?, expires_at = ?, updated_at = ? WHERE id = ?", [
      patch.status ?? current.status,
      patch.plan ?? current.plan,
      expiresAt,
      Date.now(),
      id,
    ]);
    this.forgetAuthentications();
    return this.getLicense(id);
  }

  /** Finds the licence a key belongs to, checking its secret. */
  async licenseByKey(licenseKey: string): Promise<License | undefined> {
    const parsed = parseSecret(licenseKey);
    if (parsed?.kind !== "lk") return undefined;
    const row = await this.sql.get<LicenseRow & { secret_hash: string }>(
      `${LICENSE_SELECT.replace("SELECT", "SELECT l.secret_hash,")} WHERE l.lookup = ?`,
      [parsed.lookup],
    );
    if (!row || !secretMatches(parsed.secret, row.secret_hash)) return undefined;
    return toLicense(row);
  }

  /** Activates a site: Personal licences cover one site, Agency licences many. Re-activating a site issues a new key. */
  async activate(input: {
    licenseKey: string;
    siteUrl: string;
  }): Promise<{ site: Site; apiKey: string; keyId: string }> {
    const license = await this.licenseByKey(input.licenseKey);
    if (!license) throw new ApiError("NOT_FOUND", "no licence has this key");
    if (license.status !== "active") throw new ApiError("LICENSE_INACTIVE", `the licence is ${license.status}`);
    const url = normalizeSiteUrl(input.siteUrl);
    return this.sql.transaction((tx) =>
      activateOnSite(tx, { license, url, agencySiteLimit: this.options.agencySiteLimit, now: Date.now() }),
    );
  }

  /** How many sites a licence of this plan may be activated on. */
  siteLimit(plan: Plan): number {
    return siteLimitOf(plan, this.options.agencySiteLimit);
  }

  /**
   * Resolves a bearer token (an API key or a licence key) to its principal, or undefined. Answers are cached for a
   * few seconds (a revocation in this process clears the cache at once; other processes notice within the TTL).
   * Spending re-reads the licence status on every request regardless.
   */
  authenticate(token: string): Promise<Principal | undefined> {
    return this.cache.get(token);
  }

  /** What `authenticate` would answer without waiting (see AuthCache.cached); undefined when it would have to look. */
  cachedAuthentication(token: string): { principal: Principal | undefined } | undefined {
    return this.cache.cached(token);
  }

  /** Forgets cached authentications (after a key or licence changed). */
  forgetAuthentications(): void {
    this.cache.forget();
  }

  private async lookup(token: string): Promise<Principal | undefined> {
    const parsed = parseSecret(token);
    if (!parsed) return undefined;
    if (parsed.kind === "lk") {
      const license = await this.licenseByKey(token);
      return license
        ? { accountId: license.accountId, licenseId: license.id, siteId: null, keyId: null, via: "license_key" }
        : undefined;
    }
    const row = await findApiKey(this.sql, parsed.lookup);
    if (!row || row.revoked_at !== null || !secretMatches(parsed.secret, row.secret_hash)) return undefined;
    this.touch(row.id);
    return { accountId: row.account_id, licenseId: row.license_id, siteId: row.site_id, keyId: row.id, via: "api_key" };
  }

  private touch(keyId: string): void {
    const now = Date.now();
    if ((this.lastUseWritten.get(keyId) ?? 0) > now - 60_000) return;
    this.lastUseWritten.set(keyId, now);
    if (this.lastUseWritten.size > 10_000) this.lastUseWritten.clear();
    void this.sql.run("UPDATE api_keys SET last_used_at = ? WHERE id = ?", [now, keyId]).catch(() => {});
  }

  async licenseStatus(licenseId: string): Promise<LicenseStatus | undefined> {
    const row = await this.sql.get<{ status: LicenseStatus; expires_at: number | null }>(LICENSE_STATUS, [licenseId]);
    if (!row) return undefined;
    return row.status === "active" && row.expires_at !== null && Number(row.expires_at) <= Date.now()
      ? "expired"
      : row.status;
  }

  listApiKeys(accountId: string, siteId: string | null): Promise<ApiKeyInfo[]> {
    return listApiKeys(this.sql, accountId, siteId);
  }

  async createApiKey(
    principal: Principal,
    input: { name: string; siteId?: string },
  ): Promise<{ id: string; key: string }> {
    // A site's key manages keys of its own site only.
    if (principal.siteId && input.siteId && input.siteId !== principal.siteId)
      throw new ApiError("NOT_FOUND", `no site ${input.siteId}`);
    const siteId = principal.siteId ?? input.siteId ?? null;
    if (siteId && !(await hasSite(this.sql, principal.accountId, siteId)))
      throw new ApiError("NOT_FOUND", `no site ${siteId}`);
    return insertApiKey(this.sql, {
      accountId: principal.accountId,
      licenseId: principal.licenseId,
      siteId,
      name: input.name,
    });
  }

  async revokeApiKey(principal: Principal, keyId: string): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE api_keys SET revoked_at = ? WHERE id = ? AND account_id = ? AND (CAST(? AS TEXT) IS NULL OR site_id = ?)
       AND revoked_at IS NULL`,
      [Date.now(), keyId, principal.accountId, principal.siteId, principal.siteId],
    );
    if (changed > 0) {
      this.forgetAuthentications();
      return true;
    }
    const exists = await this.sql.get(
      "SELECT id FROM api_keys WHERE id = ? AND account_id = ? AND (CAST(? AS TEXT) IS NULL OR site_id = ?)",
      [keyId, principal.accountId, principal.siteId, principal.siteId],
    );
    return exists !== undefined;
  }

  /** The account's active sites; with `includeDeactivated`, every site it ever activated (the operator's view). */
  sites(accountId: string, includeDeactivated = false): Promise<Site[]> {
    return listSites(this.sql, accountId, includeDeactivated);
  }

  getSite(siteId: string): Promise<Site | undefined> {
    return getSite(this.sql, siteId);
  }

  /**
   * Deactivates a site of the account: its slot is free for another address, and its keys are refused from now on
   * (this process forgets its cached authentications at once; the sessions signed in with them end).
   */
  async deactivateSite(accountId: string, siteId: string): Promise<Site | undefined> {
    const site = await deactivateSite(this.sql, accountId, siteId);
    this.forgetAuthentications();
    return site;
  }

  /**
   * Replaces a licence's key (shown once): the old key is refused from now on, and every session signed in with a
   * licence key of this licence before now ends. Site keys are separate secrets and keep working.
   */
  async rotateLicenseKey(licenseId: string): Promise<{ license: License; key: string } | undefined> {
    const secret = issueSecret("lk");
    const now = Date.now();
    const changed = await this.sql.run(
      "UPDATE licenses SET lookup = ?, secret_hash = ?, key_rotated_at = ?, updated_at = ? WHERE id = ?",
      [secret.lookup, secret.secretHash, now, now, licenseId],
    );
    this.forgetAuthentications();
    if (changed === 0) return undefined;
    // Sessions opened at or before `now` end (web/sessions.ts); one opened with the new key must come strictly later.
    while (Date.now() <= now) await new Promise((resolve) => setTimeout(resolve, 1));
    return { license: (await this.getLicense(licenseId))!, key: secret.key };
  }

  /** Whether the site is one of the account's (a scope an owner may give a resource). */
  hasSite(accountId: string, siteId: string): Promise<boolean> {
    return hasSite(this.sql, accountId, siteId);
  }

  /** Whether the key is one of the account's and not revoked (a spend limit may name it). */
  async hasActiveApiKey(accountId: string, keyId: string): Promise<boolean> {
    const row = await this.sql.get("SELECT id FROM api_keys WHERE id = ? AND account_id = ? AND revoked_at IS NULL", [
      keyId,
      accountId,
    ]);
    return row !== undefined;
  }
}
