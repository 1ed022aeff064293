import type Stripe from "stripe";
import type { Access } from "./access.js";
import type { Alerts } from "./alerts/index.js";
import type { Config } from "./config.js";
import type { Ledger } from "./credits/ledger.js";
import type { Metering } from "./credits/metering.js";
import type { PricingSource } from "./credits/pricing-source.js";
import type { Instance } from "./db/instances.js";
import type { NamedLocks } from "./db/locks.js";
import type { Database } from "./db/open.js";
import type { EventDispatcher } from "./events/dispatcher.js";
import type { Outbox } from "./events/outbox.js";
import type { EventRetention } from "./events/retention.js";
import type { IdempotencyStore } from "./http/idempotency.js";
import type { Metrics } from "./http/metrics.js";
import type { App } from "./http/server.js";
import type { ProviderAccountFailures } from "./images/provider-failures.js";
import type { ImageService } from "./images/service.js";
import type { JobQueue } from "./jobs/queue.js";
import type { CrawlDeps } from "./knowledge/crawl/crawler.js";
import type { Embedder } from "./knowledge/embedders/embedder.js";
import type { KnowledgeService } from "./knowledge/service.js";
import type { AccountStore } from "./licenses/accounts.js";
import type { LicenseStore } from "./licenses/store.js";
import type { AutoTopups } from "./payments/auto-topup/index.js";
import type { Fulfilment } from "./payments/fulfilment.js";
import type { BlobStore } from "./storage/blob-store.js";
import type { Webhooks } from "./webhooks/index.js";
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

/**
 * Everything a request handler may need, wired once from validated configuration: app.ts builds it, the routes
 * (routes.ts) and the tests read it. A new service is one field here and one where app.ts builds it.
 */
export interface AppContext {
  config: Config;
  db: Database;
  ledger: Ledger;
  metering: Metering;
  licenses: LicenseStore;
  accounts: AccountStore;
  idempotency: IdempotencyStore;
  fulfilment: Fulfilment;
  instance: Instance;
  locks: NamedLocks;
  metrics: Metrics;
  pricing: PricingSource;
  knowledge: KnowledgeService;
  embedder: Embedder;
  jobs: JobQueue;
  /** Wakes the job worker (new work queued). */
  pokeJobs(): void;
  blobs: BlobStore;
  images: ImageService;
  providerAccountFailures: ProviderAccountFailures;
  /** Account events (webhooks, email): write them with the change they report. */
  outbox: Outbox;
  events: EventDispatcher;
  eventRetention: EventRetention;
  /** Low-balance alerts; `alerts.mail` emails an account's owner (queued as jobs). */
  alerts: Alerts;
  webhooks: Webhooks;
  /** Undefined when no Stripe key is configured. */
  stripe: Stripe | undefined;
  /** Auto top-up: rules, saved cards, the charger (and its reconciliation), the balance watcher. */
  autoTopups: AutoTopups;
  /** Dashboard sessions, the operator's failed guesses, per-key rate limits: registered before every route. */
  access: Access;
  /** The ledger's and spend limits' time when a test set one (AppOverrides.clock). */
  clock?: () => number;
}

export interface RunningApp {
  app: App;
  ctx: AppContext;
  /** Listens on config.port (0 picks a free port) and returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}
