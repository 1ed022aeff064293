import type { EntryType, Hold, LedgerEntry } from "./ledger.js";

/** Column names shared by both stores, as they come back from SQL (or from PostgreSQL's to_jsonb). */
export interface EntryRow {
  seq: number;
  /** Null only on entries written before ids were opaque: those keep the `led_<seq>` they were shown with. */
  id: string | null;
  account_id: string;
  type: string;
  amount_mc: number;
  reserved_delta_mc: number;
  balance_after_mc: number;
  reserved_after_mc: number;
  hold_id: string | null;
  idem_key: string | null;
  operation: string | null;
  quantity: string | null;
  reference: string | null;
  request_id: string | null;
  reason: string | null;
  site_id?: string | null;
  key_id?: string | null;
  created_at: number;
}

export interface HoldRow {
  id: string;
  account_id: string;
  amount_mc: number;
  captured_mc: number | null;
  status: string;
  operation: string | null;
  owner: string | null;
  site_id?: string | null;
  key_id?: string | null;
  /** JSON array of the spend limits the hold counts against (null: none). */
  limit_ids?: string | null;
  expires_at: number;
  created_at: number;
}

export function toEntry(row: EntryRow): LedgerEntry {
  return {
    id: row.id ?? `led_${row.seq}`,
    accountId: row.account_id,
    type: row.type as EntryType,
    amountMc: Number(row.amount_mc),
    reservedDeltaMc: Number(row.reserved_delta_mc),
    balanceAfterMc: Number(row.balance_after_mc),
    reservedAfterMc: Number(row.reserved_after_mc),
    holdId: row.hold_id,
    idemKey: row.idem_key,
    operation: row.operation,
    quantity: row.quantity ? (JSON.parse(row.quantity) as Record<string, unknown>) : null,
    reference: row.reference,
    requestId: row.request_id,
    reason: row.reason,
    siteId: row.site_id ?? null,
    keyId: row.key_id ?? null,
    createdAt: Number(row.created_at),
  };
}

export function toHold(row: HoldRow): Hold {
  return {
    id: row.id,
    accountId: row.account_id,
    amountMc: Number(row.amount_mc),
    capturedMc: row.captured_mc === null ? null : Number(row.captured_mc),
    status: row.status as Hold["status"],
    operation: row.operation,
    owner: row.owner,
    siteId: row.site_id ?? null,
    keyId: row.key_id ?? null,
    expiresAt: Number(row.expires_at),
    createdAt: Number(row.created_at),
  };
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
