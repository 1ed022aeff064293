import type { DomainMigrations } from "../db/sql.js";

const sql = `
CREATE TABLE balance_alerts (
  account_id TEXT PRIMARY KEY,
  threshold_mc BIGINT,
  email INTEGER NOT NULL DEFAULT 1,
  low_sent INTEGER NOT NULL DEFAULT 0,
  depleted_sent INTEGER NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
CREATE TABLE license_notices (
  license_id TEXT NOT NULL,
  notice TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (license_id, notice, expires_at)
);
`;

/**
 * `balance_alerts`: an account's threshold (null: the operator's default) and whether `balance.low` /
 * `balance.depleted` fired since the balance last recovered (an account without a row: defaults, nothing fired).
 * `license_notices`: one row per licence, notice and expiry date, so each notice is sent once whatever the number of
 * processes sweeping (a renewed licence, with a new date, is told again).
 */
export const alertsMigrations: DomainMigrations = {
  domain: "alerts",
  migrations: [{ version: 1, name: "balance alerts and licence notices", sqlite: sql, postgres: sql }],
};
