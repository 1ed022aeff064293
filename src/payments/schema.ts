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

/**
 * Auto top-up: the Stripe Customer and saved card of an account, its rule, and one claim per attempt. At most one
 * claim per account is `pending` (in flight) — the partial unique index is what guarantees it across processes.
 */
const autoTopup = `
CREATE TABLE stripe_customers (
  account_id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  payment_method TEXT,
  card_brand TEXT,
  card_last4 TEXT,
  card_exp_month INTEGER,
  card_exp_year INTEGER,
  card_saved_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE TABLE auto_topup_rules (
  account_id TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL DEFAULT 0,
  threshold_mc BIGINT NOT NULL,
  pack_id TEXT,
  amount_cents BIGINT NOT NULL,
  base_mc BIGINT NOT NULL,
  bonus_mc BIGINT NOT NULL,
  max_per_month INTEGER NOT NULL,
  max_cents_per_month BIGINT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  last_failure_code TEXT,
  last_failure_at BIGINT,
  turned_off_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE TABLE auto_topup_claims (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  month TEXT NOT NULL,
  pack_id TEXT,
  amount_cents BIGINT NOT NULL,
  base_mc BIGINT NOT NULL,
  bonus_mc BIGINT NOT NULL,
  payment_intent TEXT,
  failure_code TEXT,
  created_at BIGINT NOT NULL,
  settled_at BIGINT
);
CREATE UNIQUE INDEX auto_topup_claims_in_flight ON auto_topup_claims (account_id) WHERE status = 'pending';
CREATE INDEX auto_topup_claims_month ON auto_topup_claims (account_id, month);
CREATE INDEX auto_topup_claims_payment_intent ON auto_topup_claims (payment_intent);
`;

export const paymentsMigrations: DomainMigrations = {
  domain: "payments",
  migrations: [
    { version: 1, name: "Checkout Sessions and refunds", sqlite: sql, postgres: sql },
    { version: 2, name: "auto top-up: saved cards, rules and claims", sqlite: autoTopup, postgres: autoTopup },
  ],
};
