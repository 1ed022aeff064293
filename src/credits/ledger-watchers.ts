import type { TransactionalWrite } from "../db/sql.js";
import type { DebitType, LedgerOp } from "./ledger.js";

/**
 * What a watcher is asked about: credits came in, or were spent (debits and captures), on one account in one ledger
 * batch. `type` is "refund" when the spends were a refund's claw-backs (a batch's other spends are asked about apart
 * from them). No amount: the watcher's SQL reads the balance the batch left, which is what its rules are about.
 */
export type WatchedMovement =
  | { kind: "credit"; accountId: string }
  | { kind: "spend"; accountId: string; type: DebitType };

/**
 * A feature that acts on balance movements (balance alerts, auto top-up). The ledger asks it once per batch and
 * account (not per movement: a burst of charges is one question), and its statements commit in the batch's
 * transaction after every movement of it, so SQL in them reads the balance the batch left (`balances` table). They
 * run when at least one of the movements asked about happened; a batch whose movements were all refused or replayed
 * runs none. A watcher also hears of spending refused for lack of credits (nothing moved, so nothing commits).
 */
export interface LedgerWatcher {
  writesFor(movement: WatchedMovement): WatcherStatement[];
  /** A debit or a reservation was refused: the balance could not cover it. Must not throw. */
  refused?(accountId: string): void;
}

/**
 * A watcher's statement. Statements with the same `batchKey` in one batch run once: two questions about one account
 * (its spends and its refunds' claw-backs) that lead to the same check of the balance the batch left. Its `onCommit`
 * runs only when it changed a row: most statements are a condition that does not hold (no alert, no top-up), and
 * what they would set off (waking the event dispatcher or the job worker) has nothing to do then.
 */
export interface WatcherStatement extends TransactionalWrite {
  batchKey?: string;
}

/** A watcher's statement in a batch, with the operations (by index) whose success runs it. */
export interface WatcherWrite {
  write: TransactionalWrite;
  on: number[];
}

/** What each movement of the batch is, for a watcher (reservations and releases move no credits in or out). */
function movementOf(op: LedgerOp): WatchedMovement | undefined {
  switch (op.kind) {
    case "credit":
      return { kind: "credit", accountId: op.accountId };
    case "debit":
      return { kind: "spend", accountId: op.accountId, type: op.type };
    case "capture":
      return { kind: "spend", accountId: op.accountId, type: "usage" };
    default:
      return undefined;
  }
}

/**
 * The watchers' statements for a batch: the movements are grouped by account and kind (a refund's claw-backs apart),
 * each watcher is asked once per group, and statements with the same `batchKey` (two groups of one account asking the
 * same question) run once, when any operation of either group happened.
 */
export function watcherWrites(watchers: readonly LedgerWatcher[], ops: readonly LedgerOp[]): WatcherWrite[] {
  if (watchers.length === 0) return [];
  const groups = new Map<string, { movement: WatchedMovement; on: number[] }>();
  ops.forEach((op, i) => {
    const m = movementOf(op);
    if (!m) return;
    const key = `${m.kind}:${m.kind === "spend" && m.type === "refund" ? "refund" : ""}:${m.accountId}`;
    const group = groups.get(key);
    if (group) group.on.push(i);
    else groups.set(key, { movement: m, on: [i] });
  });
  const out: WatcherWrite[] = [];
  const byKey = new Map<string, WatcherWrite>();
  for (const { movement, on } of groups.values())
    for (const watcher of watchers)
      for (const write of watcher.writesFor(movement)) {
        const same = write.batchKey === undefined ? undefined : byKey.get(write.batchKey);
        if (same) same.on.push(...on);
        else {
          const w = { write, on: [...on] };
          out.push(w);
          if (write.batchKey !== undefined) byKey.set(write.batchKey, w);
        }
      }
  return out;
}
