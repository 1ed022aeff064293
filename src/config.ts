import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import {
  DatabaseEnv,
  KnowledgeEnv,
  MailEnv,
  OpenAiCompatEnv,
  PaymentsEnv,
  ProcessEnv,
  ProvidersEnv,
  RateLimitEnv,
  ServiceEnv,
  WebhooksEnv,
} from "./config-env.js";
import { creditsToMc, DEFAULT_PRICING, PricingSchema } from "./credits/pricing.js";
import type { RateLimit } from "./http/rate-limit/limiter.js";
import { parseDuration, parseDurations } from "./lib/durations.js";

/** Environment variables the service reads, each documented in docs/configuration.md (the areas: config-env.ts). */
const EnvSchema = z.object({
  ...ProcessEnv.shape,
  ...DatabaseEnv.shape,
  ...ServiceEnv.shape,
  ...RateLimitEnv.shape,
  ...PaymentsEnv.shape,
  ...KnowledgeEnv.shape,
  ...ProvidersEnv.shape,
  ...OpenAiCompatEnv.shape,
  ...MailEnv.shape,
  ...WebhooksEnv.shape,
});

const aliasList = (name: string, value: string): string[] => {
  const names = value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
  for (const n of names)
    if (!/^[A-Za-z0-9._:-]{1,100}$/.test(n))
      throw new ConfigError(`invalid configuration:\n  ${name}: "${n}" is not a model name (letters, digits, . _ : -)`);
  return names;
};

export type Env = z.infer<typeof EnvSchema>;

/** 0 requests per second: not limited. The burst defaults to one second's worth (at least 1). */
const rateOf = (rps: number, burst: number): RateLimit | undefined =>
  rps > 0 ? { rps, burst: burst || Math.max(1, Math.ceil(rps)) } : undefined;

/** Operator settings that live in the optional JSON file named by CONFIG_FILE. */
const FileSchema = z.object({ pricing: PricingSchema.optional() }).strict();

