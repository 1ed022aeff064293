import type { Ledger, LedgerEntry } from "./ledger.js";
import { describeEntry, featureName } from "./ledger-describe.js";
import { DEFAULT_PRICING, mcToCredits } from "./pricing.js";

/** Describes a page of entries (names looked up once per page). */
export type PageDescriber = (page: LedgerEntry[]) => Promise<(e: LedgerEntry) => string>;

const withoutNames: PageDescriber = async () => (e) => describeEntry(e, { pricing: DEFAULT_PRICING });

/**
 * The machine columns first, unchanged (a program reading them by position keeps working), one row per ledger entry
 * so `credits` still sums to the balance; then the human columns: when, what happened, which feature.
 */
const COLUMNS = [
  "id",
  "created_at",
  "type",
  "credits",
  "held_credits",
  "balance_after",
  "reserved_after",
  "operation",
  "quantity",
  "reference",
  "hold_id",
  "request_id",
  "reason",
  "date",
  "description",
  "feature",
] as const;

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "string" ? value : JSON.stringify(value);
  // A cell starting with = + - @ would be a formula in a spreadsheet: prefix it (OWASP CSV injection).
  if (/^[=+\-@\t\r]/.test(text) && typeof value === "string") text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function ledgerCsvHeader(): string {
  return `${COLUMNS.join(",")}\r\n`;
}

/** "2026-12-06 04:01 UTC": a date a spreadsheet and a person both read. */
const humanDate = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;

export function ledgerCsvRow(e: LedgerEntry, description: string): string {
  return `${[
    e.id,
    new Date(e.createdAt).toISOString(),
    e.type,
    mcToCredits(e.amountMc),
    mcToCredits(e.reservedDeltaMc),
    mcToCredits(e.balanceAfterMc),
    mcToCredits(e.reservedAfterMc),
    e.operation,
    e.quantity,
    e.reference,
    e.holdId,
    e.requestId,
    e.reason,
    humanDate(e.createdAt),
    description,
    featureName(e.operation),
  ]
    .map(cell)
    .join(",")}\r\n`;
}

/** Every entry of an account, newest first, as CSV lines (streamed page by page). */
export async function* ledgerCsv(
  ledger: Ledger,
  accountId: string,
  describePage: PageDescriber = withoutNames,
): AsyncGenerator<string> {
  yield ledgerCsvHeader();
  let before: string | undefined;
  for (;;) {
    const page = await ledger.entries(accountId, { limit: 1000, before });
    const describe = await describePage(page);
    for (const e of page) yield ledgerCsvRow(e, describe(e));
    if (page.length < 1000) return;
    before = page.at(-1)!.id;
  }
}
