import { mkdirSync } from "node:fs";
import path from "node:path";
import { createAlerts } from "./alerts/index.js";
import type { AccountMail } from "./alerts/mail-jobs.js";
import { balanceAlertRoutes } from "./alerts/routes.js";
import { type Config, ConfigError } from "./config.js";
import { imageOffer } from "./credits/catalogue.js";
import { createLedger } from "./credits/create-ledger.js";
import { HoldSweeper, requestHoldOwner } from "./credits/hold-sweeper.js";
import type { Ledger } from "./credits/ledger.js";
import { type LedgerWatcher, watchLedger } from "./credits/ledger-watchers.js";
import { Metering } from "./credits/metering.js";
import { PricingSource } from "./credits/pricing-source.js";
import { creditsRoutes } from "./credits/routes.js";
import { SpendLimitStore, spendLimitReachedEvent } from "./credits/spend-limits.js";
import { lockDataDir } from "./db/data-dir-lock.js";
import { Instance } from "./db/instances.js";
import { NamedLocks } from "./db/locks.js";
import { type Database, openDatabase } from "./db/open.js";
import { purgeSqliteFreePages } from "./db/sqlite.js";
import { type EventChannel, EventDispatcher } from "./events/dispatcher.js";
import { Outbox } from "./events/outbox.js";
import { EventRetention } from "./events/retention.js";
import { currentPrincipal, registerAuth } from "./http/auth.js";
import { IdempotencyStore } from "./http/idempotency.js";
import { createMetrics, type Metrics } from "./http/metrics.js";
import { FailureLimiter } from "./http/rate-limit/failures.js";
import { createRateLimiter } from "./http/rate-limit/index.js";
import { registerRateLimit } from "./http/rate-limit/requests.js";
import { type App, createServer } from "./http/server.js";
import { systemRoutes } from "./http/system-routes.js";
import { imageAdminRoutes } from "./images/admin-routes.js";
import { ProviderAccountFailures, reportToOperator } from "./images/provider-failures.js";
import { loadImageProvider } from "./images/providers/index.js";
import type { ImageProvider } from "./images/providers/provider.js";
import { ProviderChain } from "./images/router.js";
import { imageRoutes } from "./images/routes.js";
import { ImageService } from "./images/service.js";
import { ImageStore } from "./images/store.js";
import { JobQueue } from "./jobs/queue.js";
import { JobWorker } from "./jobs/worker.js";
import type { CrawlDeps } from "./knowledge/crawl/crawler.js";
import type { Embedder } from "./knowledge/embedders/embedder.js";
import { createEmbedder } from "./knowledge/embedders/index.js";
import {
  billableTokens,
  billableTokensOfText,
  DEFAULT_EXTRACT_LIMITS,
  extractDocument,
} from "./knowledge/extract/index.js";
import { knowledgeReferenceNames } from "./knowledge/reference-names.js";
import { knowledgeRoutes } from "./knowledge/routes.js";
import { HOSTED_MODEL_FUSION, LOCAL_MODEL_FUSION } from "./knowledge/search/fusion.js";
import { PostgresSearchIndex } from "./knowledge/search/postgres.js";
import type { SearchIndex } from "./knowledge/search/search-index.js";
import { SqliteSearchIndex } from "./knowledge/search/sqlite.js";
import { KnowledgeService } from "./knowledge/service.js";
import { KnowledgeStore } from "./knowledge/store.js";
import { TOKENIZER_NAME } from "./knowledge/tokens.js";
import { PACKAGE_VERSION as VERSION } from "./lib/package-root.js";
import { AccountStore } from "./licenses/accounts.js";
import { ActivationCodeStore } from "./licenses/activation-codes.js";
import { activationRoutes } from "./licenses/activation-routes.js";
import { rateLimitRoutes } from "./licenses/rate-limit-routes.js";
import { RateLimitSettings } from "./licenses/rate-limits.js";
import { licenseRoutes } from "./licenses/routes.js";
import { siteRoutes } from "./licenses/site-routes.js";
import { LicenseStore } from "./licenses/store.js";
import { createMailer } from "./mail/index.js";
import { scheduleVacuum, VACUUM_JOB, vacuumHandler } from "./maintenance.js";
import { ALL_MIGRATIONS } from "./migrations.js";
import { ModelCatalogue } from "./openai/models.js";
import { openAiRoutes } from "./openai/routes.js";
import { OpenAiStore, openaiFilesPurger } from "./openai/store.js";
import { SavedCards } from "./payments/auto-topup/cards.js";
import { AutoTopupCharger } from "./payments/auto-topup/charge.js";
import { autoTopupRoutes } from "./payments/auto-topup/routes.js";
import { AutoTopupStore } from "./payments/auto-topup/store.js";
import { AUTO_TOPUP_JOB, AutoTopupWatcher } from "./payments/auto-topup/watcher.js";
import { CheckoutStore } from "./payments/checkout-store.js";
import { Fulfilment } from "./payments/fulfilment.js";
import { paymentsRoutes } from "./payments/routes.js";
import { createStripeClient } from "./payments/stripe.js";
import { Deleter } from "./privacy/deleter.js";
import { privacyRoutes } from "./privacy/routes.js";
import type { BlobStore } from "./storage/blob-store.js";
import { createBlobStore } from "./storage/index.js";
import { type KeyStore, LocalKeyStore } from "./storage/key-store.js";
import { createWebSessions, webRoutes } from "./web/routes.js";
import { adminWebhookRoutes, createWebhooks, webhookRoutes } from "./webhooks/index.js";
import type { WebhookNetwork } from "./webhooks/post.js";

