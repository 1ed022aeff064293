import type { DomainMigrations } from "../db/sql.js";

const sql = `
CREATE TABLE images (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  site_id TEXT,
  operation TEXT NOT NULL CHECK (operation IN ('generate', 'edit', 'upscale')),
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  bytes BIGINT NOT NULL,
  blob_key TEXT NOT NULL,
  prompt TEXT,
  params TEXT NOT NULL DEFAULT '{}',
  source_image_id TEXT,
  charged_mc BIGINT NOT NULL,
  request_id TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX images_account ON images (account_id, id);
`;

export const imagesMigrations: DomainMigrations = {
  domain: "images",
  migrations: [{ version: 1, name: "stored images", sqlite: sql, postgres: sql }],
};
