import type { Database } from "../db/open.js";
import type { Ledger } from "./ledger.js";
import type { LedgerOptions } from "./ledger-batched.js";
import { PostgresLedger } from "./ledger-postgres.js";
import { SqliteLedger } from "./ledger-sqlite.js";

export function createLedger(db: Database, options: LedgerOptions = {}): Ledger {
  return db.dialect === "postgres" ? new PostgresLedger(db.sql, options) : new SqliteLedger(db.sql, options);
}