/** Everything a request handler may need, wired once from validated configuration. */
/** Seams for tests: the crawler's resolver and loopback allowance, another embedder. Production passes none. */
export interface AppOverrides {
  crawlDeps?: CrawlDeps;
  /** The webhook sender's resolver (to prove a name resolving to a private address is refused at delivery). */
  webhookNetwork?: WebhookNetwork;
  embedder?: Embedder;
  /** The ledger's and spend limits' time (a test moves it past a limit's period end). */
  clock?: () => number;
}

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

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<RunningApp> {
  let unlock = () => {};
  if (!config.databaseUrl) {
    mkdirSync(config.dataDir, { recursive: true });
    try {
      unlock = lockDataDir(config.dataDir);
    } catch (error) {
      throw new ConfigError((error as Error).message);
    }
  }
  const db = await openDatabase(
    {
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      databaseSchema: config.databaseSchema,
      poolSize: config.databasePoolSize,
    },
    ALL_MIGRATIONS,
  );
  const metrics = createMetrics();
  const app = await createServer({
    logLevel: config.logLevel,
    logFormat: config.logFormat,
    bodyLimitBytes: config.bodyLimitBytes,
    uploadLimitBytes: config.uploadLimitBytes,
    trustProxy: config.trustProxy,
    tls: config.tls,
    publicUrl: config.publicUrl,
    version: VERSION,
    metrics,
    validateResponses: config.env !== "production",
  });

  // Features that act on balance movements (alerts, auto top-up) add themselves here before the first request.
  const ledgerWatchers: LedgerWatcher[] = [];
  const ledger = watchLedger(
    createLedger(db, {
      clock: overrides.clock,
      // Called only once requests flow, when the outbox below exists.
      limitReached: (hit) => outbox.write(spendLimitReachedEvent(hit)),
    }),
    ledgerWatchers,
  );
  const instance = new Instance(db, {
    heartbeatMs: Math.min(5_000, config.instanceStaleMs / 3),
    staleMs: config.instanceStaleMs,
  });
  await instance.start();
  const metering = new Metering(ledger, {
    holdTtlMs: config.holdTtlMs,
    owner: requestHoldOwner(instance.id),
    onCharged: (operation, mc) => metrics.creditsSpent.inc({ operation }, mc),
    onReleaseError: (err) => app.log.warn({ err }, "a hold's release is waiting for the database"),
    spender: () => {
      const principal = currentPrincipal();
      return principal && { siteId: principal.siteId, keyId: principal.keyId };
    },
  });
  const licenses = new LicenseStore(db.sql);
  const accounts = new AccountStore(db.sql);
  const idempotency = new IdempotencyStore(
    db.sql,
    { retentionMs: 24 * 3600_000, leaseMs: config.idempotencyLeaseMs },
    (err) => app.log.warn({ err }, "an idempotency key's release is waiting for the database"),
  );
  const locks = new NamedLocks(db);
  const pricing = new PricingSource(db.sql, config.pricing);
  await pricing.load();
  pricing.start();
  const currentPricing = () => pricing.current();
  // Account events (webhooks, email): the outbox is written with the changes; the dispatcher starts last.
  let events: EventDispatcher | undefined;
  const outbox = new Outbox(() => events?.nudge());
  const fulfilment = new Fulfilment({
    outbox,
    checkouts: new CheckoutStore(db.sql),
    ledger,
    locks,
    pricing: currentPricing,
    metrics,
    log: app.log,
  });
  const sweeper = new HoldSweeper(ledger, instance, app.log, Math.min(10_000, config.instanceStaleMs / 2));
  await sweeper.sweep(Date.now(), true);
  sweeper.start();

  let blobs: ReturnType<typeof createBlobStore>;
  try {
    blobs = createBlobStore({ dataDir: config.dataDir, env: config.raw });
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  ${(error as Error).message}`);
  }
  const jobs = new JobQueue(db);
  const embedder = overrides.embedder ?? createConfiguredEmbedder(config);
  const keys = new LocalKeyStore(path.join(config.dataDir, "keys"));
  const index = await createSearchIndex(db, embedder, keys);
  let worker: JobWorker | undefined;
  const knowledge = new KnowledgeService({
    store: new KnowledgeStore(db.sql),
    index,
    embedder,
    metering,
    ledger,
    pricing: currentPricing,
    blobs,
    jobs,
    outbox,
    crawlDeps: overrides.crawlDeps,
    settings: {
      extractLimits: { ...DEFAULT_EXTRACT_LIMITS, maxBytes: config.uploadLimitBytes },
      crawlLimits: {
        maxPages: config.knowledge.crawl.maxPages,
        maxDepth: config.knowledge.crawl.maxDepth,
        maxBytesPerPage: 5 << 20,
        maxTotalBytes: 200 << 20,
        timeoutMs: config.knowledge.crawl.requestTimeoutMs,
        maxDurationMs: config.knowledge.crawl.maxDurationMs,
      },
      inlineMaxChunks: config.knowledge.inlineMaxChunks,
      holdTtlMs: config.holdTtlMs,
    },
    onQueued: () => worker?.poke(),
  });
  const handlers = knowledge.jobHandlers();
  // Auto top-up: a spend below the threshold claims an attempt and queues its charge (see payments/auto-topup).
  const stripe = createStripeClient(config.stripe);
  const autoTopups = new AutoTopupStore(db.sql);
  const savedCards = new SavedCards({ store: autoTopups, stripe, log: app.log });
  const autoTopupCharger = new AutoTopupCharger({
    sql: db.sql,
    store: autoTopups,
    cards: savedCards,
    stripe,
    fulfilment,
    outbox,
    jobs,
    onQueued: () => worker?.poke(),
    log: app.log,
  });
  fulfilment.use(autoTopupCharger);
  const reconcileAutoTopups = setInterval(() => {
    autoTopupCharger.reconcile().catch((err) => app.log.warn({ err }, "auto top-ups will be reconciled later"));
  }, 60_000);
  reconcileAutoTopups.unref();
  handlers[AUTO_TOPUP_JOB] = autoTopupCharger;
  const autoTopupWatcher = new AutoTopupWatcher({
    store: autoTopups,
    jobs,
    retryAfterMs: config.autoTopupRetryMs,
    onQueued: () => worker?.poke(),
    log: app.log,
  });
  await autoTopupWatcher.start();
  ledgerWatchers.push(autoTopupWatcher);
  if (db.dialect === "postgres") handlers[VACUUM_JOB] = vacuumHandler({ pool: db.sql.pool, index });
  worker = new JobWorker(jobs, handlers, {
    owner: instance.id,
    concurrency: config.jobs.concurrency,
    leaseMs: config.jobs.leaseMs,
    pollMs: 1000,
    maxAttempts: 3,
    log: app.log,
  });
  // JOB_CONCURRENCY=0 makes an API-only process; another process runs the jobs.
  if (config.jobs.concurrency > 0) worker.start();
  // A change of embedding model: knowledge bases built with another one are re-embedded in the background.
  await knowledge.scheduleReembedding();

  const imageProviders = await createImageProviders(config);
  const providerAccountFailures = new ProviderAccountFailures();
  const images = new ImageService({
    store: new ImageStore(db.sql),
    blobs,
    chain: new ProviderChain(imageProviders),
    metering,
    pricing: currentPricing,
    operationTimeoutMs: config.images.operationTimeoutMs,
    onOperatorProblem: reportToOperator(app.log, metrics.providerAccountFailures, providerAccountFailures),
  });

  // The channels every committed event goes to; each feature that acts on events adds its own before the start.
  const eventChannels: EventChannel[] = [];
  events = new EventDispatcher(db.sql, eventChannels, app.log);
  const eventRetention = new EventRetention(db.sql, config.eventsRetentionMs);
  const alerts = createAlerts({
    db,
    jobs,
    outbox,
    mailer: createMailer(config.mail, app.log),
    sender: { serviceName: config.mail.serviceName, publicUrl: config.publicUrl },
    defaultThresholdMc: config.balanceAlertMc,
    nudgeEvents: () => events?.nudge(),
    owner: instance.id,
    runJobs: config.jobs.concurrency > 0,
    jobLeaseMs: config.jobs.leaseMs,
    log: app.log,
  });
  ledgerWatchers.push(alerts.watcher);
  eventChannels.push(alerts.channel);
  const webhooks = createWebhooks({
    sql: db.sql,
    keys,
    settings: config.webhooks,
    owner: instance.id,
    log: app.log,
    network: overrides.webhookNetwork,
    // The owner is emailed, in the transaction that turned the endpoint off.
    onEndpointDisabled: async ({ accountId, endpointId, url }, tx) => {
      app.log.warn({ accountId, endpointId, url }, "a webhook endpoint kept failing and was turned off");
      await alerts.mail.queueEndpointDisabledMail({ accountId, url }, tx);
    },
  });
  eventChannels.push(webhooks.channel);

  const ctx: AppContext = {
    config,
    db,
    ledger,
    metering,
    licenses,
    idempotency,
    fulfilment,
    instance,
    locks,
    metrics,
    pricing,
    knowledge,
    jobs,
    blobs,
    images,
    outbox,
    events,
    mail: alerts.mail,
    autoTopups: autoTopupCharger,
  };

  const webSessions = createWebSessions({ sql: db.sql, adminToken: config.adminToken, env: config.env });
  const operatorGuesses = new FailureLimiter();
  registerAuth(app, {
    licenses,
    adminToken: config.adminToken,
    operatorGuesses,
    sessions: (request, kind) => webSessions.resolve(request, kind),
  });
  // After authentication (it needs the key), before any handler: a refused request changes and charges nothing.
  const rateLimits = new RateLimitSettings(db.sql, config.rateLimit);
  await rateLimits.load();
  rateLimits.start();
  const rateLimiter = await createRateLimiter(config.redis, (err, message) => app.log.warn({ err }, message));
  registerRateLimit(app, { limiter: rateLimiter, limits: rateLimits, byAddress: config.publicRateLimit });
  systemRoutes(app, { db, metrics, version: VERSION, paymentsConfigured: config.paymentsConfigured });
  creditsRoutes(app, {
    ledger,
    pricing,
    purchasable: config.paymentsConfigured,
    imageOffer: imageOffer(images.capabilities),
    textTokens: billableTokensOfText,
    fileTokens: async (file) => {
      const doc = await extractDocument(
        { bytes: file.bytes, filename: file.filename, contentType: file.contentType },
        { ...DEFAULT_EXTRACT_LIMITS, maxBytes: config.uploadLimitBytes },
      );
      return { tokens: billableTokens(doc), pages: doc.pages };
    },
    tokenizerName: TOKENIZER_NAME,
    accountExists: (id) => accounts.accountExists(id),
    spendLimits: new SpendLimitStore(db.sql, overrides.clock),
    hasSite: (accountId, siteId) => licenses.hasSite(accountId, siteId),
    hasKey: (accountId, keyId) => licenses.hasActiveApiKey(accountId, keyId),
    referenceNames: knowledgeReferenceNames(db.sql),
  });
  licenseRoutes(app, { licenses, accounts, ledger });
  activationRoutes(app, {
    licenses,
    codes: new ActivationCodeStore(db.sql, licenses),
    lowBalance: async (accountId) => (await alerts.settings.get(accountId)).state === "below_threshold",
  });
  siteRoutes(app, { licenses });
  rateLimitRoutes(app, { settings: rateLimits, accountExists: (id) => accounts.accountExists(id) });
  const openaiStore = new OpenAiStore(db.sql);
  const deleter = new Deleter({
    knowledge,
    images,
    idempotency,
    jobs,
    alsoPurge: [
      openaiFilesPurger(openaiStore, blobs),
      (accountId, siteId) => webhooks.purgeAccount(accountId, siteId),
      // Events quote the account's documents' titles. They are the account's, not a site's: only an account-wide
      // deletion removes them.
      async (accountId, siteId) => {
        if (!siteId) await eventRetention.deleteForAccount(accountId);
        return { files: 0, bytes: 0 };
      },
    ],
    finalize: async () => {
      if (db.dialect === "sqlite") await db.sql.lock.run(() => purgeSqliteFreePages(db.sql.db));
      else await scheduleVacuum(jobs, () => worker?.poke());
    },
  });
  knowledgeRoutes(app, { knowledge, licenses, idempotency, deleter });
  imageRoutes(app, { images, licenses, idempotency, deleter, publicUrl: config.publicUrl });
  imageAdminRoutes(app, {
    providers: images.providerNames,
    capabilities: () => images.capabilities,
    failures: providerAccountFailures,
  });
  privacyRoutes(app, { deleter });
  balanceAlertRoutes(app, { settings: alerts.settings, accountExists: (id) => accounts.accountExists(id) });
  webhookRoutes(app, { webhooks: webhooks.service });
  adminWebhookRoutes(app, { webhooks: webhooks.service, accountExists: (id) => accounts.accountExists(id) });
  await openAiRoutes(app, {
    knowledge,
    images,
    idempotency,
    licenses,
    ledger,
    metering,
    pricing: currentPricing,
    embedder,
    blobs,
    store: openaiStore,
    deleter,
    models: new ModelCatalogue({
      embedder,
      embeddingAliases: config.openaiCompat.embeddingAliases,
      imageAliases: config.openaiCompat.imageAliases,
      imagesAvailable: images.capabilities.length > 0,
    }),
    publicUrl: config.publicUrl,
    imageUrlTtlMs: config.openaiCompat.imageUrlTtlMs,
  });
  paymentsRoutes(app, {
    sql: db.sql,
    ledger,
    stripe,
    settings: config.stripe,
    pricing: currentPricing,
    fulfilment,
    publicUrl: config.publicUrl,
    customerOf: (accountId) => savedCards.customerOf(accountId),
  });
  autoTopupRoutes(app, {
    store: autoTopups,
    cards: savedCards,
    watcher: autoTopupWatcher,
    pricing: currentPricing,
    paymentsConfigured: config.paymentsConfigured,
    publicUrl: config.publicUrl,
    accountExists: (id) => accounts.accountExists(id),
  });
  await webRoutes(app, {
    pricing: currentPricing,
    purchasable: config.paymentsConfigured,
    imageOffer: imageOffer(images.capabilities),
    tokenizer: TOKENIZER_NAME,
    licenses,
    web: webSessions,
    adminToken: config.adminToken,
    operatorGuesses,
  });

  events.start();
  alerts.start();
  webhooks.sender.start();

  const expireEvents = () =>
    eventRetention.deleteExpired().catch((err) => app.log.error({ err }, "old events cleanup failed"));
  let expiringEvents = expireEvents();
  const cleanup = setInterval(() => {
    idempotency.deleteExpired().catch((err) => app.log.error({ err }, "expired replies cleanup failed"));
    expiringEvents = expireEvents();
  }, 3600_000);
  cleanup.unref();

  let closed = false;
  return {
    app,
    ctx,
    async listen() {
      return app.listen({ port: config.port, host: config.host });
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(cleanup);
      await expiringEvents;
      sweeper.stop();
      autoTopupWatcher.stop();
      clearInterval(reconcileAutoTopups);
      await events.stop();
      await alerts.stop();
      await webhooks.sender.stop();
      pricing.stop();
      metering.stop();
      idempotency.stop();
      rateLimits.stop();
      await app.close();
      await rateLimiter.close();
      await worker?.stop();
      await embedder.close?.();
      for (const p of imageProviders) await (p as { close?: () => Promise<void> }).close?.();
      blobs.close?.();
      await index.close?.();
      await ledger.close();
      await instance.stop();
      await db.close();
      unlock();
    },
  };
}

/** The embedder EMBEDDING_PROVIDER names; a missing or invalid variable stops start-up with its name. */
function createConfiguredEmbedder(config: Config): Embedder {
  try {
    return createEmbedder({ ...config.raw, EMBEDDING_PROVIDER: config.embeddingProvider });
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  ${(error as Error).message}`);
  }
}

