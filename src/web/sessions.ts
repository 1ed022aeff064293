import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Sql } from "../db/sql.js";
import type { Principal } from "../http/auth.js";
import type { SessionKind } from "./cookies.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long a session lives: it ends after `idleMs` without use, and after `maxAgeMs` whatever happens. */
export interface SessionPolicy {
  idleMs: number;
  maxAgeMs: number;
}

export const SESSION_POLICIES: Record<SessionKind, SessionPolicy> = {
  customer: { idleMs: 3 * DAY, maxAgeMs: 30 * DAY },
  operator: { idleMs: 2 * HOUR, maxAgeMs: 12 * HOUR },
};

/** The idle deadline is rewritten at most this often, so using a session does not write on every request. */
const SLIDE_EVERY_MS = 5 * MINUTE;

/** A live session: for a customer, who it acts as; for both kinds, the CSRF token its unsafe requests carry. */
export interface Session {
  kind: SessionKind;
  principal?: Principal;
  csrfToken: string;
  createdAt: number;
  /** When it ends if not used again (never later than its absolute end). */
  expiresAt: number;
}

interface SessionRow {
  kind: SessionKind;
  account_id: string | null;
  license_id: string | null;
  site_id: string | null;
  key_id: string | null;
  via: Principal["via"] | null;
  admin_token_hash: string | null;
  csrf_token: string;
  created_at: number;
  idle_expires_at: number;
  expires_at: number;
  license_status: string | null;
  license_updated_at: number | null;
  license_key_rotated_at: number | null;
  key_found: string | null;
  key_revoked_at: number | null;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Server-side sessions of the dashboard and the operator pages, in the shared database so that every process sees
 * a sign-out at once. A customer session lives only as long as what it was opened with: revoking its API key (or
 * deactivating its site), rotating the licence key it was opened with, or revoking its licence after it began, ends it; an operator session ends when ADMIN_TOKEN changes.
 */
export class SessionStore {
  constructor(
    private readonly sql: Sql,
    private readonly options: { adminToken?: string; policies?: Record<SessionKind, SessionPolicy> },
  ) {}

  policy(kind: SessionKind): SessionPolicy {
    return (this.options.policies ?? SESSION_POLICIES)[kind];
  }

  /** Opens a session and returns the cookie's token (only its hash is stored). */
  async open(kind: SessionKind, principal?: Principal): Promise<{ token: string; session: Session }> {
    if (kind === "customer" && !principal) throw new Error("a customer session needs a principal");
    if (kind === "operator" && !this.options.adminToken) throw new Error("no ADMIN_TOKEN to open an operator session");
    const token = randomBytes(32).toString("base64url");
    const csrfToken = randomBytes(24).toString("base64url");
    const now = Date.now();
    const policy = this.policy(kind);
    const expiresAt = now + policy.maxAgeMs;
    const idleExpiresAt = Math.min(now + policy.idleMs, expiresAt);
    const p = kind === "customer" ? principal : undefined;
    await this.sql.run(
      `INSERT INTO web_sessions (id, kind, account_id, license_id, site_id, key_id, via, admin_token_hash, csrf_token,
         created_at, idle_expires_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        sha256(token),
        kind,
        p?.accountId ?? null,
        p?.licenseId ?? null,
        p?.siteId ?? null,
        p?.keyId ?? null,
        p?.via ?? null,
        kind === "operator" ? sha256(this.options.adminToken!) : null,
        csrfToken,
        now,
        idleExpiresAt,
        expiresAt,
      ],
    );
    return { token, session: { kind, principal: p, csrfToken, createdAt: now, expiresAt: idleExpiresAt } };
  }

  /** The live session of this kind behind a cookie's token, or undefined (a dead one is deleted on the way). */
  async find(kind: SessionKind, token: string): Promise<Session | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const id = sha256(token);
    const row = await this.sql.get<SessionRow>(
      `SELECT s.kind, s.account_id, s.license_id, s.site_id, s.key_id, s.via, s.admin_token_hash, s.csrf_token,
              s.created_at, s.idle_expires_at, s.expires_at,
              l.status AS license_status, l.updated_at AS license_updated_at,
              l.key_rotated_at AS license_key_rotated_at,
              k.id AS key_found, k.revoked_at AS key_revoked_at
       FROM web_sessions s
       LEFT JOIN licenses l ON l.id = s.license_id
       LEFT JOIN api_keys k ON k.id = s.key_id
       WHERE s.id = ? AND s.kind = ?`,
      [id, kind],
    );
    if (!row) return undefined;
    if (!this.alive(row)) {
      await this.sql.run("DELETE FROM web_sessions WHERE id = ?", [id]);
      return undefined;
    }
    const now = Date.now();
    let idleExpiresAt = Number(row.idle_expires_at);
    const policy = this.policy(kind);
    if (idleExpiresAt - now < policy.idleMs - SLIDE_EVERY_MS) {
      idleExpiresAt = Math.min(now + policy.idleMs, Number(row.expires_at));
      await this.sql.run("UPDATE web_sessions SET idle_expires_at = ? WHERE id = ?", [idleExpiresAt, id]);
    }
    return {
      kind,
      principal:
        kind === "customer"
          ? {
              accountId: row.account_id!,
              licenseId: row.license_id!,
              siteId: row.site_id,
              keyId: row.key_id,
              via: row.via ?? "license_key",
            }
          : undefined,
      csrfToken: row.csrf_token,
      createdAt: Number(row.created_at),
      expiresAt: idleExpiresAt,
    };
  }

  private alive(row: SessionRow): boolean {
    const now = Date.now();
    if (now >= Number(row.idle_expires_at) || now >= Number(row.expires_at)) return false;
    if (row.kind === "operator") {
      const current = this.options.adminToken;
      return current !== undefined && row.admin_token_hash !== null && sameHash(row.admin_token_hash, sha256(current));
    }
    if (row.license_status === null) return false;
    // A licence revoked before sign-in still reads and deletes (as its keys do); one revoked since ends the session.
    if (row.license_status === "revoked" && Number(row.license_updated_at) >= Number(row.created_at)) return false;
    if (row.key_id !== null && (row.key_found === null || row.key_revoked_at !== null)) return false;
    // A licence key rotated since sign-in ends the sessions signed in with a licence key (the old one may have leaked).
    if (
      row.via !== "api_key" &&
      row.license_key_rotated_at !== null &&
      Number(row.license_key_rotated_at) >= Number(row.created_at)
    )
      return false;
    return true;
  }

  /** Ends the session behind this token (signing out); returns whether there was one. */
  async close(token: string): Promise<boolean> {
    return (await this.sql.run("DELETE FROM web_sessions WHERE id = ?", [sha256(token)])) > 0;
  }

  async deleteExpired(now = Date.now()): Promise<number> {
    return this.sql.run("DELETE FROM web_sessions WHERE expires_at <= ? OR idle_expires_at <= ?", [now, now]);
  }
}
