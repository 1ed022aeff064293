import type { Sql } from "../db/sql.js";
import { ApiError } from "../errors.js";
import type { Principal } from "../http/auth.js";
import { newId, randomChars } from "../lib/ids.js";
import { activateOnSite } from "./activation.js";
import { hashSecret, secretMatches } from "./keys.js";
import { normalizeSiteUrl, type Site } from "./records.js";
import type { LicenseStore } from "./store.js";

export type ActivationCodeStatus = "active" | "used" | "expired" | "revoked";

export interface ActivationCode {
  id: string;
  licenseId: string;
  siteUrl: string | null;
  status: ActivationCodeStatus;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  usedSiteId: string | null;
  revokedAt: number | null;
}

interface CodeRow {
  id: string;
  account_id: string;
  license_id: string;
  secret_hash: string;
  site_url: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  used_site_id: string | null;
  revoked_at: number | null;
  key_rotated_at: number | null;
}

// A code made before the licence key was last replaced is withdrawn with it: that key may have leaked.
const SELECT = `SELECT c.id, c.account_id, c.license_id, c.secret_hash, c.site_url, c.created_at, c.expires_at,
  c.used_at, c.used_site_id, c.revoked_at, l.key_rotated_at
  FROM activation_codes c JOIN licenses l ON l.id = c.license_id`;

const withdrawnByRotation = (r: CodeRow) =>
  r.key_rotated_at !== null && Number(r.key_rotated_at) >= Number(r.created_at);

const num = (v: number | null) => (v === null ? null : Number(v));

function toCode(r: CodeRow, now: number): ActivationCode {
  const status: ActivationCodeStatus =
    r.used_at !== null
      ? "used"
      : r.revoked_at !== null || withdrawnByRotation(r)
        ? "revoked"
        : Number(r.expires_at) <= now
          ? "expired"
          : "active";
  return {
    id: r.id,
    licenseId: r.license_id,
    siteUrl: r.site_url,
    status,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    usedAt: num(r.used_at),
    usedSiteId: r.used_site_id,
    revokedAt: num(r.revoked_at),
  };
}

/** Codes look like `ac_<lookup>_<secret>`: the lookup finds the row, only a hash of the secret is stored. */
function parseCode(code: string): { lookup: string; secret: string } | undefined {
  const m = /^ac_([0-9a-z]{12})_([0-9a-z]{32})$/.exec(code.trim());
  return m ? { lookup: m[1]!, secret: m[2]! } : undefined;
}

const DAY_MS = 86_400_000;

/**
 * One-time activation codes: the account owner hands a site's admin a code instead of the licence key. A code
 * activates the owner's licence on one site, once, before it expires (and only on the site it names, when it names
 * one); using it and activating the site commit in one transaction, so a refused activation leaves the code unused.
 */
export class ActivationCodeStore {
  constructor(
    private readonly sql: Sql,
    private readonly licenses: LicenseStore,
  ) {}

  /** Only the owner (licence key, owner session or an account-wide key) issues codes: a site's key never can. */
  private requireOwner(p: Principal): void {
    if (p.siteId)
      throw new ApiError("FORBIDDEN", "only the account owner can manage activation codes; a site's key cannot");
  }

