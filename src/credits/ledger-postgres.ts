import type { PostgresSql } from "../db/postgres.js";
import { newId } from "../lib/ids.js";
import type { LedgerOp, OpResult } from "./ledger.js";
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
  protected readonly daySql = "to_char(to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";

  constructor(sql: PostgresSql) {
    super(sql, { maxBatch: 256, maxConcurrent: 4 });
  }

  protected async applyBatch(ops: LedgerOp[], now: number): Promise<OpResult[]> {
    // Lock accounts in one global order in every process; a stable sort keeps each account's operations in order.
    const order = ops
      .map((op, i) => ({ op, i }))
      .sort((a, b) => (a.op.accountId < b.op.accountId ? -1 : a.op.accountId > b.op.accountId ? 1 : 0));
    // Entry ids are made here, like every other id (newId); an operation writes at most two entries (credit + bonus).
    const sorted = order.map((o) => ({ ...o.op, entryIds: [newId("led"), newId("led")] }));
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
