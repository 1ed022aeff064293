import path from "node:path";
import { z } from "zod";
import type { BlobStore } from "./blob-store.js";
import { LocalBlobStore } from "./local.js";
import { S3BlobStore } from "./s3.js";

export type { BlobStore } from "./blob-store.js";
export { LocalBlobStore } from "./local.js";
export { S3BlobStore, type S3BlobStoreOptions } from "./s3.js";

/** An empty variable counts as unset, as everywhere else in the service's configuration. */
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

const KindEnv = z.object({
  BLOB_STORE: optional.pipe(z.enum(["local", "s3"]).default("local")),
});

const S3Env = z.object({
  S3_BUCKET: optional.pipe(
    z
      .string({ error: "is required when BLOB_STORE=s3" })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/, "is not a valid bucket name"),
  ),
  S3_REGION: optional.pipe(
    z
      .string()
      .regex(/^[a-z0-9-]+$/, "is not a region name")
      .default("us-east-1"),
  ),
  S3_ENDPOINT: optional.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
  S3_ACCESS_KEY_ID: optional,
  S3_SECRET_ACCESS_KEY: optional,
  S3_FORCE_PATH_STYLE: optional.pipe(bool.optional()),
  S3_PREFIX: optional
    .transform((v) => v?.replace(/^\/+|\/+$/g, "") || undefined)
    .pipe(
      z
        .string()
        .refine((v) => v.split("/").every((s) => SEGMENT.test(s) && s !== "." && s !== ".."), {
          error: "must be path segments of letters, digits, '_', '-' and '.'",
        })
        .optional(),
    ),
  S3_SSE: optional.pipe(z.enum(["AES256", "aws:kms", "aws:kms:dsse"]).optional()),
});

/** Where blobs go, chosen once at start-up from BLOB_STORE and its variables (see README.md). */
export interface BlobStoreConfig {
  dataDir: string;
  env: Record<string, string | undefined>;
}

/**
 * Builds the blob store the environment asks for: `local` (default) keeps files under DATA_DIR/blobs, `s3` uses a
 * bucket. A missing or invalid variable throws an Error naming it, so start-up stops with a clear message.
 */
export function createBlobStore({ dataDir, env }: BlobStoreConfig): BlobStore & { close?(): void } {
  const { BLOB_STORE } = parseEnv("BLOB_STORE", KindEnv, env);
  if (BLOB_STORE === "local") return new LocalBlobStore(path.join(dataDir, "blobs"));
  const s3 = parseEnv("BLOB_STORE=s3", S3Env, env, keyPairIssues(env));
  return new S3BlobStore({
    bucket: s3.S3_BUCKET,
    region: s3.S3_REGION,
    endpoint: s3.S3_ENDPOINT,
    forcePathStyle: s3.S3_FORCE_PATH_STYLE ?? s3.S3_ENDPOINT !== undefined,
    credentials:
      s3.S3_ACCESS_KEY_ID && s3.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: s3.S3_ACCESS_KEY_ID, secretAccessKey: s3.S3_SECRET_ACCESS_KEY }
        : undefined,
    prefix: s3.S3_PREFIX,
    sse: s3.S3_SSE,
  });
}

function parseEnv<S extends z.ZodType>(
  what: string,
  schema: S,
  env: Record<string, string | undefined>,
  extraIssues: string[] = [],
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success && extraIssues.length === 0) return parsed.data;
  // Only names and rules, never the values: a secret that failed validation must not reach the logs.
  const issues = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join(".") || "(environment)"}: ${i.message}`);
  const lines = [...issues, ...extraIssues].map((line) => `  ${line}`);
  throw new Error(`blob storage (${what}) is not configured correctly:\n${lines.join("\n")}`);
}

/** A static key is both halves or neither; checked apart from the schema so it is reported with the rest. */
function keyPairIssues(env: Record<string, string | undefined>): string[] {
  const id = Boolean(env.S3_ACCESS_KEY_ID?.trim());
  const secret = Boolean(env.S3_SECRET_ACCESS_KEY?.trim());
  if (id === secret) return [];
  return [`${id ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID"}: must be set together with its pair, or neither`];
}
