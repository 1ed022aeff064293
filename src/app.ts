import type { Config } from "./config.js";
import { createLedger } from "./credits/create-ledger.js";
import { HoldSweeper, requestHoldOwner } from "./credits/hold-sweeper.js";
import type { Ledger } from "./credits/ledger.js";
import { Metering } from "./credits/metering.js";
import { creditsRoutes } from "./credits/routes.js";
import { Instance } from "./db/instances.js";
import { NamedLocks } from "./db/locks.js";
import { ALL_MIGRATIONS } from "./db/migrations.js";
import { type Database, openDatabase } from "./db/open.js";
import { registerAuth } from "./http/auth.js";
import { IdempotencyStore } from "./http/idempotency.js";
import { createMetrics, type Metrics } from "./http/metrics.js";
import { type App, createServer } from "./http/server.js";
import { systemRoutes } from "./http/system-routes.js";
import { countTokens, TOKENIZER_NAME } from "./knowledge/tokens.js";
import { PACKAGE_VERSION as VERSION } from "./lib/package-root.js";
import { licenseRoutes } from "./licenses/routes.js";
import { LicenseStore } from "./licenses/store.js";
import { Fulfilment } from "./payments/fulfilment.js";
import { paymentsRoutes } from "./payments/routes.js";
import { createStripeClient } from "./payments/stripe.js";

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
}

export interface RunningApp {
  app: App;
  ctx: AppContext;
  /** Listens on config.port (0 picks a free port) and returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createApp(config: Config): Promise<RunningApp> {
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
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    tls: config.tls,
    publicUrl: config.publicUrl,
    version: VERSION,
    metrics,
  });

  const ledger = createLedger(db);
  const instance = new Instance(db, {
    heartbeatMs: Math.min(5_000, config.instanceStaleMs / 3),
    staleMs: config.instanceStaleMs,
  });
  await instance.start();
  const metering = new Metering(ledger, {
    holdTtlMs: config.holdTtlMs,
    owner: requestHoldOwner(instance.id),
    onCharged: (operation, mc) => metrics.creditsSpent.inc({ operation }, mc),
  });
  const licenses = new LicenseStore(db.sql);
  const idempotency = new IdempotencyStore(db.sql);
  const locks = new NamedLocks(db);
  const fulfilment = new Fulfilment({ sql: db.sql, ledger, locks, pricing: config.pricing, metrics, log: app.log });
  const sweeper = new HoldSweeper(ledger, instance, app.log, Math.min(10_000, config.instanceStaleMs / 2));
  await sweeper.sweep();
  sweeper.start();

  const ctx: AppContext = { config, db, ledger, metering, licenses, idempotency, fulfilment, instance, locks, metrics };

  registerAuth(app, { licenses, adminToken: config.adminToken });
  systemRoutes(app, { db, metrics, version: VERSION });
  creditsRoutes(app, {
    ledger,
    pricing: config.pricing,
    countTokens,
    tokenizerName: TOKENIZER_NAME,
    accountExists: (id) => licenses.accountExists(id),
  });
  licenseRoutes(app, { licenses, ledger });
  paymentsRoutes(app, {
    sql: db.sql,
    ledger,
    stripe: createStripeClient(config.stripe),
    settings: config.stripe,
    pricing: config.pricing,
    fulfilment,
    publicUrl: config.publicUrl,
  });

  const cleanup = setInterval(() => {
    idempotency.deleteExpired().catch((err) => app.log.error({ err }, "expired replies cleanup failed"));
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
      sweeper.stop();
      await app.close();
      await ledger.close();
      await instance.stop();
      await db.close();
    },
  };
}
