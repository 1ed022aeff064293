import type { Ledger, LedgerEntry } from "./ledger.js";
import { mcToCredits } from "./pricing.js";

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

export function ledgerCsvRow(e: LedgerEntry): string {
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
  ]
    .map(cell)
    .join(",")}\r\n`;
}

/** Every entry of an account, newest first, as CSV lines (streamed page by page). */
export async function* ledgerCsv(ledger: Ledger, accountId: string): AsyncGenerator<string> {
  yield ledgerCsvHeader();
  let before: string | undefined;
  for (;;) {
    const page = await ledger.entries(accountId, { limit: 1000, before });
    for (const e of page) yield ledgerCsvRow(e);
    if (page.length < 1000) return;
    before = page.at(-1)!.id;
  }
}
