import { StaleWriteError, type TransactionalWrite } from "../db/sql.js";
import { ApiError } from "../errors.js";
import type { SpendPeriod } from "./spend-periods.js";

/** Kinds of ledger entry. `amountMc` of an entry is its signed change to the account's total (settled) credits. */
export const ENTRY_TYPES = ["purchase", "bonus", "grant", "adjustment", "usage", "hold", "release", "refund"] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** What caused a movement: the operation, its measured quantity, and where it came from. */
export interface Cause {
  operation?: string;
  quantity?: Record<string, unknown>;
  /** An outside reference, e.g. the Stripe Checkout Session or the knowledge-base document. */
  reference?: string;
  requestId?: string;
  reason?: string;
}

export interface LedgerEntry {
  /** Opaque (`led_…`, from newId); the order of entries is a hidden sequence no client sees. */
  id: string;
  accountId: string;
  type: EntryType;
  /** Signed change to available + reserved. Holds and releases move credits between the two and change nothing. */
  amountMc: number;
  /** Signed change to the reserved part. */
  reservedDeltaMc: number;
  balanceAfterMc: number;
  reservedAfterMc: number;
  holdId: string | null;
  idemKey: string | null;
  operation: string | null;
  quantity: Record<string, unknown> | null;
  reference: string | null;
  requestId: string | null;
  reason: string | null;
  /** Who spent (usage, holds): the site and API key of the request; null for the owner or outside a request. */
  siteId: string | null;
  keyId: string | null;
  createdAt: number;
}

/** Who spends: the site and API key a request came with (both null for the account owner's licence key). */
export interface Spender {
  siteId: string | null;
  keyId: string | null;
}

/** A spend limit that refused an operation, as it stood when it refused. */
export interface LimitHit {
  limitId: string;
  accountId: string;
  siteId: string | null;
  keyId: string | null;
  period: SpendPeriod;
  limitMc: number;
  /** Spent in the current period plus what open holds set aside. */
  usedMc: number;
  periodStart: number;
  /** When the period ends; null for a `total` limit, which never resets. */
  resetsAt: number | null;
  /** No refusal of this limit was reported yet in this period (`spend_limit.reached` is emitted once per period). */
  firstInPeriod: boolean;
}

export interface Hold {
  id: string;
  accountId: string;
  amountMc: number;
  capturedMc: number | null;
  status: "open" | "captured" | "released";
  operation: string | null;
  owner: string | null;
  siteId: string | null;
  keyId: string | null;
  expiresAt: number;
  createdAt: number;
}

export interface Balance {
  /** What can be spent now. */
  availableMc: number;
  /** Held by operations in flight. */
  reservedMc: number;
}

/**
 * The ledger's one hook for writes that must stand or fall with a movement of credits (a stored idempotent reply, an
 * outbox event, a counter): they commit in the movement's transaction, and run only when the movement happens (not
 * when it is refused or replayed). A fence that changes no row stops the movement: a capture releases its hold
 * instead, anything else is skipped (result `fenced`) — how a request that lost its claim can never charge.
 */
export type LedgerWrite = TransactionalWrite;

export type CreditType = "purchase" | "bonus" | "grant" | "refund";
export type DebitType = "usage" | "adjustment" | "refund";

export type LedgerOp =
  | {
      kind: "credit";
      accountId: string;
      amountMc: number;
      type: CreditType;
      idemKey?: string;
      cause: Cause;
      /** A bonus credited in the same transaction, as its own `bonus` entry (purchases). */
      bonusMc?: number;
      writes?: LedgerWrite[];
    }
  | {
      kind: "debit";
      accountId: string;
      amountMc: number;
      type: DebitType;
      idemKey?: string;
      cause: Cause;
      /** Take what is available up to amountMc instead of refusing (refund claw-backs). */
      upTo?: boolean;
      /** Who spends: a `usage` debit counts against (and is refused by) the spend limits that bind it. */
      spender?: Spender;
      writes?: LedgerWrite[];
    }
  | {
      kind: "reserve";
      accountId: string;
      holdId: string;
      amountMc: number;
      idemKey?: string;
      cause: Cause;
      expiresAt: number;
      owner: string;
      /** Who spends: the hold counts against the spend limits that bind it until it is captured or released. */
      spender?: Spender;
      writes?: LedgerWrite[];
    }
  | { kind: "capture"; accountId: string; holdId: string; amountMc: number; cause: Cause; writes?: LedgerWrite[] }
  | { kind: "release"; accountId: string; holdId: string; reason: string; writes?: LedgerWrite[] };

