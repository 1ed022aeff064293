import { ApiError } from "../../errors.js";
import { providerFetch, readJson } from "../../lib/provider-http.js";
import type { Embedder } from "./embedder.js";
import { checkedUnitVector, decodeBase64Floats, mapLimited, packBatches, throwIfAborted } from "./vectors.js";

const PROVIDER = "openai";
/** The native widths of OpenAI's embedding models; any other model needs OPENAI_EMBEDDING_DIMENSIONS. */
const NATIVE_DIMENSIONS: Record<string, number> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "text-embedding-ada-002": 1536,
};
/** API limits: 2,048 inputs and 300,000 tokens per request, 8,191 tokens per input. */
const MAX_INPUTS = 2048;
const MAX_REQUEST_TOKENS = 300_000;
const MAX_INPUT_TOKENS = 8191;

export interface OpenAIEmbedderOptions {
  apiKey: string;
  /** OPENAI_BASE_URL, default https://api.openai.com/v1 (gateways and compatible servers work too). */
  baseUrl?: string;
  model?: string;
  /** Sent as `dimensions` (text-embedding-3 models shorten their vectors); unset, the model's native width. */
  dimensions?: number;
  /** `base64` (default) is a quarter of the JSON; `float` for compatible servers that lack it. */
  encoding?: "base64" | "float";
  /** Requests in flight at once for one `embed` call. */
  concurrency?: number;
  attempts?: number;
  timeoutMs?: number;
  backoffMs?: number;
}

interface EmbeddingsResponse {
  data?: { index?: unknown; embedding?: unknown }[];
}

type Tokenizer = typeof import("gpt-tokenizer/encoding/cl100k_base");
let tokenizer: Promise<Tokenizer> | undefined;
// OpenAI's embedding models count with cl100k_base. The service's own o200k_base (src/knowledge/tokens.ts) counts
// up to 3.6× fewer tokens on Hindi, 2.7× on Arabic (measured), so it cannot enforce this API's limits.
const loadTokenizer = () => (tokenizer ??= import("gpt-tokenizer/encoding/cl100k_base"));
const PLAIN = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };

/** OpenAI's `POST /embeddings` (and compatible servers). */
export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private readonly url: string;
  private readonly model: string;

  constructor(private readonly options: OpenAIEmbedderOptions) {
    this.model = options.model ?? "text-embedding-3-small";
    const dimensions = options.dimensions ?? NATIVE_DIMENSIONS[this.model];
    if (!dimensions) throw new Error(`OPENAI_EMBEDDING_DIMENSIONS is needed for the model ${this.model}`);
    this.dimensions = dimensions;
    this.id = `openai:${this.model}@${dimensions}`;
    this.url = `${(options.baseUrl ?? "https://api.openai.com/v1").replace(/\/+$/, "")}/embeddings`;
  }

  async embed(texts: string[], _kind: "document" | "query", signal?: AbortSignal): Promise<Float32Array[]> {
    throwIfAborted(signal);
    if (texts.length === 0) return [];
    const { countTokens, decode, encode } = await loadTokenizer();
    const inputs = texts.map((text) => {
      // The API refuses an empty string; a lone space embeds as "nothing".
      if (text.length === 0) return { text: " ", tokens: 1 };
      const tokens = countTokens(text, PLAIN);
      if (tokens <= MAX_INPUT_TOKENS) return { text, tokens };
      // Cutting at a token boundary can split a character; re-check and cut shorter until it fits.
      let ids = encode(text, PLAIN).slice(0, MAX_INPUT_TOKENS);
      let cut = decode(ids);
      while (countTokens(cut, PLAIN) > MAX_INPUT_TOKENS) {
        ids = ids.slice(0, -8);
        cut = decode(ids);
      }
      return { text: cut, tokens: countTokens(cut, PLAIN) };
    });
    const batches = packBatches(inputs, { maxItems: MAX_INPUTS, maxCost: MAX_REQUEST_TOKENS }, (i) => i.tokens);
    try {
      const results = await mapLimited(batches, this.options.concurrency ?? 2, (batch) =>
        this.request(
          batch.items.map((i) => i.text),
          signal,
        ),
      );
      return results.flat();
    } catch (error) {
      throwIfAborted(signal);
      throw error;
    }
  }

  private async request(input: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const encoding = this.options.encoding ?? "base64";
    const body = {
      model: this.model,
      input,
      encoding_format: encoding,
      ...(this.options.dimensions !== undefined ? { dimensions: this.options.dimensions } : {}),
    };
    const res = await providerFetch(
      this.url,
      {
        method: "POST",
        headers: { authorization: `Bearer ${this.options.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      },
      {
        provider: PROVIDER,
        signal,
        attempts: this.options.attempts,
        timeoutMs: this.options.timeoutMs,
        backoffMs: this.options.backoffMs,
      },
    );
    if (!res.ok) throw await openaiError(res);
    const json = await readJson<EmbeddingsResponse>(res, PROVIDER);
    if (!Array.isArray(json?.data) || json.data.length !== input.length) {
      throw new ApiError(
        "PROVIDER_ERROR",
        `${PROVIDER} returned ${json?.data?.length ?? "no"} embeddings for ${input.length} inputs`,
      );
    }
    const vectors = new Array<Float32Array | undefined>(input.length);
    for (const item of json.data) {
      const index = item?.index;
      if (
        typeof index !== "number" ||
        !Number.isInteger(index) ||
        index < 0 ||
        index >= input.length ||
        vectors[index]
      ) {
        throw new ApiError("PROVIDER_ERROR", `${PROVIDER} returned an embedding with a missing or repeated index`);
      }
      // A compatible server may ignore encoding_format and send floats anyway: accept what arrived.
      const raw = typeof item.embedding === "string" ? decodeBase64Floats(item.embedding, PROVIDER) : item.embedding;
      vectors[index] = checkedUnitVector(raw, this.dimensions, PROVIDER);
    }
    return vectors as Float32Array[];
  }
}

/** OpenAI's `{error: {message, type, code}}` as an ApiError; 4xx other than 429 are not retried. */
async function openaiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  let message = text.slice(0, 300);
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } };
    if (parsed.error?.message) message = parsed.error.message;
  } catch {
    // not JSON: keep the raw text
  }
  const hint = res.status === 401 ? " (check OPENAI_API_KEY)" : "";
  return new ApiError("PROVIDER_ERROR", `${PROVIDER} answered ${res.status}${hint}: ${message}`, {
    upstreamStatus: res.status,
  });
}
