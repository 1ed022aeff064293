import type { DomainMigrations } from "../db/sql.js";

const sql = `
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX accounts_email ON accounts (email);
CREATE TABLE licenses (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  lookup TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  plan TEXT NOT NULL CHECK (plan IN ('personal', 'agency')),
  status TEXT NOT NULL CHECK (status IN ('active', 'revoked', 'expired')),
  expires_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX licenses_lookup ON licenses (lookup);
CREATE INDEX licenses_account ON licenses (account_id);
CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  license_id TEXT NOT NULL REFERENCES licenses (id),
  url TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sites_license_url ON sites (license_id, url);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  license_id TEXT NOT NULL REFERENCES licenses (id),
  site_id TEXT REFERENCES sites (id),
  name TEXT NOT NULL,
  lookup TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at BIGINT
);
CREATE UNIQUE INDEX api_keys_lookup ON api_keys (lookup);
CREATE INDEX api_keys_account ON api_keys (account_id);
`;

// The operator's request rates for single keys: a subject is an API key (`key_…`) or a licence (`lic_…`, its licence
// key and the owner's dashboard). Keys and licences are never deleted, so the row needs no foreign key to either.
const rateLimits = `
CREATE TABLE rate_limit_overrides (
  subject_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  rps DOUBLE PRECISION NOT NULL CHECK (rps > 0),
  burst INTEGER NOT NULL CHECK (burst >= 1),
  updated_at BIGINT NOT NULL
);
CREATE INDEX rate_limit_overrides_account ON rate_limit_overrides (account_id);
`;

// A deactivated site keeps its row (its resources still name it, and activating the same address again brings it
// back) but no longer takes an activation slot; a rotated licence key ends the sessions signed in before it.
const lifecycle = `
ALTER TABLE sites ADD COLUMN deactivated_at BIGINT;
ALTER TABLE licenses ADD COLUMN key_rotated_at BIGINT;
`;

export const licensesMigrations: DomainMigrations = {
  domain: "licenses",
  migrations: [
    { version: 1, name: "accounts, licences, sites and API keys", sqlite: sql, postgres: sql },
    { version: 2, name: "request rate overrides per key", sqlite: rateLimits, postgres: rateLimits },
    { version: 3, name: "site deactivation and licence key rotation", sqlite: lifecycle, postgres: lifecycle },
  ],
};