export type OpResult =
  | { status: "ok" | "replayed"; entry: LedgerEntry; hold?: Hold }
  | { status: "insufficient"; availableMc: number }
  /** A spend limit binding the spender would be exceeded: nothing moved. */
  | { status: "limit_reached"; availableMc: number; limit: LimitHit }
  | { status: "conflict"; message: string }
  | { status: "not_found" }
  /** A fence of the operation changed no row: nothing moved (a capture released its hold: `entry`). */
  | { status: "fenced"; entry?: LedgerEntry; holdKept?: boolean };

/** A refusal: not enough credits, or (`limit`) a spend limit that would be exceeded. */
export type Refusal = { ok: false; neededMc: number; availableMc: number; limit?: LimitHit };

export type DebitResult = { ok: true; entry: LedgerEntry; replayed: boolean } | Refusal;

export type ReserveResult = { ok: true; hold: Hold; entry: LedgerEntry; replayed: boolean } | Refusal;

/** Usage of one site and API key over a range (both null: the owner's own spending). */
export interface SpenderUsageRow {
  siteId: string | null;
  keyId: string | null;
  count: number;
  mc: number;
}

export interface UsageRow {
  day: string;
  operation: string;
  count: number;
  mc: number;
}

/** The one place money moves. Every method is atomic; debits and reservations never take `available` below 0. */
export interface Ledger {
  credit(
    input: Omit<Extract<LedgerOp, { kind: "credit" }>, "kind">,
  ): Promise<{ entry: LedgerEntry; replayed: boolean }>;
  debit(input: Omit<Extract<LedgerOp, { kind: "debit" }>, "kind">): Promise<DebitResult>;
  /** Sets credits aside for an operation whose price is known only at its end. */
  reserve(input: {
    accountId: string;
    amountMc: number;
    idemKey?: string;
    cause: Cause;
    ttlMs: number;
    owner: string;
    spender?: Spender;
    writes?: LedgerWrite[];
  }): Promise<ReserveResult>;
  /**
   * Charges `amountMc` (at most the hold) and returns the rest to `available`. Capturing twice the same amount
   * replays. When a fence of `writes` changes no row, the hold is released instead and this throws CONFLICT (or, when
   * the fence `keepsHold`, nothing moves and this throws `StaleWriteError`).
   */
  capture(input: {
    accountId: string;
    holdId: string;
    amountMc: number;
    cause: Cause;
    writes?: LedgerWrite[];
  }): Promise<LedgerEntry>;
  /**
   * Returns a held amount in full. Releasing a settled hold returns null. `writes` commit with the release; when a
   * fence of them changes no row (a job's attempt that was taken over) nothing moves and this throws
   * `StaleWriteError`: the hold stays with the attempt that took over.
   */
  release(input: {
    accountId: string;
    holdId: string;
    reason: string;
    writes?: LedgerWrite[];
  }): Promise<LedgerEntry | null>;
  /** Keeps a hold of long-running work alive. */
  extendHold(holdId: string, expiresAt: number): Promise<boolean>;
  getHold(accountId: string, holdId: string): Promise<Hold | undefined>;
  /** Releases holds past their expiry, and those of owners named in `deadOwners`. */
  releaseStaleHolds(input: { now: number; deadOwners?: string[]; limit?: number }): Promise<number>;
  balance(accountId: string): Promise<Balance>;
  /** Newest first; `before` is the id of the last entry of the previous page (unknown ids throw VALIDATION_FAILED). */
  entries(accountId: string, input: { limit: number; before?: string; types?: EntryType[] }): Promise<LedgerEntry[]>;
  /** Usage per UTC day and operation, of one account or (null) of all. */
  usage(accountId: string | null, input: { from: number; to: number }): Promise<UsageRow[]>;
  /** Usage of one account per site and API key over [from, to). */
  usageBySpender(accountId: string, input: { from: number; to: number }): Promise<SpenderUsageRow[]>;
  /** Sum of every entry of the account: equals available + reserved (an invariant the tests check). */
  sumOfEntries(accountId: string): Promise<{ amountMc: number; reservedDeltaMc: number }>;
  close(): Promise<void>;
}

export function throwForResult(result: OpResult, holdId?: string): never {
  if (result.status === "not_found") throw new ApiError("NOT_FOUND", `hold ${holdId ?? ""} does not exist`);
  if (result.status === "conflict") throw new ApiError("CONFLICT", result.message);
  if (result.status === "fenced" && result.holdKept)
    throw new StaleWriteError("this job was taken over; it did not charge");
  if (result.status === "fenced")
    throw new ApiError("CONFLICT", "a retry of this request took it over; the retry's result is the one kept", {
      charged: false,
    });
  throw new ApiError("INTERNAL", `unexpected ledger result ${result.status}`);
}
