import type { Metering } from "../credits/metering.js";
import type { Pricing } from "../credits/pricing.js";
import type { Sql } from "../db/sql.js";
import type { BlobStore } from "../storage/blob-store.js";
import { ProviderAccountFailures, reportToOperator } from "./provider-failures.js";
import type { ImageProvider } from "./providers/provider.js";
import { ProviderChain } from "./router.js";
import { ImageService } from "./service.js";
import { ImageStore } from "./store.js";

/**
 * The images domain over the configured providers (tried in order). A provider that refuses the operator's account
 * (key, credit, quota) is logged, counted, and remembered for the operator's view (`providerAccountFailures`).
 */
export function createImages(deps: {
  sql: Sql;
  blobs: BlobStore;
  providers: ImageProvider[];
  metering: Metering;
  pricing: () => Pricing;
  operationTimeoutMs: number;
  log: { error(obj: object, msg: string): void };
  failuresCounter: { inc(labels: { provider: string; status: string }): void };
}): { images: ImageService; providerAccountFailures: ProviderAccountFailures } {
  const providerAccountFailures = new ProviderAccountFailures();
  const images = new ImageService({
    store: new ImageStore(deps.sql),
    blobs: deps.blobs,
    chain: new ProviderChain(deps.providers),
    metering: deps.metering,
    pricing: deps.pricing,
    operationTimeoutMs: deps.operationTimeoutMs,
    onOperatorProblem: reportToOperator(deps.log, deps.failuresCounter, providerAccountFailures),
  });
  return { images, providerAccountFailures };
}
