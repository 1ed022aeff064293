/**
 * Whether an error means the database cannot be reached or cannot take writes right now (a lost connection, a
 * server shutting down or starting, a full disk, a file locked by another process) — a condition that passes, which
 * clients should retry later (503 with Retry-After), as opposed to a fault in the request or in our code.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string") {
      if (NETWORK_CODES.has(code)) return true;
      // SQLSTATE class 08 (connection exception) and 57P0x (operator intervention: shutdown, cannot connect now).
      if (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-4]$/.test(code) || code === "53300") return true;
      if (/^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN)/.test(code)) return true;
    }
    if (typeof message === "string" && PG_CLIENT_MESSAGES.some((m) => message.includes(m))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTCONN", "EHOSTUNREACH"]);

/** What node-postgres says when the connection is gone (it sets no code). */
const PG_CLIENT_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error",
  "Connection ended unexpectedly",
];
