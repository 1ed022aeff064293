import type { AccountMail } from "./alerts/mail-jobs.js";
import type { Config } from "./config.js";
import type { Ledger } from "./credits/ledger.js";
import type { Metering } from "./credits/metering.js";
import type { PricingSource } from "./credits/pricing-source.js";
import type { Instance } from "./db/instances.js";
import type { NamedLocks } from "./db/locks.js";
import type { Database } from "./db/open.js";
import type { EventDispatcher } from "./events/dispatcher.js";
import type { Outbox } from "./events/outbox.js";
import type { IdempotencyStore } from "./http/idempotency.js";
import type { Metrics } from "./http/metrics.js";
import type { App } from "./http/server.js";
import type { ImageService } from "./images/service.js";
import type { JobQueue } from "./jobs/queue.js";
import type { CrawlDeps } from "./knowledge/crawl/crawler.js";
import type { Embedder } from "./knowledge/embedders/embedder.js";
import type { KnowledgeService } from "./knowledge/service.js";
import type { LicenseStore } from "./licenses/store.js";
import type { AutoTopupCharger } from "./payments/auto-topup/charge.js";
import type { Fulfilment } from "./payments/fulfilment.js";
import type { BlobStore } from "./storage/blob-store.js";
import type { WebhookNetwork } from "./webhooks/post.js";

/** Seams for tests: the crawler's resolver and loopback allowance, another embedder. Production passes none. */
export interface AppOverrides {
  crawlDeps?: CrawlDeps;
  /** The webhook sender's resolver (to prove a name resolving to a private address is refused at delivery). */
  webhookNetwork?: WebhookNetwork;
  embedder?: Embedder;
  /** The ledger's and spend limits' time (a test moves it past a limit's period end). */
  clock?: () => number;
}

/** Everything a request handler may need, wired once from validated configuration. */
export interface AppContext {
  config: Config;
  db: Database;
  ledger: Ledger;
  metering: Metering;
  licenses: LicenseStore;
  idempotency: IdempotencyStore;
  fulfilment: Fulfilment;
  instance: Instance;
  locks: NamedLocks;
  metrics: Metrics;
  pricing: PricingSource;
  knowledge: KnowledgeService;
  jobs: JobQueue;
  blobs: BlobStore;
  images: ImageService;
  /** Account events (webhooks, email): write them with the change they report. */
  outbox: Outbox;
  events: EventDispatcher;
  /** Auto top-up's charges and their reconciliation. */
  autoTopups: AutoTopupCharger;
  /** Emails to an account's owner, queued as jobs (`queueEndpointDisabledMail` for the webhooks). */
  mail: AccountMail;
}

export interface RunningApp {
  app: App;
  ctx: AppContext;
  /** Listens on config.port (0 picks a free port) and returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}
