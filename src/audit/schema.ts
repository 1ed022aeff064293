import type { DomainMigrations } from "../db/sql.js";

const sql = `
CREATE TABLE operator_changes (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  subject_id TEXT,
  summary TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX operator_changes_account ON operator_changes (account_id, created_at);
`;

/**
 * `operator_changes`: what the operator changed in one of the customer's own rules (a spend limit, auto top-up), in
 * the customer's words, and why. Written in the same transaction as the change; never updated. Deleting the
 * account's data keeps it, like the ledger.
 */
export const auditMigrations: DomainMigrations = {
  domain: "audit",
  migrations: [{ version: 1, name: "operator changes to an account's rules", sqlite: sql, postgres: sql }],
};
