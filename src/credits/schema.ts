import type { DomainMigrations } from "../db/sql.js";
import { CREDITS_APPLY_FUNCTION, CREDITS_APPLY_WRITES_FUNCTION } from "./ledger-postgres.sql.js";

const tables = (serial: string) => `
CREATE TABLE balances (
  account_id TEXT PRIMARY KEY,
  available_mc BIGINT NOT NULL DEFAULT 0 CHECK (available_mc >= 0),
  reserved_mc BIGINT NOT NULL DEFAULT 0 CHECK (reserved_mc >= 0),
  updated_at BIGINT NOT NULL
);
CREATE TABLE holds (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  idem_key TEXT,
  amount_mc BIGINT NOT NULL CHECK (amount_mc >= 0),
  captured_mc BIGINT,
  status TEXT NOT NULL CHECK (status IN ('open', 'captured', 'released')),
  operation TEXT,
  owner TEXT,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  settled_at BIGINT
);
CREATE UNIQUE INDEX holds_idem ON holds (account_id, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX holds_open ON holds (expires_at) WHERE status = 'open';
CREATE TABLE ledger_entries (
  seq ${serial},
  account_id TEXT NOT NULL,
  type TEXT NOT NULL,
  amount_mc BIGINT NOT NULL,
  reserved_delta_mc BIGINT NOT NULL DEFAULT 0,
  balance_after_mc BIGINT NOT NULL,
  reserved_after_mc BIGINT NOT NULL,
  hold_id TEXT,
  idem_key TEXT,
  operation TEXT,
  quantity TEXT,
  reference TEXT,
  request_id TEXT,
  reason TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX ledger_account ON ledger_entries (account_id, seq);
CREATE UNIQUE INDEX ledger_idem ON ledger_entries (account_id, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX ledger_usage ON ledger_entries (account_id, created_at) WHERE type = 'usage';
CREATE INDEX ledger_hold ON ledger_entries (hold_id) WHERE hold_id IS NOT NULL;
`;

const LEDGER_IDS = `ALTER TABLE ledger_entries ADD COLUMN id TEXT;
CREATE UNIQUE INDEX ledger_id ON ledger_entries (id);`;

// Spend limits (per site, per API key or account-wide) are counters kept by the ledger in the same atomic step as
// the holds and debits they bound: `held_mc` (open holds counted against the limit, listed in holds.limit_ids) and
// `spent_mc` since `period_start`; a period rolls when the next movement sees it ended. Holds and entries name their
// spender (site, key) for usage per site and key.
const SPEND_LIMITS = `ALTER TABLE holds ADD COLUMN site_id TEXT;
ALTER TABLE holds ADD COLUMN key_id TEXT;
ALTER TABLE holds ADD COLUMN limit_ids TEXT;
ALTER TABLE ledger_entries ADD COLUMN site_id TEXT;
ALTER TABLE ledger_entries ADD COLUMN key_id TEXT;
CREATE TABLE spend_limits (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  site_id TEXT,
  key_id TEXT,
  limit_mc BIGINT NOT NULL CHECK (limit_mc >= 0),
  period TEXT NOT NULL CHECK (period IN ('day', 'week', 'month', 'total')),
  period_start BIGINT NOT NULL,
  spent_mc BIGINT NOT NULL DEFAULT 0,
  held_mc BIGINT NOT NULL DEFAULT 0,
  reached_period_start BIGINT,
  created_at BIGINT NOT NULL,
  CHECK (site_id IS NULL OR key_id IS NULL)
);
CREATE INDEX spend_limits_account ON spend_limits (account_id);`;

// credits_apply is installed by v1 and re-created (CREATE OR REPLACE) by every later migration that changes what it
// writes: v1 installs the current body on a new database too, which is harmless since v3 runs before any call.
export const creditsMigrations: DomainMigrations = {
  domain: "credits",
  migrations: [
    {
      version: 1,
      name: "balances, holds and the ledger",
      sqlite: `${tables("INTEGER PRIMARY KEY")}
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;`,
      postgres: `${tables("BIGSERIAL PRIMARY KEY")}
CREATE FUNCTION ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'ledger entries are immutable'; END $$;
CREATE TRIGGER ledger_no_change BEFORE UPDATE OR DELETE ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_immutable();
${CREDITS_APPLY_FUNCTION}`,
    },
    {
      version: 2,
      name: "operator settings (live prices)",
      sqlite: "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at BIGINT NOT NULL);",
      postgres: "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at BIGINT NOT NULL);",
    },
    {
      // Entry ids were `led_<seq>`, a global sequence a customer could read the service's volume from. New entries
      // get opaque ids; older ones keep the id they were shown with (null here, `led_<seq>` when read) — entries are
      // immutable, and their ids may be in customers' records. The unique index also resolves a page cursor.
      version: 3,
      name: "opaque ledger entry ids",
      sqlite: LEDGER_IDS,
      postgres: `${LEDGER_IDS}
${CREDITS_APPLY_FUNCTION}`,
    },
    {
      // credits_apply takes the start of each calendar period (computed once per batch, in spend-periods.ts).
      version: 4,
      name: "spend limits per site, key and account; the spender of holds and entries",
      sqlite: SPEND_LIMITS,
      postgres: `${SPEND_LIMITS}
DROP FUNCTION IF EXISTS credits_apply(jsonb, bigint);
${CREDITS_APPLY_FUNCTION}`,
    },
    {
      // A batch with statements to commit beside it (an alert, an auto top-up claim, a stored reply) in one round trip.
      version: 5,
      name: "a ledger batch and its statements in one round trip",
      sqlite: "SELECT 1;",
      postgres: CREDITS_APPLY_WRITES_FUNCTION,
    },
    {
      // credits_apply_writes answers the rows each statement changed beside the results (`{results, written}`).
      version: 6,
      name: "a ledger batch's statements say how many rows they wrote",
      sqlite: "SELECT 1;",
      postgres: CREDITS_APPLY_WRITES_FUNCTION,
    },
  ],
};
