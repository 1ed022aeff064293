import { ApiError } from "../errors.js";
import type { Cause, Hold, Ledger, LedgerEntry } from "./ledger.js";
import { mcToCredits } from "./pricing.js";

export function insufficientCredits(neededMc: number, availableMc: number, what = "this operation"): ApiError {
  return new ApiError(
    "INSUFFICIENT_CREDITS",
    `${what} needs ${mcToCredits(neededMc)} credits; ${mcToCredits(availableMc)} are available`,
    { neededCredits: mcToCredits(neededMc), availableCredits: mcToCredits(availableMc) },
  );
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
  constructor(
    private readonly ledger: Ledger,
    private readonly options: { holdTtlMs: number; owner: string; onCharged?: (operation: string, mc: number) => void },
  ) {}

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
  }): Promise<{ hold: Hold; replayed: boolean }> {
    const reserved = await this.ledger.reserve({
      accountId: input.accountId,
      amountMc: input.maxMc,
      idemKey: input.idemKey,
      cause: { ...input.cause, operation: input.operation },
      ttlMs: input.ttlMs ?? this.options.holdTtlMs,
      owner: input.owner ?? this.options.owner,
    });
    if (!reserved.ok) throw insufficientCredits(reserved.neededMc, reserved.availableMc);
    return { hold: reserved.hold, replayed: reserved.replayed };
  }

  async capture(hold: Hold, chargeMc: number, cause: Cause): Promise<LedgerEntry> {
    if (chargeMc > hold.amountMc)
      throw new ApiError("INTERNAL", `charge ${chargeMc} exceeds its hold ${hold.amountMc} for ${hold.operation}`);
    const entry = await this.ledger.capture({ accountId: hold.accountId, holdId: hold.id, amountMc: chargeMc, cause });
    if (chargeMc > 0) this.options.onCharged?.(hold.operation ?? "other", chargeMc);
    return entry;
  }

  async release(hold: Hold, reason: string): Promise<void> {
    await this.ledger.release({ accountId: hold.accountId, holdId: hold.id, reason });
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
      await this.release(hold, reason.slice(0, 300)).catch(() => {});
      throw error;
    }
    const entry = await this.capture(hold, charge.chargeMc, {
      operation: input.operation,
      quantity: charge.quantity,
      requestId: input.requestId,
      reference: input.reference,
      reason: charge.chargeMc === 0 ? "nothing to charge" : undefined,
    });
    return { result: charge.result, entry, chargedMc: charge.chargeMc };
  }
}
