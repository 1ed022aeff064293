import type { DomainMigrations } from "../db/sql.js";

// The id is a SHA-256 of the cookie's token, so a copy of the table opens no session.
const sql = `
CREATE TABLE web_sessions (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('customer', 'operator')),
  account_id TEXT,
  license_id TEXT,
  site_id TEXT,
  key_id TEXT,
  via TEXT,
  admin_token_hash TEXT,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  idle_expires_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
`;

export const webMigrations: DomainMigrations = {
  domain: "web",
  migrations: [{ version: 1, name: "dashboard and operator sessions", sqlite: sql, postgres: sql }],
};
