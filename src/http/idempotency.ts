import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { DomainMigrations, Sql, TransactionalWrite } from "../db/sql.js";
import { ApiError, isApiError, type Problem, toProblem } from "../errors.js";
import { RetryLater } from "../lib/retry-later.js";

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
  /**
   * Writes that keep `reply` as the request's final answer, to be committed in the same transaction as its charge
   * (the ledger's writes hook): fenced on this attempt, so an attempt that lost its claim cannot charge, and a crash
   * after the charge can only ever replay it. Undefined for a request without a key.
   */
  replyWrites?: (reply: IdempotentReply) => TransactionalWrite[];
}

/** Whose key it is: keys are namespaced by account and site, so one site never replays another's reply. */
export interface IdempotencyCaller {
  accountId: string;
  siteId?: string | null;
}

/**
 * Stripe-style idempotency for spending POSTs. The first request with a key runs; its final reply — a success, or a
 * client error it decided after it began (402, 404, 422…) — is kept for 24 hours and replayed for the same key and
 * body; another body is refused (409 IDEMPOTENCY_CONFLICT); while the first runs, a second gets 409
 * IDEMPOTENCY_IN_PROGRESS with Retry-After. A reply that charged credits is stored in the charge's own transaction
 * (`replyWrites`), so no crash or outage can separate them. A run that failed with a server error is forgotten so
 * it can be retried; one whose process died is taken over after its lease, as a new attempt that the old one's
 * fence keeps from charging twice.
 */
export class IdempotencyStore {
  private readonly cleanups: RetryLater;

  constructor(
    private readonly sql: Sql,
    private readonly options = { retentionMs: 24 * 3600_000, leaseMs: 15 * 60_000 },
    onCleanupError?: (error: unknown) => void,
  ) {
    this.cleanups = new RetryLater({ onError: onCleanupError });
  }

