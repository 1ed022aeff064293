import { useEffect, useState } from "preact/hooks";
import type { ResponseOf } from "../../../packages/client/src/index";
import { api } from "../lib/api";

/** GET /v1/session, signed in (as POST /v1/sessions answers it): the service's own schema, so it cannot drift. */
export type CustomerSession = Extract<ResponseOf<"/v1/session", "get">, { signedIn: true }>;

/** GET /v1/balance */
export type Balance = ResponseOf<"/v1/balance", "get">;

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
