import { ApiError } from "../../errors.js";
import { readServiceAccountKey, ServiceAccountTokens } from "../../lib/google-auth.js";
import { providerFetch, readJson } from "../../lib/provider-http.js";
import { countTokens, decodeTokens, encodeTokens } from "../tokens.js";
import type { Embedder } from "./embedder.js";
import { checkedUnitVector, mapLimited, packBatches, throwIfAborted } from "./vectors.js";

export const DEFAULT_GOOGLE_MODEL = "gemini-embedding-001";
const NATIVE_DIMENSIONS: Record<string, number> = {
  "gemini-embedding-001": 3072,
  "text-embedding-005": 768,
  "text-embedding-004": 768,
  "text-multilingual-embedding-002": 768,
};
/**
 * gemini-embedding-001 is cut to 768 unless configured: Google measures it within 0.2 points of 3,072 on MTEB, a
 * quarter of the storage, and pgvector's HNSW index stops at 2,000 dimensions.
 */
const DEFAULT_DIMENSIONS: Record<string, number> = { "gemini-embedding-001": 768 };
/** Both APIs read at most 2,048 tokens of an input. Counted with our o200k_base as an estimate of Google's own. */
const MAX_INPUT_TOKENS = 2048;

export interface GoogleEmbedderCommon {
  /** GOOGLE_EMBEDDING_MODEL: gemini-embedding-001 (default), text-embedding-005, text-multilingual-embedding-002. */
  model?: string;
  /** Sent as `outputDimensionality`. Reduced gemini-embedding vectors are not unit length: they are normalised here. */
  dimensions?: number;
  concurrency?: number;
  attempts?: number;
  timeoutMs?: number;
  backoffMs?: number;
}

interface Prepared {
  text: string;
  tokens: number;
}

/** Width, id and input preparation shared by the Vertex AI and Gemini API adapters. */
abstract class GoogleEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  protected readonly model: string;

  constructor(
    protected readonly provider: "vertex" | "gemini",
    protected readonly common: GoogleEmbedderCommon,
  ) {
    this.model = common.model ?? DEFAULT_GOOGLE_MODEL;
    const dimensions = common.dimensions ?? DEFAULT_DIMENSIONS[this.model] ?? NATIVE_DIMENSIONS[this.model];
    if (!dimensions) throw new Error(`GOOGLE_EMBEDDING_DIMENSIONS is needed for the model ${this.model}`);
    this.dimensions = dimensions;
    this.id = `${provider}:${this.model}@${dimensions}`;
  }

  async embed(texts: string[], kind: "document" | "query", signal?: AbortSignal): Promise<Float32Array[]> {
    throwIfAborted(signal);
    if (texts.length === 0) return [];
    const inputs = texts.map(prepare);
    const taskType = kind === "query" ? "RETRIEVAL_QUERY" : "RETRIEVAL_DOCUMENT";
    const batches = packBatches(inputs, this.limits(), (i) => i.tokens);
    try {
      const results = await mapLimited(batches, this.concurrency(), (batch) =>
        this.request(
          batch.items.map((i) => i.text),
          taskType,
          signal,
        ),
      );
      return results.flat().map((values) => checkedUnitVector(values, this.dimensions, this.provider));
    } catch (error) {
      throwIfAborted(signal);
      throw error;
    }
  }

  protected abstract limits(): { maxItems: number; maxCost: number };
  protected abstract concurrency(): number;
  protected abstract request(texts: string[], taskType: string, signal?: AbortSignal): Promise<unknown[]>;

  protected fetchOptions(signal?: AbortSignal) {
    const { attempts, timeoutMs, backoffMs } = this.common;
    return { provider: this.provider, signal, attempts, timeoutMs, backoffMs };
  }
}

function prepare(text: string): Prepared {
  if (text.length === 0) return { text: " ", tokens: 1 };
  // Cheap bound first: no token is shorter than one character.
  if (text.length <= MAX_INPUT_TOKENS) return { text, tokens: countTokens(text) };
  const tokens = encodeTokens(text);
  if (tokens.length <= MAX_INPUT_TOKENS) return { text, tokens: tokens.length };
  return { text: decodeTokens(tokens.slice(0, MAX_INPUT_TOKENS)), tokens: MAX_INPUT_TOKENS };
}

export interface VertexEmbedderOptions extends GoogleEmbedderCommon {
  /** Path of a service-account JSON key (GOOGLE_APPLICATION_CREDENTIALS). */
  keyFile: string;
  /** GOOGLE_CLOUD_PROJECT; default the key's project_id. */
  project?: string;
  /** GOOGLE_CLOUD_LOCATION, default us-central1. */
  location?: string;
  /** VERTEX_BASE_URL; `{location}` in it is replaced. Default https://{location}-aiplatform.googleapis.com. */
  baseUrl?: string;
}

/** Vertex AI `…/publishers/google/models/{model}:predict`, authenticated as a service account. */
export class VertexEmbedder extends GoogleEmbedder {
  private readonly url: string;
  private readonly tokens: ServiceAccountTokens;

