import { mkdirSync } from "node:fs";
import path from "node:path";
import { registerAccess } from "./access.js";
import { createConfiguredEmbedder, createImageProviders, createSearchIndex } from "./adapters.js";
import { createAlerts } from "./alerts/index.js";
import type { AppContext, AppOverrides, RunningApp } from "./app-context.js";
import { type Config, ConfigError } from "./config.js";
import { createLedger } from "./credits/create-ledger.js";
import { HoldSweeper, requestHoldOwner } from "./credits/hold-sweeper.js";
import type { LedgerWatcher } from "./credits/ledger-watchers.js";
import { Metering } from "./credits/metering.js";
import { PricingSource } from "./credits/pricing-source.js";
import { spendLimitReachedEvent } from "./credits/spend-limits.js";
import { lockDataDir } from "./db/data-dir-lock.js";
import { Instance } from "./db/instances.js";
import { NamedLocks } from "./db/locks.js";
import { openDatabase } from "./db/open.js";
import { type EventChannel, EventDispatcher } from "./events/dispatcher.js";
import { Outbox } from "./events/outbox.js";
import { EventRetention } from "./events/retention.js";
import { currentPrincipal } from "./http/auth.js";
import { IdempotencyStore } from "./http/idempotency.js";
import { createMetrics } from "./http/metrics.js";
import { createServer } from "./http/server.js";
import { createImages } from "./images/index.js";
import { JobQueue } from "./jobs/queue.js";
import { JobWorker } from "./jobs/worker.js";
import { createKnowledge } from "./knowledge/index.js";
import { PACKAGE_VERSION as VERSION } from "./lib/package-root.js";
import { AccountStore } from "./licenses/accounts.js";
import { LicenseStore } from "./licenses/store.js";
import { createMailer } from "./mail/index.js";
import { VACUUM_JOB, vacuumHandler } from "./maintenance.js";
import { ALL_MIGRATIONS } from "./migrations.js";
import { createAutoTopups } from "./payments/auto-topup/index.js";
import { CheckoutStore } from "./payments/checkout-store.js";
import { Fulfilment } from "./payments/fulfilment.js";
import { createStripeClient } from "./payments/stripe.js";
import { registerRoutes } from "./routes.js";
import { createBlobStore } from "./storage/index.js";
import { LocalKeyStore } from "./storage/key-store.js";
import { createWebhooks } from "./webhooks/index.js";

export type { AppContext, AppOverrides, RunningApp };

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
  const ledger = createLedger(db, {
    clock: overrides.clock,
    // Called only once requests flow, when the outbox below exists.
    limitReached: (hit) => outbox.write(spendLimitReachedEvent(hit)),
    watchers: ledgerWatchers,
  });
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
  const index = await createSearchIndex(db, embedder, keys, config.pgvectorBulk);
  let worker: JobWorker | undefined;
  const knowledge = createKnowledge({
    sql: db.sql,
    config,
    index,
    embedder,
    metering,
    ledger,
    pricing: currentPricing,
    blobs,
    jobs,
    outbox,
    crawlDeps: overrides.crawlDeps,
    onQueued: () => worker?.poke(),
  });
  const handlers = knowledge.jobHandlers();
  // Auto top-up: a spend below the threshold claims an attempt and queues its charge (see payments/auto-topup).
  const stripe = createStripeClient(config.stripe);
  const autoTopups = await createAutoTopups({
    sql: db.sql,
    stripe,
    fulfilment,
    outbox,
    jobs,
    retryAfterMs: config.autoTopupRetryMs,
    onQueued: () => worker?.poke(),
    log: app.log,
  });
  Object.assign(handlers, autoTopups.jobHandlers);
  ledgerWatchers.push(autoTopups.watcher);
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
  const { images, providerAccountFailures } = createImages({
    sql: db.sql,
    blobs,
    providers: imageProviders,
    metering,
    pricing: currentPricing,
    operationTimeoutMs: config.images.operationTimeoutMs,
    log: app.log,
    failuresCounter: metrics.providerAccountFailures,
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
    accounts,
    idempotency,
    fulfilment,
    instance,
    locks,
    metrics,
    pricing,
    knowledge,
    embedder,
    jobs,
    pokeJobs: () => worker?.poke(),
    blobs,
    images,
    providerAccountFailures,
    outbox,
    events,
    eventRetention,
    alerts,
    webhooks,
    stripe,
    autoTopups,
    // Authentication and rate limits come before every route, so a refused request changes and charges nothing.
    access: await registerAccess(app, { config, db, licenses }),
    clock: overrides.clock,
  };
  await registerRoutes(app, ctx);

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
      autoTopups.stop();
      await events.stop();
      await alerts.stop();
      await webhooks.sender.stop();
      pricing.stop();
      metering.stop();
      idempotency.stop();
      await app.close();
      await ctx.access.close();
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
