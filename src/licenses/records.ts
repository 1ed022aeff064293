import { ApiError } from "../errors.js";

export type Plan = "personal" | "agency";
export type LicenseStatus = "active" | "revoked" | "expired";

export interface License {
  id: string;
  accountId: string;
  email: string;
  plan: Plan;
  /** Effective status: an active licence past its expiry date reads as expired. */
  status: LicenseStatus;
  expiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface Site {
  id: string;
  accountId: string;
  licenseId: string;
  url: string;
  createdAt: number;
  /** When the owner or the operator deactivated it (its keys were revoked then); null while active. */
  deactivatedAt: number | null;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  siteId: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface LicenseRow {
  id: string;
  account_id: string;
  email: string;
  plan: Plan;
  status: LicenseStatus;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export const LICENSE_SELECT = `SELECT l.id, l.account_id, a.email, l.plan, l.status, l.expires_at, l.created_at, l.updated_at
  FROM licenses l JOIN accounts a ON a.id = l.account_id`;

export function toLicense(row: LicenseRow, now = Date.now()): License {
  const expired = row.status === "active" && row.expires_at !== null && Number(row.expires_at) <= now;
  return {
    id: row.id,
    accountId: row.account_id,
    email: row.email,
    plan: row.plan,
    status: expired ? "expired" : row.status,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** A site's identity is its origin: scheme, host and port, lower-cased, without path or trailing slash. */
export function normalizeSiteUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ApiError("VALIDATION_FAILED", "siteUrl must be an absolute http(s) URL", { field: "siteUrl" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ApiError("VALIDATION_FAILED", "siteUrl must be an http(s) URL", { field: "siteUrl" });
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.protocol}//${url.host}${path}`.toLowerCase();
}
