import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { DomainMigrations, Sql } from "../db/sql.js";
import { ApiError } from "../errors.js";

const table = `
CREATE TABLE idempotent_requests (
  account_id TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'done')),
  attempt INTEGER NOT NULL DEFAULT 1,
  status_code INTEGER,
  response TEXT,
  tags TEXT NOT NULL DEFAULT '',
  locked_until BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, idem_key)
);
CREATE INDEX idempotent_requests_expiry ON idempotent_requests (expires_at);
`;

export const idempotencyMigrations: DomainMigrations = {
  domain: "idempotency",
  migrations: [{ version: 1, name: "stored replies of idempotent requests", sqlite: table, postgres: table }],
};

const KEY = /^[\x21-\x7e]{1,255}$/;

export interface IdempotentReply {
  status: number;
  body: unknown;
  /** Resources the reply mentions (`kb:…`, `doc:…`, `img:…`), so deleting them also deletes the stored reply. */
  tags?: string[];
}

export interface IdempotencyRun {
  /** The key for the ledger: unique per attempt, so a retry after a crash starts a fresh hold. */
  ledgerKey?: string;
}

/**
 * Stripe-style idempotency for spending POSTs: the first request with a key runs and its 2xx reply is kept for
 * 24 hours; the same key with the same body replays that reply; with another body it is refused (409); while the
 * first still runs, a second gets 409 IDEMPOTENCY_IN_PROGRESS. A request that fails is forgotten, so it can be
 * retried. A run whose process died is taken over after its lease.
 */
export class IdempotencyStore {
  constructor(
    private readonly sql: Sql,
    private readonly options = { retentionMs: 24 * 3600_000, leaseMs: 15 * 60_000 },
  ) {}

  async run(
    request: FastifyRequest,
    accountId: string,
    fingerprintBody: unknown,
    handler: (run: IdempotencyRun) => Promise<IdempotentReply>,
  ): Promise<IdempotentReply & { replayed: boolean }> {
    const header = request.headers["idempotency-key"];
    if (header === undefined) return { ...(await handler({})), replayed: false };
    const key = Array.isArray(header) ? header[0]! : header;
    if (!KEY.test(key))
      throw new ApiError("VALIDATION_FAILED", "Idempotency-Key must be 1-255 visible ASCII characters", {
        field: "Idempotency-Key",
      });
    const fingerprint = fingerprintOf(request, fingerprintBody);
    const now = Date.now();
    const claimed = await this.claim(accountId, key, fingerprint, now);
    if ("reply" in claimed) return { ...claimed.reply, replayed: true };
    try {
      const reply = await handler({ ledgerKey: `${key}#${claimed.attempt}` });
      if (reply.status >= 200 && reply.status < 300)
        await this.sql.run(
          `UPDATE idempotent_requests SET state = 'done', status_code = ?, response = ?, tags = ?, locked_until = 0
           WHERE account_id = ? AND idem_key = ?`,
          [reply.status, JSON.stringify(reply.body), ` ${(reply.tags ?? []).join(" ")} `, accountId, key],
        );
      else await this.forget(accountId, key);
      return { ...reply, replayed: false };
    } catch (error) {
      await this.forget(accountId, key);
      throw error;
    }
  }

  private async claim(
    accountId: string,
    key: string,
    fingerprint: string,
    now: number,
  ): Promise<{ attempt: number } | { reply: IdempotentReply }> {
    const inserted = await this.sql.run(
      `INSERT INTO idempotent_requests (account_id, idem_key, fingerprint, state, locked_until, created_at, expires_at)
       VALUES (?, ?, ?, 'running', ?, ?, ?) ON CONFLICT (account_id, idem_key) DO NOTHING`,
      [accountId, key, fingerprint, now + this.options.leaseMs, now, now + this.options.retentionMs],
    );
    if (inserted > 0) return { attempt: 1 };
    const row = await this.sql.get<{
      fingerprint: string;
      state: string;
      attempt: number;
      status_code: number | null;
      response: string | null;
      locked_until: number;
      expires_at: number;
    }>(
      "SELECT fingerprint, state, attempt, status_code, response, locked_until, expires_at FROM idempotent_requests WHERE account_id = ? AND idem_key = ?",
      [accountId, key],
    );
    if (!row) return this.claim(accountId, key, fingerprint, now);
    if (row.fingerprint !== fingerprint)
      throw new ApiError("IDEMPOTENCY_CONFLICT", "this Idempotency-Key was already used with a different request");
    if (row.state === "done" && Number(row.expires_at) > now)
      return { reply: { status: Number(row.status_code), body: JSON.parse(row.response ?? "null") } };
    if (row.state === "running" && Number(row.locked_until) > now)
      throw new ApiError(
        "IDEMPOTENCY_IN_PROGRESS",
        "a request with this Idempotency-Key is still running; retry later",
      );
    // The earlier run died (or its reply expired): take it over with the next attempt number.
    const taken = await this.sql.run(
      `UPDATE idempotent_requests SET state = 'running', attempt = attempt + 1, locked_until = ?, expires_at = ?,
         response = NULL, status_code = NULL
       WHERE account_id = ? AND idem_key = ? AND attempt = ?`,
      [now + this.options.leaseMs, now + this.options.retentionMs, accountId, key, row.attempt],
    );
    if (taken === 0)
      throw new ApiError(
        "IDEMPOTENCY_IN_PROGRESS",
        "a request with this Idempotency-Key is still running; retry later",
      );
    return { attempt: Number(row.attempt) + 1 };
  }

  private async forget(accountId: string, key: string): Promise<void> {
    await this.sql.run("DELETE FROM idempotent_requests WHERE account_id = ? AND idem_key = ?", [accountId, key]);
  }

  /** Deletes stored replies that mention a resource (or, without a tag, every reply of the account). */
  async purge(accountId: string, tag?: string): Promise<number> {
    if (!tag) return this.sql.run("DELETE FROM idempotent_requests WHERE account_id = ?", [accountId]);
    return this.sql.run("DELETE FROM idempotent_requests WHERE account_id = ? AND tags LIKE ?", [
      accountId,
      `% ${tag} %`,
    ]);
  }

  async deleteExpired(now = Date.now()): Promise<number> {
    return this.sql.run("DELETE FROM idempotent_requests WHERE expires_at <= ? AND state = 'done'", [now]);
  }
}

/** Method, path and body: what "the same request" means. Multipart bodies pass their bytes' digest. */
function fingerprintOf(request: FastifyRequest, body: unknown): string {
  const path = request.url.split("?")[0];
  return createHash("sha256")
    .update(`${request.method} ${path}\n`)
    .update(typeof body === "string" || Buffer.isBuffer(body) ? body : canonicalJson(body))
    .digest("hex");
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}
