import { ApiError } from "../http/errors.js";
import { Batcher } from "../lib/batcher.js";
import { newId } from "../lib/ids.js";
import {
  type Balance,
  type DebitResult,
  type Hold,
  type Ledger,
  type LedgerEntry,
  type LedgerOp,
  type OpResult,
  type ReserveResult,
  throwForResult,
  type UsageRow,
} from "./ledger.js";

function assertAmount(amountMc: number, allowZero = false): void {
  if (!Number.isSafeInteger(amountMc) || amountMc < 0 || (!allowZero && amountMc === 0))
    throw new ApiError(
      "VALIDATION_FAILED",
      `amount must be a ${allowZero ? "non-negative" : "positive"} integer of millicredits`,
    );
}

/**
 * The Ledger port over a store that applies a batch of operations in one transaction. Adapters supply
 * `applyBatch` (which must apply the operations in order and return one result each) and the reads.
 */
export abstract class BatchedLedger implements Ledger {
  private readonly batcher: Batcher<LedgerOp, OpResult>;

  protected constructor(options: { maxBatch: number; maxConcurrent: number }) {
    this.batcher = new Batcher((ops) => this.applyBatch(ops, Date.now()), options);
  }

  protected abstract applyBatch(ops: LedgerOp[], now: number): Promise<OpResult[]>;
  abstract getHold(accountId: string, holdId: string): Promise<Hold | undefined>;
  abstract extendHold(holdId: string, expiresAt: number): Promise<boolean>;
  abstract balance(accountId: string): Promise<Balance>;
  abstract entries(accountId: string, input: { limit: number; beforeSeq?: number }): Promise<LedgerEntry[]>;
  abstract usage(accountId: string, input: { from: number; to: number }): Promise<UsageRow[]>;
  abstract sumOfEntries(accountId: string): Promise<{ amountMc: number; reservedDeltaMc: number }>;
  protected abstract staleHolds(input: {
    now: number;
    deadOwners: string[];
    limit: number;
  }): Promise<{ id: string; accountId: string; expired: boolean }[]>;
  protected abstract closeStore(): Promise<void>;

  protected apply(op: LedgerOp): Promise<OpResult> {
    return this.batcher.push(op);
  }

  async credit(input: Omit<Extract<LedgerOp, { kind: "credit" }>, "kind">) {
    assertAmount(input.amountMc);
    const result = await this.apply({ kind: "credit", ...input });
    if (result.status === "ok" || result.status === "replayed")
      return { entry: result.entry, replayed: result.status === "replayed" };
    throwForResult(result);
  }

  async debit(input: Omit<Extract<LedgerOp, { kind: "debit" }>, "kind">): Promise<DebitResult> {
    assertAmount(input.amountMc);
    const result = await this.apply({ kind: "debit", ...input });
    if (result.status === "ok" || result.status === "replayed")
      return { ok: true, entry: result.entry, replayed: result.status === "replayed" };
    if (result.status === "insufficient")
      return { ok: false, neededMc: input.amountMc, availableMc: result.availableMc };
    throwForResult(result);
  }

  async reserve(input: Parameters<Ledger["reserve"]>[0]): Promise<ReserveResult> {
    assertAmount(input.amountMc, true);
    const { ttlMs, ...rest } = input;
    const result = await this.apply({
      kind: "reserve",
      ...rest,
      holdId: newId("hold"),
      expiresAt: Date.now() + ttlMs,
    });
    if ((result.status === "ok" || result.status === "replayed") && result.hold)
      return { ok: true, hold: result.hold, entry: result.entry, replayed: result.status === "replayed" };
    if (result.status === "insufficient")
      return { ok: false, neededMc: input.amountMc, availableMc: result.availableMc };
    throwForResult(result);
  }

  async capture(input: Omit<Extract<LedgerOp, { kind: "capture" }>, "kind">) {
    assertAmount(input.amountMc, true);
    const result = await this.apply({ kind: "capture", ...input });
    if (result.status === "ok" || result.status === "replayed") return result.entry;
    throwForResult(result, input.holdId);
  }

  async release(input: { accountId: string; holdId: string; reason: string }) {
    const result = await this.apply({ kind: "release", ...input });
    if (result.status === "ok") return result.entry;
    if (result.status === "replayed" || result.status === "conflict") return null;
    throwForResult(result, input.holdId);
  }

  async releaseStaleHolds(input: { now: number; deadOwners?: string[]; limit?: number }): Promise<number> {
    const stale = await this.staleHolds({
      now: input.now,
      deadOwners: input.deadOwners ?? [],
      limit: input.limit ?? 500,
    });
    const results = await Promise.all(
      stale.map((h) =>
        this.apply({
          kind: "release",
          accountId: h.accountId,
          holdId: h.id,
          reason: h.expired ? "hold expired" : "the process that held it stopped",
        }),
      ),
    );
    return results.filter((r) => r.status === "ok").length;
  }

  async close(): Promise<void> {
    await this.batcher.drain();
    await this.closeStore();
  }
}
