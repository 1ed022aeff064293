import { createHash, timingSafeEqual } from "node:crypto";
import { randomChars } from "../lib/ids.js";

/**
 * Secrets look like `ak_<lookup>_<secret>` (API keys) or `lk_<lookup>_<secret>` (licence keys). The lookup finds the
 * row; only a SHA-256 of the secret is stored (the secret has 160 random bits, so a fast hash is the right tool), and
 * it is compared in constant time.
 */
export type SecretKind = "ak" | "lk";

export interface IssuedSecret {
  key: string;
  lookup: string;
  secretHash: string;
}

export function issueSecret(kind: SecretKind): IssuedSecret {
  const lookup = randomChars(12);
  const secret = randomChars(32);
  return { key: `${kind}_${lookup}_${secret}`, lookup, secretHash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function parseSecret(token: string): { kind: SecretKind; lookup: string; secret: string } | undefined {
  const m = /^(ak|lk)_([0-9a-z]{12})_([0-9a-z]{32})$/.exec(token);
  return m ? { kind: m[1] as SecretKind, lookup: m[2]!, secret: m[3]! } : undefined;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