export interface Config {
  env: Env["NODE_ENV"];
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  databaseSchema?: string;
  databasePoolSize: number;
  /** How bulk loads (a re-embedding, a large background upload) build pgvector's HNSW index after their rows: the
   * least chunks, the build's memory and parallel workers (docs/postgres.md). */
  pgvectorBulk: { minChunks: number; memory: string; workers: number };
  adminToken?: string;
  publicUrl: string;
  logLevel: Env["LOG_LEVEL"];
  /** `auto`: readable lines when stdout is a terminal, JSON lines otherwise. */
  logFormat: Env["LOG_FORMAT"];
  trustProxy: boolean;
  tls?: { certFile: string; keyFile: string };
  bodyLimitBytes: number;
  uploadLimitBytes: number;
  holdTtlMs: number;
  /** How long a request with an Idempotency-Key keeps its claim before a retry may take it over. */
  idempotencyLeaseMs: number;
  /** A process whose heartbeat is older than this is dead; its request holds are released (PostgreSQL). */
  instanceStaleMs: number;
  pricing: z.infer<typeof PricingSchema>;
  stripe: { secretKey?: string; webhookSecret?: string; apiBase?: string };
  /** Whether customers can buy: Checkout needs the secret key and fulfilment the webhook secret. */
  paymentsConfigured: boolean;
  /** After a failed auto top-up, spending below the threshold tries the card again no sooner than this. */
  autoTopupRetryMs: number;
  knowledge: {
    inlineMaxChunks: number;
    crawl: { maxPages: number; maxDepth: number; requestTimeoutMs: number; maxDurationMs: number };
  };
  jobs: { concurrency: number; leaseMs: number };
  imageProvider: Env["IMAGE_PROVIDER"];
  images: {
    fallbackProvider?: Env["IMAGE_PROVIDER"];
    /** The offline engine serves what it can (upscale, object removal) when the providers above cannot. */
    localEngine: boolean;
    operationTimeoutMs: number;
  };
  embeddingProvider: Env["EMBEDDING_PROVIDER"];
  /** The OpenAI-compatible API (`/openai/v1`): OpenAI's model names this deployment answers to, and image URLs' life. */
  openaiCompat: { embeddingAliases: string[]; imageAliases: string[]; imageUrlTtlMs: number };
  /** Outgoing email: off (logged once at start-up) without SMTP_URL. */
  mail: { smtpUrl?: string; from?: string; serviceName: string };
  /** The operator's default low-balance threshold in millicredits (0: no alert unless the customer sets one). */
  balanceAlertMc: number;
  /** Shared state across processes (request rate limits); without a URL each process keeps its own. */
  redis: { url?: string; keyPrefix: string };
  /** The request rate every customer key is held to unless the operator overrides it; undefined: not limited. */
  rateLimit?: RateLimit;
  /** The rate each client address is held to on the public API routes; undefined: not limited. */
  publicRateLimit?: RateLimit;
  /** Outgoing webhooks: the address policy, the attempt timeout, the waits between attempts, when to turn off. */
  webhooks: {
    allowPrivateUrls: boolean;
    timeoutMs: number;
    retrySchedule: number[];
    disableAfterMs: number;
    concurrency: number;
  };
  /** How long a dispatched account event stays in the outbox (`events`) before the periodic cleanup deletes it. */
  eventsRetentionMs: number;
  /** The raw environment, for adapters that read their own variable group. */
  raw: Record<string, string | undefined>;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment (and CONFIG_FILE) once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(environment)"}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  if (Boolean(env.TLS_CERT_FILE) !== Boolean(env.TLS_KEY_FILE))
    throw new ConfigError("invalid configuration:\n  TLS_CERT_FILE and TLS_KEY_FILE must be set together");
  if (env.SMTP_URL && !env.MAIL_FROM)
    throw new ConfigError("invalid configuration:\n  MAIL_FROM: set the sender address when SMTP_URL is set");

  for (const [burst, rps] of [
    ["RATE_LIMIT_BURST", "RATE_LIMIT_RPS"],
    ["RATE_LIMIT_PUBLIC_BURST", "RATE_LIMIT_PUBLIC_RPS"],
  ] as const)
    if (env[burst] > 0 && env[rps] === 0)
      throw new ConfigError(`invalid configuration:\n  ${burst} needs ${rps} (requests per second) too`);

