import type { ResponseOf } from "../../../packages/client/src/index";

/** GET /v1/ledger's entries, and how the dashboard folds them into one row per operation. */
export type Entry = ResponseOf<"/v1/ledger", "get">["data"][number];

/** One operation as a customer reads it: its hold, and what settled it, folded together. */
export interface LedgerRow {
  key: string;
  /** The type of the entry that decides the row: usage, release (nothing charged), hold (still running), purchase… */
  type: string;
  description: string;
  /** The settled change of the whole operation (a hold and its release change nothing). */
  credits: number;
  /** Still reserved by this operation (a hold not settled yet). */
  reserving: number;
  /** Spendable credits after the operation's latest entry: what the header shows, reservations excluded. */
  availableAfter: number;
  createdAt: string;
  /** Every entry behind the row, newest first (the details). */
  entries: Entry[];
}

const SETTLING = ["usage", "release"];

/**
 * Entries newest first → rows newest first. Entries of one hold (its "hold" and the "usage" or "release" that settled
 * it) become one row, placed where its latest entry is; every other entry is a row of its own. Nothing is dropped: the
 * entries stay in `entries` for the details.
 */
export function foldEntries(entries: Entry[], { fold }: { fold: boolean }): LedgerRow[] {
  const rows: LedgerRow[] = [];
  const byHold = new Map<string, LedgerRow>();
  for (const e of entries) {
    const group = e.holdId ? byHold.get(e.holdId) : undefined;
    if (group) {
      group.entries.push(e);
      group.credits += e.credits;
      if (!SETTLING.includes(group.type) && SETTLING.includes(e.type)) {
        group.type = e.type;
        group.description = e.description;
      }
      continue;
    }
    const row: LedgerRow = {
      key: e.id,
      type: e.type,
      description: e.description,
      credits: e.credits,
      reserving: fold && e.type === "hold" ? e.heldCredits : 0,
      availableAfter: e.balanceAfter - e.reservedAfter,
      createdAt: e.createdAt,
      entries: [e],
    };
    rows.push(row);
    if (fold && e.holdId) byHold.set(e.holdId, row);
  }
  return rows;
}

/** The details of an entry: exact amounts (to the millicredit), what was measured, and when. */
export function entryFacts(e: Entry): [string, string][] {
  const facts: [string, string][] = [
    ["Entry", ENTRY_WORDS[e.type] ?? e.type],
    ["What", e.description],
  ];
  if (e.credits !== 0) facts.push(["Credits", `${signedExact(e.credits)} (${milli(e.credits)} millicredits)`]);
  if (e.heldCredits !== 0)
    facts.push([e.heldCredits > 0 ? "Reserved" : "Reservation settled", `${exact(Math.abs(e.heldCredits))} credits`]);
  for (const [k, v] of Object.entries(e.quantity ?? {})) {
    // Ids say nothing to a person (the description names what they refer to).
    if (/Ids?$/.test(k) || v === null || typeof v === "object") continue;
    facts.push([QUANTITY_WORDS[k] ?? k, typeof v === "number" ? v.toLocaleString("en-US") : String(v)]);
  }
  if (e.reason) facts.push(["Reason", e.reason]);
  facts.push([
    "Balance after",
    `${exact(e.balanceAfter - e.reservedAfter)} available, ${exact(e.reservedAfter)} reserved`,
  ]);
  facts.push(["Time", new Date(e.createdAt).toLocaleString("en-US", { dateStyle: "medium", timeStyle: "medium" })]);
  return facts;
}

const ENTRY_WORDS: Record<string, string> = {
  purchase: "Purchase",
  bonus: "Bonus",
  grant: "Grant",
  adjustment: "Adjustment",
  usage: "Charge",
  hold: "Reservation",
  release: "Reservation returned",
  refund: "Refund",
};

const QUANTITY_WORDS: Record<string, string> = {
  tokens: "Tokens",
  chunks: "Passages",
  pages: "Pages",
  model: "Model",
  images: "Images",
  filtered: "Filtered out",
  provider: "Provider",
  pixels: "Pixels",
  quality: "Quality",
  factor: "Factor",
  amountCents: "Paid (cents)",
  refundedCents: "Refunded (cents)",
  packId: "Pack",
};

const exactFormat = new Intl.NumberFormat("en-US", { minimumFractionDigits: 3, maximumFractionDigits: 3 });
const exact = (n: number) => exactFormat.format(n);
const signedExact = (n: number) => (n > 0 ? `+${exact(n)}` : `−${exact(-n)}`);
const milli = (n: number) => Math.round(n * 1000).toLocaleString("en-US");
