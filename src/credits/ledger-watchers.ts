import type { DebitResult, DebitType, Ledger, LedgerEntry, LedgerWrite } from "./ledger.js";

/** A movement a watcher is asked about: credits coming in, or credits spent (a debit or a capture). */
export type WatchedMovement =
  | { kind: "credit"; accountId: string; amountMc: number }
  | {
      kind: "spend";
      accountId: string;
      amountMc: number /** A debit's type (a capture is usage). */;
      type?: DebitType;
    };

/**
 * A feature that acts on balance movements (balance alerts, auto top-up): it adds statements that commit with the
 * movement — they run after it, in its transaction, so SQL in them reads the balance the movement left (`balances`
 * table; on PostgreSQL, where concurrent movements are applied in batches, the balance the batch left) — and hears
 * of spending refused for lack of credits (nothing moved, so nothing of it can commit with it).
 */
export interface LedgerWatcher {
  writesFor(movement: WatchedMovement): LedgerWrite[];
  /** A debit or a reservation was refused: the balance could not cover it. Must not throw. */
  refused?(accountId: string): void;
}

/**
 * The ledger with its watchers: every credit, debit and capture carries their writes, so a threshold is seen in the
 * same transaction as the movement that crossed it, whichever feature moved the credits.
 */
export function watchLedger(inner: Ledger, watchers: LedgerWatcher[]): Ledger {
  const writes = (movement: WatchedMovement, own: LedgerWrite[] | undefined): LedgerWrite[] => [
    ...(own ?? []),
    ...watchers.flatMap((w) => w.writesFor(movement)),
  ];
  const refused = (accountId: string) => {
    for (const w of watchers) w.refused?.(accountId);
  };
  return {
    credit: (input) =>
      inner.credit({
        ...input,
        writes: writes(
          { kind: "credit", accountId: input.accountId, amountMc: input.amountMc + (input.bonusMc ?? 0) },
          input.writes,
        ),
      }),
    async debit(input): Promise<DebitResult> {
      const result = await inner.debit({
        ...input,
        writes: writes(
          { kind: "spend", accountId: input.accountId, amountMc: input.amountMc, type: input.type },
          input.writes,
        ),
      });
      // A spend limit's refusal is not the balance's: the balance may be ample.
      if (!result.ok && !result.limit) refused(input.accountId);
      return result;
    },
    async reserve(input) {
      const result = await inner.reserve(input);
      if (!result.ok && !result.limit) refused(input.accountId);
      return result;
    },
    capture: (input): Promise<LedgerEntry> =>
      inner.capture({
        ...input,
        writes: writes({ kind: "spend", accountId: input.accountId, amountMc: input.amountMc }, input.writes),
      }),
    release: (input) => inner.release(input),
    extendHold: (holdId, expiresAt) => inner.extendHold(holdId, expiresAt),
    getHold: (accountId, holdId) => inner.getHold(accountId, holdId),
    releaseStaleHolds: (input) => inner.releaseStaleHolds(input),
    balance: (accountId) => inner.balance(accountId),
    entries: (accountId, input) => inner.entries(accountId, input),
    usage: (accountId, input) => inner.usage(accountId, input),
    usageBySpender: (accountId, input) => inner.usageBySpender(accountId, input),
    sumOfEntries: (accountId) => inner.sumOfEntries(accountId),
    close: () => inner.close(),
  };
}