  constructor(options: VertexEmbedderOptions) {
    super("vertex", options);
    const key = readServiceAccountKey(options.keyFile);
    const project = options.project ?? key.project_id;
    if (!project) throw new Error("GOOGLE_CLOUD_PROJECT is needed: the key file names no project_id");
    const location = options.location ?? "us-central1";
    const base = (
      options.baseUrl?.replaceAll("{location}", location) ??
      (location === "global" ? "https://aiplatform.googleapis.com" : `https://${location}-aiplatform.googleapis.com`)
    ).replace(/\/+$/, "");
    const where = `projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}`;
    this.url = `${base}/v1/${where}/publishers/google/models/${encodeURIComponent(this.model)}:predict`;
    this.tokens = new ServiceAccountTokens(key, options.timeoutMs);
  }

  /** gemini-embedding models take one instance per request; the others 250 instances and 20,000 tokens. */
  protected limits() {
    if (this.model.startsWith("gemini-embedding")) return { maxItems: 1, maxCost: Number.POSITIVE_INFINITY };
    // A quarter below Google's 20,000 because our token count only estimates Google's.
    return { maxItems: 250, maxCost: 15_000 };
  }

  protected concurrency() {
    return this.common.concurrency ?? (this.model.startsWith("gemini-embedding") ? 4 : 2);
  }

  protected async request(texts: string[], taskType: string, signal?: AbortSignal): Promise<unknown[]> {
    const body = {
      instances: texts.map((content) => ({ content, task_type: taskType })),
      parameters: { autoTruncate: true, outputDimensionality: this.dimensions },
    };
    const authorization = await this.tokens.authorization(this.provider);
    const res = await providerFetch(
      this.url,
      {
        method: "POST",
        headers: { authorization, "content-type": "application/json" },
        body: JSON.stringify(body),
      },
      this.fetchOptions(signal),
    );
    if (!res.ok) throw await googleError(this.provider, res);
    const json = await readJson<{ predictions?: { embeddings?: { values?: unknown } }[] }>(res, this.provider);
    const predictions = json?.predictions;
    if (!Array.isArray(predictions) || predictions.length !== texts.length) {
      throw new ApiError(
        "PROVIDER_ERROR",
        `${this.provider} returned ${predictions?.length ?? "no"} predictions for ${texts.length} instances`,
      );
    }
    return predictions.map((p) => p?.embeddings?.values);
  }
}

export interface GeminiEmbedderOptions extends GoogleEmbedderCommon {
  /** GEMINI_API_KEY, sent as `x-goog-api-key`. */
  apiKey: string;
  /** GEMINI_BASE_URL, default https://generativelanguage.googleapis.com. */
  baseUrl?: string;
}

/** The Gemini API's `models/{model}:batchEmbedContents`, authenticated with an API key. */
export class GeminiEmbedder extends GoogleEmbedder {
  private readonly url: string;

  constructor(private readonly options: GeminiEmbedderOptions) {
    super("gemini", options);
    const base = (options.baseUrl ?? "https://generativelanguage.googleapis.com").replace(/\/+$/, "");
    this.url = `${base}/v1beta/models/${encodeURIComponent(this.model)}:batchEmbedContents`;
  }

  /** The API refuses more than 100 requests in one batch. */
  protected limits() {
    return { maxItems: 100, maxCost: Number.POSITIVE_INFINITY };
  }

  protected concurrency() {
    return this.common.concurrency ?? 2;
  }

  protected async request(texts: string[], taskType: string, signal?: AbortSignal): Promise<unknown[]> {
    const body = {
      requests: texts.map((text) => ({
        model: `models/${this.model}`,
        content: { parts: [{ text }] },
        taskType,
        outputDimensionality: this.dimensions,
      })),
    };
    const res = await providerFetch(
      this.url,
      {
        method: "POST",
        headers: { "x-goog-api-key": this.options.apiKey, "content-type": "application/json" },
        body: JSON.stringify(body),
      },
      this.fetchOptions(signal),
    );
    if (!res.ok) throw await googleError(this.provider, res);
    const json = await readJson<{ embeddings?: { values?: unknown }[] }>(res, this.provider);
    if (!Array.isArray(json?.embeddings) || json.embeddings.length !== texts.length) {
      throw new ApiError(
        "PROVIDER_ERROR",
        `${this.provider} returned ${json?.embeddings?.length ?? "no"} embeddings for ${texts.length} inputs`,
      );
    }
    return json.embeddings.map((e) => e?.values);
  }
}

/** Google's `{error: {code, message, status}}` as an ApiError; 4xx other than 429 are not retried. */
async function googleError(provider: string, res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  let message = text.slice(0, 300);
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string; status?: string } };
    if (parsed.error?.message) message = `${parsed.error.status ?? res.status}: ${parsed.error.message}`;
  } catch {
    // not JSON: keep the raw text
  }
  return new ApiError("PROVIDER_ERROR", `${provider} answered ${res.status}: ${message}`, {
    upstreamStatus: res.status,
  });
}
