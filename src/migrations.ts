import { alertsMigrations } from "./alerts/schema.js";
import { auditMigrations } from "./audit/schema.js";
import { creditsMigrations } from "./credits/schema.js";
import { runtimeMigrations } from "./db/instances.js";
import type { DomainMigrations } from "./db/sql.js";
import { eventsMigrations } from "./events/outbox.js";
import { idempotencyMigrations } from "./http/idempotency.js";
import { imagesMigrations } from "./images/schema.js";
import { jobsMigrations } from "./jobs/queue.js";
import { knowledgeMigrations } from "./knowledge/schema.js";
import { knowledgeIndexMigrations } from "./knowledge/search/sqlite-schema.js";
import { activationCodesMigrations } from "./licenses/codes-schema.js";
import { licensesMigrations } from "./licenses/schema.js";
import { openaiMigrations } from "./openai/store.js";
import { paymentsMigrations } from "./payments/schema.js";
import { webMigrations } from "./web/schema.js";
import { webhooksMigrations } from "./webhooks/schema.js";

/** Every domain's schema, in the order they are applied. */
export const ALL_MIGRATIONS: DomainMigrations[] = [
  runtimeMigrations,
  creditsMigrations,
  licensesMigrations,
  activationCodesMigrations,
  paymentsMigrations,
  idempotencyMigrations,
  webMigrations,
  jobsMigrations,
  knowledgeMigrations,
  knowledgeIndexMigrations,
  imagesMigrations,
  openaiMigrations,
  eventsMigrations,
  webhooksMigrations,
  alertsMigrations,
  auditMigrations,
];
