import type Database from "better-sqlite3";
import { newId } from "../lib/ids.js";
import type { Cause, LedgerEntry, Spender } from "./ledger.js";

const INSERT_ENTRY = `INSERT INTO ledger_entries (id, account_id, type, amount_mc, reserved_delta_mc, balance_after_mc,
  reserved_after_mc, hold_id, idem_key, operation, quantity, reference, request_id, reason, site_id, key_id, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export interface BalanceRow {
  available_mc: number;
  reserved_mc: number;
}

/** The SQLite ledger's prepared statements, and the writing of an entry (the hot path of every charge). */
export class SqliteLedgerRows {
  readonly s;

  constructor(db: Database.Database) {
    const p = (text: string) => db.prepare(text);
    this.s = {
      balance: p("SELECT available_mc, reserved_mc FROM balances WHERE account_id = ?"),
      ensureBalance: p(
        "INSERT INTO balances (account_id, updated_at) VALUES (?, ?) ON CONFLICT (account_id) DO NOTHING",
      ),
      setBalance: p("UPDATE balances SET available_mc = ?, reserved_mc = ?, updated_at = ? WHERE account_id = ?"),
      entryByKey: p("SELECT * FROM ledger_entries WHERE account_id = ? AND idem_key = ?"),
      settleEntry: p("SELECT * FROM ledger_entries WHERE hold_id = ? AND type IN ('usage', 'release')"),
      holdEntry: p("SELECT * FROM ledger_entries WHERE hold_id = ? AND type = 'hold'"),
      holdByKey: p("SELECT * FROM holds WHERE account_id = ? AND idem_key = ?"),
      hold: p("SELECT * FROM holds WHERE id = ? AND account_id = ?"),
      insertHold: p(`INSERT INTO holds (id, account_id, idem_key, amount_mc, status, operation, owner, site_id, key_id,
        limit_ids, expires_at, created_at) VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?) RETURNING *`),
      settleHold: p("UPDATE holds SET status = ?, captured_mc = ?, settled_at = ? WHERE id = ? RETURNING *"),
      insertEntry: p(INSERT_ENTRY),
    };
  }

  entry(values: {
    accountId: string;
    type: string;
    amountMc: number;
    reservedDeltaMc: number;
    balance: BalanceRow;
    holdId?: string | null;
    idemKey?: string | null;
    cause: Cause;
    spender?: Spender | null;
    now: number;
  }): LedgerEntry {
    const c = values.cause;
    const entry: LedgerEntry = {
      id: newId("led"),
      accountId: values.accountId,
      type: values.type as LedgerEntry["type"],
      amountMc: values.amountMc || 0, // never -0
      reservedDeltaMc: values.reservedDeltaMc,
      balanceAfterMc: values.balance.available_mc + values.balance.reserved_mc,
      reservedAfterMc: values.balance.reserved_mc,
      holdId: values.holdId ?? null,
      idemKey: values.idemKey ?? null,
      operation: c.operation ?? null,
      quantity: c.quantity ?? null,
      reference: c.reference ?? null,
      requestId: c.requestId ?? null,
      reason: c.reason ?? null,
      siteId: values.spender?.siteId ?? null,
      keyId: values.spender?.keyId ?? null,
      createdAt: values.now,
    };
    // Positional parameters: the hot path of every charge (named ones cost an object walk per statement).
    this.s.insertEntry.run(
      entry.id,
      entry.accountId,
      entry.type,
      entry.amountMc,
      entry.reservedDeltaMc,
      entry.balanceAfterMc,
      entry.reservedAfterMc,
      entry.holdId,
      entry.idemKey,
      entry.operation,
      c.quantity ? JSON.stringify(c.quantity) : null,
      entry.reference,
      entry.requestId,
      entry.reason,
      entry.siteId,
      entry.keyId,
      entry.createdAt,
    );
    return entry;
  }
}
