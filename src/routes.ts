import { balanceAlertRoutes } from "./alerts/routes.js";
import type { AppContext } from "./app-context.js";
import { OperatorChangeStore } from "./audit/operator-changes.js";
import { operatorChangeRoutes } from "./audit/routes.js";
import { imageOffer } from "./credits/catalogue.js";
import { creditsRoutes } from "./credits/routes.js";
import { SpendLimitStore } from "./credits/spend-limits.js";
import { purgeSqliteFreePages } from "./db/sqlite.js";
import type { App } from "./http/server.js";
import { systemRoutes } from "./http/system-routes.js";
import { imageAdminRoutes } from "./images/admin-routes.js";
import { imageRoutes } from "./images/routes.js";
import {
  billableTokens,
  billableTokensOfText,
  DEFAULT_EXTRACT_LIMITS,
  extractDocument,
} from "./knowledge/extract/index.js";
import { knowledgeReferenceNames } from "./knowledge/reference-names.js";
import { knowledgeRoutes } from "./knowledge/routes.js";
import { TOKENIZER_NAME } from "./knowledge/tokens.js";
import { PACKAGE_VERSION as VERSION } from "./lib/package-root.js";
import { ActivationCodeStore } from "./licenses/activation-codes.js";
import { activationRoutes } from "./licenses/activation-routes.js";
import { listApiKeys } from "./licenses/api-keys.js";
import { rateLimitRoutes } from "./licenses/rate-limit-routes.js";
import { licenseRoutes } from "./licenses/routes.js";
import { siteRoutes } from "./licenses/site-routes.js";
import { scheduleVacuum } from "./maintenance.js";
import { ModelCatalogue } from "./openai/models.js";
import { openAiRoutes } from "./openai/routes.js";
import { OpenAiStore, openaiFilesPurger } from "./openai/store.js";
import { autoTopupAdminRoutes } from "./payments/auto-topup/admin-routes.js";
import { autoTopupRoutes } from "./payments/auto-topup/routes.js";
import { paymentsRoutes } from "./payments/routes.js";
import { Deleter } from "./privacy/deleter.js";
import { privacyRoutes } from "./privacy/routes.js";
import { webRoutes } from "./web/routes.js";
import { adminWebhookRoutes, webhookRoutes } from "./webhooks/index.js";

/** Every HTTP route of the service, registered once authentication and rate limits are in place (`ctx.access`). */
export async function registerRoutes(app: App, ctx: AppContext): Promise<void> {
  const {
    config,
    db,
    metrics,
    ledger,
    metering,
    pricing,
    licenses,
    accounts,
    idempotency,
    fulfilment,
    knowledge,
    jobs,
    blobs,
    embedder,
    images,
    providerAccountFailures,
    alerts,
    webhooks,
    eventRetention,
    stripe,
    autoTopups,
    clock,
  } = ctx;
  const { webSessions, operatorGuesses, rateLimits } = ctx.access;
  const currentPricing = () => pricing.current();
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
    spendLimits: new SpendLimitStore(db.sql, clock),
    hasSite: (accountId, siteId) => licenses.hasSite(accountId, siteId),
    hasKey: (accountId, keyId) => licenses.hasActiveApiKey(accountId, keyId),
    describeSubject: async (limit) => {
      if (limit.siteId) {
        const url = (await licenses.getSite(limit.siteId))?.url ?? limit.siteId;
        return `site ${url.replace(/^https?:\/\//, "").replace(/\/$/, "")}`;
      }
      if (limit.keyId) {
        const key = (await listApiKeys(db.sql, limit.accountId, null)).find((k) => k.id === limit.keyId);
        return key ? `API key “${key.name}”` : "an API key";
      }
      return "the whole account";
    },
    clock: clock ?? Date.now,
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
      else await scheduleVacuum(jobs, () => ctx.pokeJobs());
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
  operatorChangeRoutes(app, {
    changes: new OperatorChangeStore(db.sql),
    accountExists: (id) => accounts.accountExists(id),
  });
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
    customerOf: (accountId) => autoTopups.cards.customerOf(accountId),
  });
  autoTopupRoutes(app, {
    store: autoTopups.store,
    cards: autoTopups.cards,
    watcher: autoTopups.watcher,
    pricing: currentPricing,
    paymentsConfigured: config.paymentsConfigured,
    publicUrl: config.publicUrl,
    accountExists: (id) => accounts.accountExists(id),
  });
  autoTopupAdminRoutes(app, {
    store: autoTopups.store,
    watcher: autoTopups.watcher,
    paymentsConfigured: config.paymentsConfigured,
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
}
