import { creditsMigrations } from "../credits/schema.js";
import { idempotencyMigrations } from "../http/idempotency.js";
import { licensesMigrations } from "../licenses/schema.js";
import { paymentsMigrations } from "../payments/schema.js";
import { runtimeMigrations } from "./instances.js";
import type { DomainMigrations } from "./sql.js";

/** Every domain's schema, in the order they are applied. */
export const ALL_MIGRATIONS: DomainMigrations[] = [
  runtimeMigrations,
  creditsMigrations,
  licensesMigrations,
  paymentsMigrations,
  idempotencyMigrations,
];
