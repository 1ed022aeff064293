import { ApiError } from "../errors.js";
import { failpoint } from "../lib/failpoints.js";
import { RetryLater } from "../lib/retry-later.js";
import type { Cause, Hold, Ledger, LedgerEntry, LedgerWrite, LimitHit, Refusal, Spender } from "./ledger.js";
import { mcToCredits } from "./pricing.js";
import { periodAdjective, resetPhrase } from "./spend-periods.js";

/** "1 credit", "2.5 credits": how an amount reads to a customer. */
export function creditsPhrase(mc: number): string {
  const credits = mcToCredits(mc);
  return `${credits.toLocaleString("en-US", { maximumFractionDigits: 3 })} credit${credits === 1 ? "" : "s"}`;
}

export function insufficientCredits(
  neededMc: number,
  availableMc: number,
  what = "This operation",
  remedy = " Buy credits to continue.",
): ApiError {
  return new ApiError(
    "INSUFFICIENT_CREDITS",
    `${what} needs ${creditsPhrase(neededMc)}; the balance has ${creditsPhrase(availableMc)}.${remedy}`,
    { neededCredits: mcToCredits(neededMc), availableCredits: mcToCredits(availableMc) },
  );
}

/**
 * "This site's daily limit of 100 credits is reached; it resets at 00:00 UTC on 7 Dec." Buying credits does not
 * lift a limit, so the code differs from INSUFFICIENT_CREDITS and the message names the remedy that does.
 */
export function spendLimitReached(limit: LimitHit): ApiError {
  const whose = limit.keyId ? "This API key's" : limit.siteId ? "This site's" : "This account's";
  const what = `${whose} ${periodAdjective(limit.period)} limit of ${creditsPhrase(limit.limitMc)} is reached`;
  const when =
    limit.resetsAt === null
      ? "it does not reset; the account owner can raise or remove it."
      : `it resets at ${resetPhrase(limit.resetsAt)}.`;
  return new ApiError("SPEND_LIMIT_REACHED", `${what}; ${when}`, {
    limitId: limit.limitId,
    period: limit.period,
    limitCredits: mcToCredits(limit.limitMc),
    usedCredits: mcToCredits(limit.usedMc),
    resetsAt: limit.resetsAt === null ? null : new Date(limit.resetsAt).toISOString(),
    siteId: limit.siteId,
    keyId: limit.keyId,
    charged: false,
  });
}

/** The error a refused spend answers with: the limit that refused it, or the balance. */
export function refusalError(refusal: Refusal): ApiError {
  return refusal.limit ? spendLimitReached(refusal.limit) : insufficientCredits(refusal.neededMc, refusal.availableMc);
}

/**
 * Marks an error after which nothing was charged, so the problem the client gets can say so (`charged: false`).
 */
export function markNothingCharged(error: unknown): unknown {
  if (error instanceof ApiError) {
    if (error.details.charged === undefined) error.details.charged = false;
  } else if (error && typeof error === "object") (error as { charged?: boolean }).charged = false;
  return error;
}

export interface Charge<T> {
  result: T;
  /** What the work actually costs (at most the reserved maximum). */
  chargeMc: number;
  quantity: Record<string, unknown>;
}

export interface MeteredResult<T> {
  result: T;
  /** The usage entry (or the release entry when nothing was charged). */
  entry: LedgerEntry;
  chargedMc: number;
}

/**
 * The one way features spend credits: reserve the most an operation can cost, do the work, capture what it really
 * cost and release the rest; work that throws costs nothing. Holds of a request are owned by this process, so a
 * crash releases them (see HoldSweeper).
 */
export class Metering {
  /** Releases that failed (the database was away), retried until it is back: a hold never waits for its expiry. */
  private readonly releases: RetryLater;

  constructor(
    private readonly ledger: Ledger,
    private readonly options: {
      holdTtlMs: number;
      owner: string;
      onCharged?: (operation: string, mc: number) => void;
      onReleaseError?: (error: unknown) => void;
      /**
       * Who is spending when a caller does not say: the site and key of the request being handled (the app reads
       * them from the request's context, so no route has to pass them). Spend limits bind them.
       */
      spender?: () => Spender | undefined;
    },
  ) {
    this.releases = new RetryLater({ onError: options.onReleaseError });
  }

  /** Releases still waiting for the database. */
  get pendingReleases(): number {
    return this.releases.pending;
  }

