import { z } from "zod";
import { ApiError } from "../errors.js";
import { Credits, iso } from "../http/schemas.js";
import type { LedgerEntry } from "./ledger.js";
import { describeEntry } from "./ledger-describe.js";
import { DEFAULT_PRICING, mcToCredits } from "./pricing.js";

export const LedgerEntrySchema = z.object({
  id: z.string(),
  type: z.enum(["purchase", "bonus", "grant", "adjustment", "usage", "hold", "release", "refund"]),
  credits: Credits.describe("Signed settled change: the entries sum to credits + reservedCredits"),
  heldCredits: Credits.describe("Signed change to the reserved part (holds and their settlement)"),
  balanceAfter: Credits.describe("credits + reservedCredits after this entry"),
  reservedAfter: Credits,
  operation: z.string().nullable(),
  quantity: z.record(z.string(), z.unknown()).nullable().describe("What was measured: tokens, images, pixels, model…"),
  reference: z.string().nullable(),
  holdId: z.string().nullable(),
  requestId: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string(),
  description: z
    .string()
    .describe(
      'The entry in words, for people ("Indexed handbook.pdf — 36 pages, 17,729 tokens"); names are looked up when read',
    ),
});

/** `description` from `entryDescriber` (names looked up); without it, the entry is described without names. */
export function presentEntry(
  e: LedgerEntry,
  description = describeEntry(e, { pricing: DEFAULT_PRICING }),
): z.infer<typeof LedgerEntrySchema> {
  return {
    id: e.id,
    type: e.type,
    credits: mcToCredits(e.amountMc),
    heldCredits: mcToCredits(e.reservedDeltaMc),
    balanceAfter: mcToCredits(e.balanceAfterMc),
    reservedAfter: mcToCredits(e.reservedAfterMc),
    operation: e.operation,
    quantity: e.quantity,
    reference: e.reference,
    holdId: e.holdId,
    requestId: e.requestId,
    reason: e.reason,
    createdAt: iso(e.createdAt)!,
    description,
  };
}

/** A page continues after an entry the client already holds: the cursor is that entry's (opaque) id. */
export function parseLedgerCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  if (!/^led_[0-9a-z]{1,40}$/.test(cursor))
    throw new ApiError("VALIDATION_FAILED", "cursor is not a ledger cursor", { field: "cursor" });
  return cursor;
}
