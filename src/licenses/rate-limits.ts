import type { Sql } from "../db/sql.js";
import type { Principal } from "../http/auth.js";
import type { RateLimit } from "../http/rate-limit/limiter.js";
import { type RequestLimits, rateSubject } from "../http/rate-limit/requests.js";

/** What the operator sees for one key or licence: its own rate if set, the default, and the one in force. */
export interface RateLimitSetting {
  override: RateLimit | null;
  default: RateLimit | null;
  effective: RateLimit | null;
}

export interface AccountRateOverride {
  kind: "api_key" | "license";
  id: string;
  /** The API key's name; null for a licence. */
  name: string | null;
  revoked: boolean;
  rate: RateLimit;
}

/**
 * The request rate each key is held to: the operator's override for that API key or licence, else the configured
 * default (none: not limited). Overrides are few and read on every request, so all of them are kept in memory and
 * re-read every `refreshMs`: a change made through another process applies here within that time, at once here.
 */
export class RateLimitSettings implements RequestLimits {
  private overrides = new Map<string, RateLimit>();
  private changes = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sql: Sql,
    private readonly defaultLimit: RateLimit | undefined,
    private readonly refreshMs = 5_000,
  ) {}

  limitFor(principal: Principal): RateLimit | undefined {
    return this.overrides.get(rateSubject(principal)) ?? this.defaultLimit;
  }

  async load(): Promise<void> {
    const seen = this.changes;
    const rows = await this.sql.all<{ subject_id: string; rps: number; burst: number }>(
      "SELECT subject_id, rps, burst FROM rate_limit_overrides",
    );
    // A change made here while the rows were read is newer than them.
    if (seen !== this.changes) return;
    this.overrides = new Map(rows.map((r) => [r.subject_id, { rps: Number(r.rps), burst: Number(r.burst) }]));
  }

  /** The setting of an API key or a licence, or undefined when there is no such key or licence. */
  async setting(kind: "api_key" | "license", id: string): Promise<RateLimitSetting | undefined> {
    if (!(await this.accountOf(kind, id))) return undefined;
    const row = await this.sql.get<{ rps: number; burst: number }>(
      "SELECT rps, burst FROM rate_limit_overrides WHERE subject_id = ?",
      [id],
    );
    const override = row ? { rps: Number(row.rps), burst: Number(row.burst) } : null;
    return { override, default: this.defaultLimit ?? null, effective: override ?? this.defaultLimit ?? null };
  }

  /** Sets (or with null removes) the override of an API key or a licence; undefined when there is no such one. */
  async set(kind: "api_key" | "license", id: string, limit: RateLimit | null): Promise<RateLimitSetting | undefined> {
    const accountId = await this.accountOf(kind, id);
    if (!accountId) return undefined;
    if (limit)
      await this.sql.run(
        `INSERT INTO rate_limit_overrides (subject_id, account_id, rps, burst, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (subject_id) DO UPDATE SET rps = excluded.rps, burst = excluded.burst,
         updated_at = excluded.updated_at`,
        [id, accountId, limit.rps, limit.burst, Date.now()],
      );
    else await this.sql.run("DELETE FROM rate_limit_overrides WHERE subject_id = ?", [id]);
    this.changes++;
    if (limit) this.overrides.set(id, limit);
    else this.overrides.delete(id);
    return this.setting(kind, id);
  }

  /** The overrides set on an account's API keys and licences, with each key's name. */
  async accountOverrides(accountId: string): Promise<AccountRateOverride[]> {
    const rows = await this.sql.all<{
      subject_id: string;
      rps: number;
      burst: number;
      key_name: string | null;
      key_revoked_at: number | null;
    }>(
      `SELECT o.subject_id, o.rps, o.burst, k.name AS key_name, k.revoked_at AS key_revoked_at
       FROM rate_limit_overrides o LEFT JOIN api_keys k ON k.id = o.subject_id
       WHERE o.account_id = ? ORDER BY o.subject_id`,
      [accountId],
    );
    return rows.map((r) => ({
      kind: r.subject_id.startsWith("lic_") ? "license" : "api_key",
      id: r.subject_id,
      name: r.key_name,
      revoked: r.key_revoked_at != null,
      rate: { rps: Number(r.rps), burst: Number(r.burst) },
    }));
  }

  get defaultRate(): RateLimit | null {
    return this.defaultLimit ?? null;
  }

  private async accountOf(kind: "api_key" | "license", id: string): Promise<string | undefined> {
    const table = kind === "api_key" ? "api_keys" : "licenses";
    const row = await this.sql.get<{ account_id: string }>(`SELECT account_id FROM ${table} WHERE id = ?`, [id]);
    return row?.account_id;
  }

  start(): void {
    this.timer = setInterval(() => void this.load().catch(() => {}), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
