/** Calls the plugin's own REST routes (never the service: the site key stays on the server). */
export interface Config {
  rest: string;
  nonce: string;
  admin: string;
  screen?: "settings" | "media" | "widget";
}

declare global {
  interface Window {
    apiCredits: Config;
  }
}

export class RestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

export async function rest<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const { rest: base, nonce } = window.apiCredits;
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? "GET",
    credentials: "same-origin",
    headers: { "X-WP-Nonce": nonce, ...(init.body !== undefined ? { "Content-Type": "application/json" } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new RestError(json.message ?? `HTTP ${res.status}`, res.status, json.code ?? "");
  return json as T;
}

export const formatCredits = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 3 });

/** One key per user action: a retried request of that action is charged once. */
export function newIdempotencyKey(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export interface Balance {
  credits: number;
  reservedCredits: number;
  usage: number[];
  needsCredits: boolean;
  /** The balance is below the low-balance alert threshold the account owner set. */
  lowBalance: boolean;
  buyUrl: string;
}
