import type { PostgresSql } from "../db/postgres.js";
import type { Balance, Hold, LedgerEntry, LedgerOp, OpResult, UsageRow } from "./ledger.js";
import { BatchedLedger } from "./ledger-batched.js";
import { type EntryRow, type HoldRow, toEntry, toHold } from "./ledger-rows.js";

type RawResult = {
  status: OpResult["status"];
  entry?: EntryRow;
  hold?: HoldRow;
  availableMc?: number;
  message?: string;
};

/**
 * The ledger on PostgreSQL. Each process sends its pending operations as one call of `credits_apply` (one round
 * trip, one commit), with a few batches in flight at once; see ledger-postgres.sql.ts for the locking.
 */
export class PostgresLedger extends BatchedLedger {
  constructor(private readonly sql: PostgresSql) {
    super({ maxBatch: 256, maxConcurrent: 4 });
  }

  protected async applyBatch(ops: LedgerOp[], now: number): Promise<OpResult[]> {
    // Lock accounts in one global order in every process; a stable sort keeps each account's operations in order.
    const order = ops
      .map((op, i) => ({ op, i }))
      .sort((a, b) => (a.op.accountId < b.op.accountId ? -1 : a.op.accountId > b.op.accountId ? 1 : 0));
    const sorted = order.map((o) => o.op);
    const results = await this.withRetry(async () => {
      const row = await this.sql.get<{ r: RawResult[] }>("SELECT credits_apply(?::jsonb, ?) AS r", [
        JSON.stringify(sorted),
        now,
      ]);
      return row!.r;
    });
    const out = new Array<OpResult>(ops.length);
    order.forEach((o, k) => {
      out[o.i] = fromRaw(results[k]!);
    });
    return out;
  }

  /** Deadlocks cannot happen between our own batches, but a serialization failure is always worth one more try. */
  private async withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt < 3 && (code === "40P01" || code === "40001")) continue;
        throw error;
      }
    }
  }

  async getHold(accountId: string, holdId: string): Promise<Hold | undefined> {
    const row = await this.sql.get<HoldRow>("SELECT * FROM holds WHERE id = ? AND account_id = ?", [holdId, accountId]);
    return row ? toHold(row) : undefined;
  }

  async extendHold(holdId: string, expiresAt: number): Promise<boolean> {
    return (
      (await this.sql.run("UPDATE holds SET expires_at = ? WHERE id = ? AND status = 'open'", [expiresAt, holdId])) > 0
    );
  }

  protected async staleHolds(input: { now: number; deadOwners: string[]; limit: number }) {
    const rows = await this.sql.all<{ id: string; account_id: string; expires_at: number }>(
      `SELECT id, account_id, expires_at FROM holds
       WHERE status = 'open' AND (expires_at <= ? OR owner = ANY(?::text[])) LIMIT ?`,
      [input.now, `{${input.deadOwners.map((o) => JSON.stringify(o)).join(",")}}`, input.limit],
    );
    return rows.map((r) => ({ id: r.id, accountId: r.account_id, expired: r.expires_at <= input.now }));
  }

  async balance(accountId: string): Promise<Balance> {
    const row = await this.sql.get<{ available_mc: number; reserved_mc: number }>(
      "SELECT available_mc, reserved_mc FROM balances WHERE account_id = ?",
      [accountId],
    );
    return { availableMc: row?.available_mc ?? 0, reservedMc: row?.reserved_mc ?? 0 };
  }

  async entries(accountId: string, input: { limit: number; beforeSeq?: number }): Promise<LedgerEntry[]> {
    const rows = await this.sql.all<EntryRow>(
      "SELECT * FROM ledger_entries WHERE account_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
      [accountId, input.beforeSeq ?? Number.MAX_SAFE_INTEGER, input.limit],
    );
    return rows.map(toEntry);
  }

  async usage(accountId: string, input: { from: number; to: number }): Promise<UsageRow[]> {
    const rows = await this.sql.all<{ day: string; operation: string; count: number; mc: number }>(
      `SELECT to_char(to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         COALESCE(operation, 'other') AS operation, COUNT(*) AS count, -SUM(amount_mc) AS mc
       FROM ledger_entries WHERE account_id = ? AND type = 'usage' AND created_at >= ? AND created_at < ?
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [accountId, input.from, input.to],
    );
    return rows.map((r) => ({ day: r.day, operation: r.operation, count: Number(r.count), mc: Number(r.mc) }));
  }

  async sumOfEntries(accountId: string) {
    const row = await this.sql.get<{ a: number | null; r: number | null }>(
      "SELECT SUM(amount_mc) AS a, SUM(reserved_delta_mc) AS r FROM ledger_entries WHERE account_id = ?",
      [accountId],
    );
    return { amountMc: Number(row?.a ?? 0), reservedDeltaMc: Number(row?.r ?? 0) };
  }

  protected async closeStore(): Promise<void> {}
}

function fromRaw(raw: RawResult): OpResult {
  switch (raw.status) {
    case "ok":
    case "replayed":
      return { status: raw.status, entry: toEntry(raw.entry!), hold: raw.hold ? toHold(raw.hold) : undefined };
    case "insufficient":
      return { status: "insufficient", availableMc: Number(raw.availableMc) };
    case "conflict":
      return { status: "conflict", message: raw.message ?? "conflict" };
    case "not_found":
      return { status: "not_found" };
  }
}
