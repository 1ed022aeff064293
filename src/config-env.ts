import { z } from "zod";

// The environment variables the service reads, one schema per area, each variable documented in
// docs/configuration.md. config.ts assembles them in this order (the order a bad environment's errors are listed in).

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));
const url = z.url({ protocol: /^https?$/ });
const optionalUrl = optionalString.pipe(url.optional());
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const IMAGE_PROVIDERS = ["local", "google", "gemini", "openai", "stability", "automatic1111", "comfyui"] as const;

/** The process: its mode, where it listens and where it keeps its files. */
export const ProcessEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: int(0, 65535).default(8080),
  HOST: z.string().default("0.0.0.0"),
  DATA_DIR: z.string().default("./data"),
});

/** The database: SQLite in DATA_DIR unless DATABASE_URL names a PostgreSQL. */
export const DatabaseEnv = z.object({
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATABASE_SCHEMA: optionalString.pipe(
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/)
      .optional(),
  ),
  DATABASE_POOL_SIZE: int(1, 200).default(16),
  PGVECTOR_BULK_MIN_CHUNKS: int(1, 100_000_000).default(10_000),
  PGVECTOR_BUILD_MEMORY: z
    .string()
    .trim()
    .regex(/^[1-9][0-9]*\s*(kB|MB|GB|TB)$/, "a PostgreSQL memory size such as 1GB or 512MB")
    .default("1GB"),
  PGVECTOR_BUILD_WORKERS: int(0, 64).default(2),
});

/** The HTTP service: the operator settings file, the admin token, the public address, logs, TLS, request limits and
 * leases. */
export const ServiceEnv = z.object({
  CONFIG_FILE: optionalString,
  ADMIN_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  PUBLIC_URL: optionalUrl,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["auto", "json", "pretty"]).default("auto"),
  TRUST_PROXY: bool.default(false),
  TLS_CERT_FILE: optionalString,
  TLS_KEY_FILE: optionalString,
  BODY_LIMIT_BYTES: int(1024, 1 << 30).default(1 << 20),
  UPLOAD_LIMIT_BYTES: int(1024, 2 ** 31).default(64 << 20),
  HOLD_TTL_SECONDS: int(10, 7 * 24 * 3600).default(900),
  IDEMPOTENCY_LEASE_SECONDS: int(1, 24 * 3600).default(900),
  INSTANCE_STALE_SECONDS: int(2, 3600).default(30),
});

/** Request rate limits, and the Redis that shares them across processes. */
export const RateLimitEnv = z.object({
  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:._-]{0,100}$/, "letters, digits and : . _ - (at most 100)")
    .default("api-credits:"),
  RATE_LIMIT_RPS: z.coerce.number().min(0).max(1_000_000).default(0),
  RATE_LIMIT_BURST: int(0, 1_000_000).default(0),
  RATE_LIMIT_PUBLIC_RPS: z.coerce.number().min(0).max(1_000_000).default(0),
  RATE_LIMIT_PUBLIC_BURST: int(0, 1_000_000).default(0),
});

/** Stripe (Checkout and its webhook) and auto top-up. */
export const PaymentsEnv = z.object({
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_API_BASE: optionalUrl,
  AUTO_TOPUP_RETRY_SECONDS: int(0, 30 * 24 * 3600).default(3600),
});

/** Knowledge ingestion: inline work, the job worker that runs the rest, and the crawler. */
export const KnowledgeEnv = z.object({
  KNOWLEDGE_INLINE_MAX_CHUNKS: int(0, 10_000).default(24),
  JOB_CONCURRENCY: int(0, 64).default(1),
  JOB_LEASE_SECONDS: int(5, 3600).default(60),
  CRAWL_MAX_PAGES: int(1, 10_000).default(200),
  CRAWL_MAX_DEPTH: int(0, 20).default(5),
  CRAWL_REQUEST_TIMEOUT_SECONDS: int(1, 600).default(20),
  CRAWL_MAX_SECONDS: int(10, 24 * 3600).default(900),
});

/** The image and embedding providers. */
export const ProvidersEnv = z.object({
  IMAGE_PROVIDER: z.enum(IMAGE_PROVIDERS).default("local"),
  IMAGE_FALLBACK_PROVIDER: z
    .enum([...IMAGE_PROVIDERS, ""])
    .optional()
    .transform((v) => v || undefined),
  IMAGE_LOCAL_ENGINE: bool.default(true),
  IMAGE_OPERATION_TIMEOUT_SECONDS: int(5, 3600).default(300),
  EMBEDDING_PROVIDER: z.enum(["local", "onnx", "google", "gemini", "openai"]).default("local"),
});

/** The OpenAI-compatible API: the model names it answers to and how long image URLs live. */
export const OpenAiCompatEnv = z.object({
  OPENAI_COMPAT_EMBEDDING_ALIASES: z
    .string()
    .default("text-embedding-3-small,text-embedding-3-large,text-embedding-ada-002"),
  OPENAI_COMPAT_IMAGE_ALIASES: z.string().default("gpt-image-1,gpt-image-1-mini,dall-e-3,dall-e-2"),
  OPENAI_COMPAT_IMAGE_URL_TTL_SECONDS: int(60, 7 * 24 * 3600).default(3600),
});

/** Outgoing email and the default low-balance alert. */
export const MailEnv = z.object({
  SMTP_URL: optionalString.pipe(
    z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
  ),
  MAIL_FROM: optionalString,
  SERVICE_NAME: optionalString.transform((v) => v ?? "AI Credits"),
  BALANCE_ALERT_CREDITS: z.coerce.number().min(0).max(1_000_000_000).default(0),
});

/** Customers' webhooks and how long account events stay in the outbox. */
export const WebhooksEnv = z.object({
  WEBHOOKS_ALLOW_PRIVATE_URLS: bool.default(false),
  WEBHOOKS_TIMEOUT_SECONDS: int(1, 60).default(10),
  // 8 attempts over about 28 hours (the shape the Standard Webhooks guidance suggests).
  WEBHOOKS_RETRY_SCHEDULE: z.string().default("5s,5m,30m,2h,5h,10h,10h"),
  WEBHOOKS_DISABLE_AFTER: z.string().default("3d"),
  WEBHOOKS_CONCURRENCY: int(0, 256).default(16),
  EVENTS_RETENTION_DAYS: int(1, 36_500).default(30),
});