  async create(
    principal: Principal,
    input: { siteUrl?: string; expiresInDays: number },
  ): Promise<{ code: ActivationCode; secret: string }> {
    this.requireOwner(principal);
    const status = await this.licenses.licenseStatus(principal.licenseId);
    if (status !== "active") throw new ApiError("LICENSE_INACTIVE", `the licence is ${status ?? "gone"}`);
    const siteUrl = input.siteUrl === undefined ? null : normalizeSiteUrl(input.siteUrl);
    const lookup = randomChars(12);
    const secret = randomChars(32);
    const id = newId("acode");
    const now = Date.now();
    await this.sql.run(
      `INSERT INTO activation_codes (id, account_id, license_id, lookup, secret_hash, site_url, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        principal.accountId,
        principal.licenseId,
        lookup,
        hashSecret(secret),
        siteUrl,
        now,
        now + input.expiresInDays * DAY_MS,
      ],
    );
    const row = await this.sql.get<CodeRow>(`${SELECT} WHERE c.id = ?`, [id]);
    return { code: toCode(row!, now), secret: `ac_${lookup}_${secret}` };
  }

  async list(principal: Principal): Promise<ActivationCode[]> {
    this.requireOwner(principal);
    const rows = await this.sql.all<CodeRow>(`${SELECT} WHERE c.account_id = ? ORDER BY c.id DESC LIMIT 200`, [
      principal.accountId,
    ]);
    const now = Date.now();
    return rows.map((r) => toCode(r, now));
  }

  /** Revokes an unused code; an already used or revoked code is answered as it is. Another account's: undefined. */
  async revoke(principal: Principal, id: string): Promise<ActivationCode | undefined> {
    this.requireOwner(principal);
    await this.sql.run(
      `UPDATE activation_codes SET revoked_at = ? WHERE id = ? AND account_id = ? AND used_at IS NULL
       AND revoked_at IS NULL`,
      [Date.now(), id, principal.accountId],
    );
    const row = await this.sql.get<CodeRow>(`${SELECT} WHERE c.id = ? AND c.account_id = ?`, [id, principal.accountId]);
    return row ? toCode(row, Date.now()) : undefined;
  }

  /** Activates the code's licence on the site and uses the code up, or refuses and changes nothing. */
  async activate(input: { code: string; siteUrl: string }): Promise<{ site: Site; apiKey: string; keyId: string }> {
    const parsed = parseCode(input.code);
    const row = parsed ? await this.sql.get<CodeRow>(`${SELECT} WHERE c.lookup = ?`, [parsed.lookup]) : undefined;
    if (!parsed || !row || !secretMatches(parsed.secret, row.secret_hash))
      throw new ApiError("NOT_FOUND", "this activation code does not exist; check it was copied whole");
    const url = normalizeSiteUrl(input.siteUrl);
    const now = Date.now();
    const code = toCode(row, now);
    if (code.status === "revoked" && row.revoked_at === null)
      throw new ApiError(
        "ACTIVATION_CODE_UNUSABLE",
        "this activation code was withdrawn when the licence key was replaced; ask the account owner for a new one",
        { reason: "revoked" },
      );
    if (code.status !== "active") throw unusable(code.status);
    if (code.siteUrl !== null && code.siteUrl !== url)
      throw new ApiError("ACTIVATION_CODE_UNUSABLE", `this activation code is for ${code.siteUrl} only`, {
        reason: "other_site",
      });
    const license = await this.licenses.getLicense(row.license_id);
    if (license?.status !== "active")
      throw new ApiError("LICENSE_INACTIVE", `the licence is ${license?.status ?? "gone"}`);
    const activated = await this.sql.transaction(async (tx) => {
      // The conditional update decides who uses the code: a concurrent second use finds it taken and changes nothing.
      const claimed = await tx.run(
        `UPDATE activation_codes SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL
         AND expires_at > ? AND created_at > COALESCE((SELECT key_rotated_at FROM licenses WHERE id = ?), -1)`,
        [now, row.id, now, row.license_id],
      );
      if (claimed === 0) throw unusable("used");
      const done = await activateOnSite(tx, {
        license,
        url,
        agencySiteLimit: this.licenses.siteLimit("agency"),
        now,
      });
      await tx.run("UPDATE activation_codes SET used_site_id = ? WHERE id = ?", [done.site.id, row.id]);
      return done;
    });
    return activated;
  }
}

function unusable(status: ActivationCodeStatus): ApiError {
  const words: Record<ActivationCodeStatus, string> = {
    active: "",
    used: "this activation code was already used; ask the account owner for a new one",
    expired: "this activation code has expired; ask the account owner for a new one",
    revoked: "this activation code was withdrawn by the account owner",
  };
  return new ApiError("ACTIVATION_CODE_UNUSABLE", words[status], { reason: status });
}