/**
 * The offline model is weak (keyword search carries retrieval, the dense signal only breaks ties); a hosted or
 * operator-provided model earns more weight in hybrid fusion.
 */
async function createSearchIndex(db: Database, embedder: Embedder, keys: KeyStore): Promise<SearchIndex> {
  const fusion = embedder.id.startsWith("local:") ? LOCAL_MODEL_FUSION : HOSTED_MODEL_FUSION;
  if (db.dialect === "sqlite") return new SqliteSearchIndex(db.sql, { fusion });
  const index = new PostgresSearchIndex(db.sql.pool, { keys, hybrid: { fusion } });
  await index.init();
  return index;
}

/** IMAGE_PROVIDER, then IMAGE_FALLBACK_PROVIDER, then the offline engine (unless IMAGE_LOCAL_ENGINE=false). */
async function createImageProviders(config: Config): Promise<ImageProvider[]> {
  const names = [config.imageProvider, config.images.fallbackProvider];
  if (config.images.localEngine) names.push("local");
  const unique = [...new Set(names.filter((n): n is Config["imageProvider"] => n !== undefined))];
  const providers: ImageProvider[] = [];
  for (const name of unique) {
    try {
      providers.push(await loadImageProvider(name, config.raw));
    } catch (error) {
      throw new ConfigError(`invalid configuration:\n  ${(error as Error).message}`);
    }
  }
  return providers;
}
