import type { DomainMigrations } from "../db/sql.js";

// Its own migration domain, so it applies beside the licences' own versions whatever order they land in.
const sql = `
CREATE TABLE activation_codes (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  license_id TEXT NOT NULL REFERENCES licenses (id),
  lookup TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  site_url TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,
  used_site_id TEXT,
  revoked_at BIGINT
);
CREATE UNIQUE INDEX activation_codes_lookup ON activation_codes (lookup);
CREATE INDEX activation_codes_account ON activation_codes (account_id);
`;

export const activationCodesMigrations: DomainMigrations = {
  domain: "activation-codes",
  migrations: [{ version: 1, name: "one-time activation codes", sqlite: sql, postgres: sql }],
};