  let file: z.infer<typeof FileSchema> = {};
  if (env.CONFIG_FILE) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(env.CONFIG_FILE, "utf8"));
    } catch (error) {
      throw new ConfigError(`CONFIG_FILE ${env.CONFIG_FILE}: ${(error as Error).message}`);
    }
    const result = FileSchema.safeParse(json);
    if (!result.success) {
      const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
      throw new ConfigError(`CONFIG_FILE ${env.CONFIG_FILE} is invalid:\n${lines.join("\n")}`);
    }
    file = result.data;
  }

  const scheme = env.TLS_CERT_FILE ? "https" : "http";
  const localHost = env.HOST === "0.0.0.0" || env.HOST === "::" ? "localhost" : env.HOST;
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    dataDir: path.resolve(env.DATA_DIR),
    databaseUrl: env.DATABASE_URL,
    databaseSchema: env.DATABASE_SCHEMA,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    pgvectorBulk: {
      minChunks: env.PGVECTOR_BULK_MIN_CHUNKS,
      memory: env.PGVECTOR_BUILD_MEMORY,
      workers: env.PGVECTOR_BUILD_WORKERS,
    },
    adminToken: env.ADMIN_TOKEN,
    publicUrl: (env.PUBLIC_URL ?? `${scheme}://${localHost}:${env.PORT}`).replace(/\/+$/, ""),
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    trustProxy: env.TRUST_PROXY,
    tls: env.TLS_CERT_FILE && env.TLS_KEY_FILE ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE } : undefined,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    uploadLimitBytes: env.UPLOAD_LIMIT_BYTES,
    holdTtlMs: env.HOLD_TTL_SECONDS * 1000,
    idempotencyLeaseMs: env.IDEMPOTENCY_LEASE_SECONDS * 1000,
    instanceStaleMs: env.INSTANCE_STALE_SECONDS * 1000,
    pricing: file.pricing ?? DEFAULT_PRICING,
    paymentsConfigured: Boolean(env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET),
    autoTopupRetryMs: env.AUTO_TOPUP_RETRY_SECONDS * 1000,
    stripe: {
      secretKey: env.STRIPE_SECRET_KEY,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET,
      apiBase: env.STRIPE_API_BASE,
    },
    knowledge: {
      inlineMaxChunks: env.KNOWLEDGE_INLINE_MAX_CHUNKS,
      crawl: {
        maxPages: env.CRAWL_MAX_PAGES,
        maxDepth: env.CRAWL_MAX_DEPTH,
        requestTimeoutMs: env.CRAWL_REQUEST_TIMEOUT_SECONDS * 1000,
        maxDurationMs: env.CRAWL_MAX_SECONDS * 1000,
      },
    },
    jobs: { concurrency: env.JOB_CONCURRENCY, leaseMs: env.JOB_LEASE_SECONDS * 1000 },
    imageProvider: env.IMAGE_PROVIDER,
    images: {
      fallbackProvider: env.IMAGE_FALLBACK_PROVIDER,
      localEngine: env.IMAGE_LOCAL_ENGINE,
      operationTimeoutMs: env.IMAGE_OPERATION_TIMEOUT_SECONDS * 1000,
    },
    embeddingProvider: env.EMBEDDING_PROVIDER,
    openaiCompat: {
      embeddingAliases: aliasList("OPENAI_COMPAT_EMBEDDING_ALIASES", env.OPENAI_COMPAT_EMBEDDING_ALIASES),
      imageAliases: aliasList("OPENAI_COMPAT_IMAGE_ALIASES", env.OPENAI_COMPAT_IMAGE_ALIASES),
      imageUrlTtlMs: env.OPENAI_COMPAT_IMAGE_URL_TTL_SECONDS * 1000,
    },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, serviceName: env.SERVICE_NAME },
    balanceAlertMc: creditsToMc(env.BALANCE_ALERT_CREDITS),
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
    rateLimit: rateOf(env.RATE_LIMIT_RPS, env.RATE_LIMIT_BURST),
    publicRateLimit: rateOf(env.RATE_LIMIT_PUBLIC_RPS, env.RATE_LIMIT_PUBLIC_BURST),
    webhooks: webhookSettings(env),
    eventsRetentionMs: env.EVENTS_RETENTION_DAYS * 24 * 3600_000,
    raw: { ...source },
  };
}

function webhookSettings(env: Env): Config["webhooks"] {
  let retrySchedule: number[];
  try {
    retrySchedule = parseDurations(env.WEBHOOKS_RETRY_SCHEDULE);
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  WEBHOOKS_RETRY_SCHEDULE: ${(error as Error).message}`);
  }
  const disableAfterMs = parseDuration(env.WEBHOOKS_DISABLE_AFTER);
  if (disableAfterMs === undefined)
    throw new ConfigError(
      `invalid configuration:\n  WEBHOOKS_DISABLE_AFTER: "${env.WEBHOOKS_DISABLE_AFTER}" is not a duration (e.g. 3d, 12h)`,
    );
  return {
    allowPrivateUrls: env.WEBHOOKS_ALLOW_PRIVATE_URLS,
    timeoutMs: env.WEBHOOKS_TIMEOUT_SECONDS * 1000,
    retrySchedule,
    disableAfterMs,
    concurrency: env.WEBHOOKS_CONCURRENCY,
  };
}