  stop(): void {
    this.releases.stop();
  }

  get owner(): string {
    return this.options.owner;
  }

  async reserve(input: {
    accountId: string;
    maxMc: number;
    operation: string;
    idemKey?: string;
    cause?: Cause;
    owner?: string;
    ttlMs?: number;
    spender?: Spender;
  }): Promise<{ hold: Hold; replayed: boolean }> {
    const reserved = await this.ledger.reserve({
      accountId: input.accountId,
      amountMc: input.maxMc,
      idemKey: input.idemKey,
      cause: { ...input.cause, operation: input.operation },
      ttlMs: input.ttlMs ?? this.options.holdTtlMs,
      owner: input.owner ?? this.options.owner,
      spender: input.spender ?? this.options.spender?.(),
    });
    if (!reserved.ok) throw refusalError(reserved);
    return { hold: reserved.hold, replayed: reserved.replayed };
  }

  /** Charges `chargeMc` of the hold; `writes` commit in the same transaction (see LedgerWrite). */
  async capture(hold: Hold, chargeMc: number, cause: Cause, writes?: LedgerWrite[]): Promise<LedgerEntry> {
    if (chargeMc > hold.amountMc)
      throw new ApiError("INTERNAL", `charge ${chargeMc} exceeds its hold ${hold.amountMc} for ${hold.operation}`);
    const entry = await this.ledger.capture({
      accountId: hold.accountId,
      holdId: hold.id,
      amountMc: chargeMc,
      cause,
      writes,
    });
    await failpoint("after-capture");
    if (chargeMc > 0) this.options.onCharged?.(hold.operation ?? "other", chargeMc);
    return entry;
  }

  /** Releases a hold, with `writes` committed beside it (see `Ledger.release`); null when it was settled already. */
  async release(hold: Hold, reason: string, writes?: LedgerWrite[]): Promise<LedgerEntry | null> {
    return this.ledger.release({ accountId: hold.accountId, holdId: hold.id, reason, writes });
  }

  /**
   * Releases a hold whose work failed. If the database is away the release is retried until it is back; either way
   * nothing of the hold is ever charged (only this process could have captured it), which is what errors report.
   */
  async releaseAfterFailure(hold: Hold, reason: string): Promise<void> {
    try {
      await this.release(hold, reason);
    } catch {
      this.releases.add(hold.id, () => this.release(hold, reason));
    }
  }

  /** Reserve `maxMc`, run `work`, capture its charge; release everything if it throws. */
  async metered<T>(
    input: {
      accountId: string;
      maxMc: number;
      operation: string;
      idemKey?: string;
      requestId?: string;
      reference?: string;
      /** Writes to commit with the charge, given what it charged and produced (a stored idempotent reply). */
      writes?: (charge: { chargedMc: number; result: T }) => LedgerWrite[];
    },
    work: (hold: Hold) => Promise<Charge<T>>,
  ): Promise<MeteredResult<T>> {
    const { hold } = await this.reserve({
      accountId: input.accountId,
      maxMc: input.maxMc,
      operation: input.operation,
      idemKey: input.idemKey,
      cause: { requestId: input.requestId, reference: input.reference },
    });
    let charge: Charge<T>;
    try {
      charge = await work(hold);
    } catch (error) {
      const reason = error instanceof ApiError ? `${error.code}: ${error.message}` : "the operation failed";
      await this.releaseAfterFailure(hold, reason.slice(0, 300));
      throw markNothingCharged(error);
    }
    const cause: Cause = {
      operation: input.operation,
      quantity: charge.quantity,
      requestId: input.requestId,
      reference: input.reference,
      reason: charge.chargeMc === 0 ? "nothing to charge" : undefined,
    };
    let entry: LedgerEntry;
    try {
      await failpoint("before-capture");
      entry = await this.capture(
        hold,
        charge.chargeMc,
        cause,
        input.writes?.({ chargedMc: charge.chargeMc, result: charge.result }),
      );
    } catch (error) {
      // The capture may or may not have committed (the database went away mid-commit): releasing settles it —
      // a committed capture stays, an uncommitted one can no longer happen.
      await this.releaseAfterFailure(hold, "the charge could not be confirmed");
      throw error;
    }
    return { result: charge.result, entry, chargedMc: charge.chargeMc };
  }
}
