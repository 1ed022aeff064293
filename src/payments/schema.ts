import type { DomainMigrations } from "../db/sql.js";

const sql = `
CREATE TABLE checkout_sessions (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  pack_id TEXT,
  amount_cents BIGINT NOT NULL,
  base_mc BIGINT NOT NULL,
  bonus_mc BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'pending', 'fulfilled', 'failed', 'expired', 'rejected')),
  status_reason TEXT,
  payment_intent TEXT,
  refunded_cents BIGINT NOT NULL DEFAULT 0,
  clawback_target_mc BIGINT NOT NULL DEFAULT 0,
  unrecovered_mc BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  fulfilled_at BIGINT
);
CREATE INDEX checkout_sessions_account ON checkout_sessions (account_id, created_at);
CREATE INDEX checkout_sessions_payment_intent ON checkout_sessions (payment_intent);
CREATE INDEX checkout_sessions_fulfilled ON checkout_sessions (fulfilled_at) WHERE status = 'fulfilled';
CREATE TABLE pending_refunds (
  payment_intent TEXT PRIMARY KEY,
  refunded_cents BIGINT NOT NULL,
  charge_id TEXT NOT NULL,
  received_at BIGINT NOT NULL
);
`;

export const paymentsMigrations: DomainMigrations = {
  domain: "payments",
  migrations: [{ version: 1, name: "Checkout Sessions and refunds", sqlite: sql, postgres: sql }],
};
