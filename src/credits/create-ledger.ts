import type { Database } from "../db/open.js";
import type { Ledger } from "./ledger.js";
import { PostgresLedger } from "./ledger-postgres.js";
import { SqliteLedger } from "./ledger-sqlite.js";

export function createLedger(db: Database): Ledger {
  return db.dialect === "postgres" ? new PostgresLedger(db.sql) : new SqliteLedger(db.sql);
}
