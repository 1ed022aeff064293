import { inlineParams, type PostgresSql } from "../db/postgres.js";
import { prepared, type Sql } from "../db/sql.js";
import { newId } from "../lib/ids.js";
import type { LedgerOp, OpResult } from "./ledger.js";
import { type AppliedBatch, BatchedLedger, fenceReleases, happened, type LedgerOptions } from "./ledger-batched.js";
import { type EntryRow, type HoldRow, toEntry, toHold } from "./ledger-rows.js";
import type { WatcherWrite } from "./ledger-watchers.js";
import { type SpendLimitRow, toLimitHit } from "./spend-limit-rows.js";
import { currentPeriodStarts } from "./spend-periods.js";

/** The two calls every batch of operations makes, prepared: each connection parses them once. */
const APPLY = prepared("SELECT credits_apply(?::jsonb, ?, ?::jsonb) AS r");
const APPLY_WRITES = prepared("SELECT credits_apply_writes(?::jsonb, ?, ?::jsonb, ?::jsonb) AS r");

type RawResult = {
  status: OpResult["status"];
  entry?: EntryRow;
  hold?: HoldRow;
  availableMc?: number;
  message?: string;
  limit?: SpendLimitRow;
};

/**
 * The ledger on PostgreSQL. Each process sends its pending operations as one call of `credits_apply` (one round
 * trip, one commit), with a few batches in flight at once; see ledger-postgres.sql.ts for the locking.
 */
export class PostgresLedger extends BatchedLedger {
  protected readonly daySql = "to_char(to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";

  constructor(sql: PostgresSql, options: LedgerOptions = {}) {
    super(sql, { maxBatch: 256, maxConcurrent: 4, ...options });
  }

  protected async applyBatch(ops: LedgerOp[], now: number, watched: WatcherWrite[]): Promise<AppliedBatch> {
    // Lock accounts in one global order in every process; a stable sort keeps each account's operations in order.
    const order = ops
      .map((op, i) => ({ op, i }))
      .sort((a, b) => (a.op.accountId < b.op.accountId ? -1 : a.op.accountId > b.op.accountId ? 1 : 0));
    // Entry ids are made here, like every other id (newId); an operation writes at most two entries (credit + bonus).
    const sorted = order.map((o) => ({ ...o.op, entryIds: [newId("led"), newId("led")] }));
    const position = new Array<number>(ops.length);
    order.forEach((o, k) => {
      position[o.i] = k;
    });
    const watchedSorted = watched.map((w) => ({ write: w.write, on: w.on.map((i) => position[i]!) }));
    const { results, written } = await this.withRetry(async () => {
      if (sorted.some((op) => op.writes?.some((w) => w.fence)))
        return this.sql.transaction((tx) => applyWithFences(tx, sorted, now, watchedSorted));
      if (watchedSorted.length || sorted.some((op) => op.writes?.length))
        return applyWithWrites(this.sql, sorted, now, watchedSorted);
      return { results: await applyOps(this.sql, sorted, now), written: [] };
    });
    const out = new Array<OpResult>(ops.length);
    order.forEach((o, k) => {
      out[o.i] = results[k]!;
    });
    return { results: out, written };
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

/** The operations travel without their writes (see applyWithWrites and applyWithFences for those). */
function payloadOf(ops: LedgerOp[]): string {
  return JSON.stringify(ops, (key, value) => (key === "writes" ? undefined : value));
}

async function applyOps(sql: Sql, ops: LedgerOp[], now: number): Promise<OpResult[]> {
  if (ops.length === 0) return [];
  const row = await sql.get<{ r: RawResult[] }>(APPLY, [payloadOf(ops), now, JSON.stringify(currentPeriodStarts(now))]);
  return row!.r.map((raw) => fromRaw(raw, now));
}

/**
 * A batch with statements to commit beside it and no fence: one statement (`credits_apply_writes`) applies the
 * operations, then each operation's writes if it happened, then the watchers' — one round trip, one commit. It
 * answers the rows each statement changed too; the watchers' come last.
 */
async function applyWithWrites(sql: Sql, ops: LedgerOp[], now: number, watched: WatcherWrite[]): Promise<AppliedBatch> {
  const own = ops.flatMap((op, i) => (op.writes ?? []).map((w) => ({ s: inlineParams(w.sql, w.params), on: [i] })));
  const writes = [...own, ...watched.map((w) => ({ s: inlineParams(w.write.sql, w.write.params), on: w.on }))];
  const row = await sql.get<{ r: { results: RawResult[]; written: number[] } }>(APPLY_WRITES, [
    payloadOf(ops),
    now,
    JSON.stringify(currentPeriodStarts(now)),
    JSON.stringify(writes),
  ]);
  const { results, written } = row!.r;
  return { results: results.map((raw) => fromRaw(raw, now)), written: written.slice(own.length).map(Number) };
}

/**
 * A batch some of whose operations carry a fence (a keyed request's attempt): one transaction runs the fences, the
 * operations (a fenced capture as a release), the writes of the operations that happened, and the watchers'.
 */
async function applyWithFences(tx: Sql, ops: LedgerOp[], now: number, watched: WatcherWrite[]): Promise<AppliedBatch> {
  const fenced: boolean[] = [];
  for (const op of ops) {
    let passed = true;
    for (const w of op.writes ?? []) if (w.fence && passed) passed = (await tx.run(w.sql, w.params)) > 0;
    fenced.push(!passed);
  }
  const releases = ops.map((op, i) => fenced[i]! && fenceReleases(op));
  const sent = ops.map((op, i) =>
    releases[i] && op.kind === "capture"
      ? {
          kind: "release" as const,
          accountId: op.accountId,
          holdId: op.holdId,
          reason: "a retry of the request took it over",
          entryIds: (op as { entryIds?: string[] }).entryIds,
        }
      : op,
  );
  const applied = await applyOps(
    tx,
    sent.filter((_, i) => !fenced[i] || releases[i]),
    now,
  );
  const results: OpResult[] = [];
  let k = 0;
  for (const [i, op] of ops.entries()) {
    if (!fenced[i]) {
      const result = applied[k++]!;
      if (result.status === "ok") for (const w of op.writes ?? []) if (!w.fence) await tx.run(w.sql, w.params);
      results.push(result);
    } else if (releases[i]) {
      const released = applied[k++]!;
      results.push({ status: "fenced", entry: released.status === "ok" ? released.entry : undefined });
    } else results.push(op.kind === "capture" ? { status: "fenced", holdKept: true } : { status: "fenced" });
  }
  const written: number[] = [];
  for (const w of watched) written.push(happened(w, results) ? await tx.run(w.write.sql, w.write.params) : 0);
  return { results, written };
}

function fromRaw(raw: RawResult, now: number): OpResult {
  switch (raw.status) {
    case "limit_reached":
      return { status: "limit_reached", availableMc: Number(raw.availableMc), limit: toLimitHit(raw.limit!, now) };
    case "ok":
    case "replayed":
      return { status: raw.status, entry: toEntry(raw.entry!), hold: raw.hold ? toHold(raw.hold) : undefined };
    case "insufficient":
      return { status: "insufficient", availableMc: Number(raw.availableMc) };
    case "conflict":
      return { status: "conflict", message: raw.message ?? "conflict" };
    case "not_found":
    case "fenced":
      return { status: raw.status };
  }
}
