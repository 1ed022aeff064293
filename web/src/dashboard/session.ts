import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/api";

/** GET /v1/session */
export interface CustomerSession {
  signedIn: true;
  kind: "customer";
  accountId: string;
  email: string;
  licenseId: string;
  plan: "personal" | "agency";
  licenseStatus: "active" | "revoked" | "expired";
  siteId: string | null;
  keyId: string | null;
  via: "api_key" | "license_key";
  csrfToken: string;
  expiresAt: string;
}

export interface Balance {
  credits: number;
  reservedCredits: number;
}

let balance: Balance | undefined;
let balanceError: unknown;
const listeners = new Set<() => void>();

/** Re-reads the balance; every view that shows it updates. Call it after anything that spends or adds credits. */
export async function refreshBalance(): Promise<Balance | undefined> {
  try {
    balance = await api<Balance>("GET", "/v1/balance");
    balanceError = undefined;
  } catch (error) {
    balanceError = error;
  }
  for (const l of listeners) l();
  return balance;
}

export function useBalance(): { balance?: Balance; error?: unknown } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((t) => t + 1);
    listeners.add(l);
    if (!balance) void refreshBalance();
    return () => {
      listeners.delete(l);
    };
  }, []);
  return { balance, error: balanceError };
}

export function forgetBalance(): void {
  balance = undefined;
}
