import { z } from "zod";
import type { Embedder } from "./embedder.js";
import { GeminiEmbedder, VertexEmbedder } from "./google.js";
import { LocalEmbedder } from "./local.js";
import { OnnxEmbedder } from "./onnx.js";
import { OpenAIEmbedder } from "./openai.js";

export type { Embedder } from "./embedder.js";

// Every variable is documented in ./README.md.

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));
const required = z.string({ error: "is required" }).trim().min(1, "is required");
const positiveInt = (max: number) =>
  optional.pipe(
    z
      .string()
      .regex(/^\d+$/, "must be a whole number")
      .transform(Number)
      .pipe(z.number().min(1, "must be at least 1").max(max, `must be at most ${max}`))
      .optional(),
  );
const httpUrl = optional.pipe(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional());

const Schemas = {
  local: z.object({ LOCAL_EMBEDDING_WORKERS: positiveInt(8), EMBEDDING_QUERY_MAX_WAIT_MS: positiveInt(600_000) }),
  onnx: z.object({
    EMBEDDING_MODEL_DIR: required,
    EMBEDDING_POOLING: optional.pipe(z.enum(["mean", "cls"], { error: "must be mean or cls" }).optional()),
    EMBEDDING_QUERY_PREFIX: z.string().optional(),
    EMBEDDING_DOCUMENT_PREFIX: z.string().optional(),
    EMBEDDING_MODEL_DTYPE: optional.pipe(
      z
        .enum(["fp32", "fp16", "q8", "int8", "uint8", "q4"], { error: "must be fp32, fp16, q8, int8, uint8 or q4" })
        .optional(),
    ),
    EMBEDDING_DIMENSIONS: positiveInt(16_384),
  }),
  openai: z.object({
    OPENAI_API_KEY: required,
    OPENAI_BASE_URL: httpUrl,
    OPENAI_EMBEDDING_MODEL: optional,
    OPENAI_EMBEDDING_DIMENSIONS: positiveInt(16_384),
    OPENAI_EMBEDDING_ENCODING: optional.pipe(
      z.enum(["base64", "float"], { error: "must be base64 or float" }).optional(),
    ),
  }),
  google: z.object({
    GOOGLE_APPLICATION_CREDENTIALS: required,
    GOOGLE_CLOUD_PROJECT: optional,
    GOOGLE_CLOUD_LOCATION: optional,
    VERTEX_BASE_URL: httpUrl,
    GOOGLE_EMBEDDING_MODEL: optional,
    GOOGLE_EMBEDDING_DIMENSIONS: positiveInt(3072),
  }),
  gemini: z.object({
    GEMINI_API_KEY: required,
    GEMINI_BASE_URL: httpUrl,
    GOOGLE_EMBEDDING_MODEL: optional,
    GOOGLE_EMBEDDING_DIMENSIONS: positiveInt(3072),
  }),
} as const;

type Provider = keyof typeof Schemas;

function parse<P extends Provider>(provider: P, env: Record<string, string | undefined>): z.infer<(typeof Schemas)[P]> {
  const result = Schemas[provider].safeParse(env);
  if (result.success) return result.data as z.infer<(typeof Schemas)[P]>;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0]);
  if (issue.message === "is required") throw new Error(`EMBEDDING_PROVIDER=${provider} needs ${variable}`);
  throw new Error(`EMBEDDING_PROVIDER=${provider}: ${variable} ${issue.message} (got "${env[variable]}")`);
}

/**
 * Chooses and configures the embedding adapter from the environment (EMBEDDING_PROVIDER, default `local`). Throws an
 * Error naming the missing or invalid variable, meant to stop start-up. Nothing is loaded or contacted here.
 */
export function createEmbedder(env: Record<string, string | undefined>): Embedder {
  const provider = (env.EMBEDDING_PROVIDER?.trim() || "local") as Provider;
  if (!Object.hasOwn(Schemas, provider)) {
    throw new Error(
      `EMBEDDING_PROVIDER must be one of ${Object.keys(Schemas).join(", ")} (got "${env.EMBEDDING_PROVIDER}")`,
    );
  }
  switch (provider) {
    case "local": {
      const v = parse("local", env);
      return new LocalEmbedder({ workers: v.LOCAL_EMBEDDING_WORKERS, maxQueryWaitMs: v.EMBEDDING_QUERY_MAX_WAIT_MS });
    }
    case "onnx": {
      const v = parse("onnx", env);
      return new OnnxEmbedder({
        dir: v.EMBEDDING_MODEL_DIR,
        pooling: v.EMBEDDING_POOLING,
        queryPrefix: v.EMBEDDING_QUERY_PREFIX,
        documentPrefix: v.EMBEDDING_DOCUMENT_PREFIX,
        dtype: v.EMBEDDING_MODEL_DTYPE,
        dimensions: v.EMBEDDING_DIMENSIONS,
      });
    }
    case "openai": {
      const v = parse("openai", env);
      return new OpenAIEmbedder({
        apiKey: v.OPENAI_API_KEY,
        baseUrl: v.OPENAI_BASE_URL,
        model: v.OPENAI_EMBEDDING_MODEL,
        dimensions: v.OPENAI_EMBEDDING_DIMENSIONS,
        encoding: v.OPENAI_EMBEDDING_ENCODING,
      });
    }
    case "google": {
      const v = parse("google", env);
      return new VertexEmbedder({
        keyFile: v.GOOGLE_APPLICATION_CREDENTIALS,
        project: v.GOOGLE_CLOUD_PROJECT,
        location: v.GOOGLE_CLOUD_LOCATION,
        baseUrl: v.VERTEX_BASE_URL,
        model: v.GOOGLE_EMBEDDING_MODEL,
        dimensions: v.GOOGLE_EMBEDDING_DIMENSIONS,
      });
    }
    case "gemini": {
      const v = parse("gemini", env);
      return new GeminiEmbedder({
        apiKey: v.GEMINI_API_KEY,
        baseUrl: v.GEMINI_BASE_URL,
        model: v.GOOGLE_EMBEDDING_MODEL,
        dimensions: v.GOOGLE_EMBEDDING_DIMENSIONS,
      });
    }
  }
}