  async run(
    request: FastifyRequest,
    caller: IdempotencyCaller,
    fingerprintBody: unknown,
    handler: (run: IdempotencyRun) => Promise<IdempotentReply>,
  ): Promise<IdempotentReply & { replayed: boolean }> {
    const header = request.headers["idempotency-key"];
    if (header === undefined) return { ...(await handler({})), replayed: false };
    const given = Array.isArray(header) ? header[0]! : header;
    if (!KEY.test(given))
      throw new ApiError("VALIDATION_FAILED", "Idempotency-Key must be 1-255 visible ASCII characters", {
        field: "Idempotency-Key",
      });
    const { accountId } = caller;
    const key = `${caller.siteId ?? "owner"}/${given}`;
    const fingerprint = fingerprintOf(request, fingerprintBody);
    const claimed = await this.claim(accountId, key, fingerprint, Date.now());
    if ("reply" in claimed) return { ...replay(claimed.reply), replayed: true };
    const attempt = claimed.attempt;
    let stored = false;
    const run: IdempotencyRun = {
      ledgerKey: `${key}#${attempt}`,
      replyWrites: (reply) => [
        { ...this.fence(accountId, key, attempt), fence: true },
        { ...this.storeStatement(accountId, key, attempt, reply), onCommit: () => (stored = true) },
      ],
    };
    try {
      const reply = await handler(run);
      if (!stored) await this.store(accountId, key, attempt, reply);
      return { ...reply, replayed: false };
    } catch (error) {
      if (stored) throw error;
      if (isApiError(error) && keptError(error))
        await this.store(accountId, key, attempt, { status: error.status, body: toProblem(error) });
      else this.forget(accountId, key, attempt);
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
    if (row.state === "running" && Number(row.locked_until) > now) throw inProgress(Number(row.locked_until) - now);
    // The earlier run died (or its reply expired): take it over with the next attempt number. Its fence now fails,
    // so should it still be running somewhere it can no longer charge.
    const taken = await this.sql.run(
      `UPDATE idempotent_requests SET state = 'running', attempt = attempt + 1, locked_until = ?, expires_at = ?,
         response = NULL, status_code = NULL
       WHERE account_id = ? AND idem_key = ? AND attempt = ?`,
      [now + this.options.leaseMs, now + this.options.retentionMs, accountId, key, row.attempt],
    );
    if (taken === 0) throw inProgress(1000);
    return { attempt: Number(row.attempt) + 1 };
  }

  /** Holds this attempt's claim (and, on PostgreSQL, locks it) for the transaction; no row when it was taken over. */
  private fence(accountId: string, key: string, attempt: number): TransactionalWrite {
    return {
      sql: `UPDATE idempotent_requests SET attempt = attempt
            WHERE account_id = ? AND idem_key = ? AND attempt = ? AND state = 'running'`,
      params: [accountId, key, attempt],
    };
  }

  private storeStatement(accountId: string, key: string, attempt: number, reply: IdempotentReply): TransactionalWrite {
    return {
      sql: `UPDATE idempotent_requests SET state = 'done', status_code = ?, response = ?, tags = ?, locked_until = 0
            WHERE account_id = ? AND idem_key = ? AND attempt = ? AND state = 'running'`,
      params: [reply.status, JSON.stringify(reply.body), ` ${(reply.tags ?? []).join(" ")} `, accountId, key, attempt],
    };
  }

  private async store(accountId: string, key: string, attempt: number, reply: IdempotentReply): Promise<void> {
    const w = this.storeStatement(accountId, key, attempt, reply);
    await this.sql.run(w.sql, w.params);
  }

  /**
   * Lets the key be retried at once (if the database is away, as soon as it is back): the claim's lease ends, so the
   * retry takes it over as the next attempt — a fresh ledger key, never one whose hold this attempt already used.
   */
  private forget(accountId: string, key: string, attempt: number): void {
    const task = () =>
      this.sql.run(
        `UPDATE idempotent_requests SET locked_until = 0
         WHERE account_id = ? AND idem_key = ? AND attempt = ? AND state = 'running'`,
        [accountId, key, attempt],
      );
    task().catch(() => this.cleanups.add(`${accountId} ${key}`, task));
  }

  /** Deletes stored replies that mention a resource (or, without a tag, every reply of the account). */
  async purge(accountId: string, tag?: string): Promise<number> {
    if (!tag) return this.sql.run("DELETE FROM idempotent_requests WHERE account_id = ?", [accountId]);
    return this.sql.run("DELETE FROM idempotent_requests WHERE account_id = ? AND tags LIKE ?", [
      accountId,
      `% ${tag} %`,
    ]);
  }

  /** Deletes every reply stored for one site's requests. */
  async purgeCaller(accountId: string, siteId: string): Promise<number> {
    const prefix = `${siteId}/`;
    return this.sql.run("DELETE FROM idempotent_requests WHERE account_id = ? AND substr(idem_key, 1, ?) = ?", [
      accountId,
      prefix.length,
      prefix,
    ]);
  }

  async deleteExpired(now = Date.now()): Promise<number> {
    return this.sql.run("DELETE FROM idempotent_requests WHERE expires_at <= ? AND state = 'done'", [now]);
  }

  stop(): void {
    this.cleanups.stop();
  }
}

/**
 * Client errors decided after the request began are its final answer; conflicts (another attempt, another body) and
 * rate limits are not, and neither is any server error: those can be retried with the same key.
 */
function keptError(error: ApiError): boolean {
  return error.status >= 400 && error.status < 500 && error.status !== 409 && error.status !== 429;
}

function inProgress(remainingMs: number): ApiError {
  return new ApiError("IDEMPOTENCY_IN_PROGRESS", "a request with this Idempotency-Key is still running; retry later", {
    retryAfterSeconds: Math.max(1, Math.min(60, Math.ceil(remainingMs / 1000))),
  });
}

/** A stored reply as it is answered again: a kept error is thrown as the same problem. */
function replay(reply: IdempotentReply): IdempotentReply {
  if (reply.status < 400) return reply;
  const {
    type: _t,
    title: _ti,
    status: _s,
    code,
    detail,
    requestId: _r,
    instance: _i,
    ...extensions
  } = reply.body as Problem;
  throw new ApiError(code, detail, { ...extensions, replayed: true });
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
