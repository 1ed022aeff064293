import { z } from "zod";
import type { Metering } from "../credits/metering.js";
import type { Pricing } from "../credits/pricing.js";
import { embedMc } from "../credits/quotes.js";
import { ApiError } from "../errors.js";
import type { Embedder } from "../knowledge/embedders/embedder.js";
import { countTokens } from "../knowledge/tokens.js";
import type { ModelCatalogue } from "./models.js";

export const EmbeddingsBody = z.object({
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(2048),
    z.array(z.number()).min(1),
    z.array(z.array(z.number())).min(1),
  ]),
  model: z.string().min(1).max(200),
  encoding_format: z.enum(["float", "base64"]).default("float"),
  dimensions: z.number().int().min(1).optional(),
  user: z.string().max(500).optional(),
});
export type EmbeddingsBody = z.infer<typeof EmbeddingsBody>;

export interface EmbeddingsReply {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** The texts of a request, each checked against what the model reads; token arrays are refused (we embed text). */
export function embeddingInputs(
  body: EmbeddingsBody,
  maxInputTokens: number | undefined,
): { texts: string[]; tokens: number[] } {
  const input = body.input;
  if (typeof input !== "string" && input.some((v) => typeof v !== "string"))
    throw new ApiError(
      "VALIDATION_FAILED",
      "input must be text (a string or an array of strings); token arrays are not accepted here",
      {
        field: "input",
      },
    );
  const texts = typeof input === "string" ? [input] : (input as string[]);
  const tokens = texts.map((text, i) => {
    if (text.length === 0) throw new ApiError("VALIDATION_FAILED", `input[${i}] is empty`, { field: "input" });
    const n = countTokens(text);
    if (maxInputTokens !== undefined && n > maxInputTokens)
      throw new ApiError(
        "VALIDATION_FAILED",
        `input[${i}] is ${n} tokens; this model reads at most ${maxInputTokens} tokens of one input (counted with o200k_base). Split it: nothing was charged`,
        { field: "input", maxInputTokens, tokens: n },
      );
    return n;
  });
  return { texts, tokens };
}

/** Float32 little-endian bytes in base64: what the SDK decodes for `encoding_format: "base64"`. */
export function base64Vector(v: Float32Array): string {
  const out = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) out.writeFloatLE(v[i]!, i * 4);
  return out.toString("base64");
}

/**
 * Embeds text with the deployment's embedder, charged like training (one price per token of input, o200k_base)
 * through the one metered path: a hold of the exact price, the model run, the capture.
 */
export async function createEmbeddings(
  deps: { embedder: Embedder; metering: Metering; pricing: () => Pricing; models: ModelCatalogue },
  input: {
    accountId: string;
    body: EmbeddingsBody;
    ledgerKey?: string;
    requestId?: string;
    writes?: (charge: { chargedMc: number; result: EmbeddingsReply }) => import("../credits/ledger.js").LedgerWrite[];
  },
): Promise<{ reply: EmbeddingsReply; chargedMc: number }> {
  const { body } = input;
  const model = deps.models.resolve(body.model, "embedding");
  if (body.dimensions !== undefined && body.dimensions !== model.dimensions)
    throw new ApiError(
      "VALIDATION_FAILED",
      `this model makes ${model.dimensions}-dimensional vectors; dimensions must be ${model.dimensions} or left out`,
      {
        field: "dimensions",
      },
    );
  const { texts, tokens } = embeddingInputs(body, model.maxInputTokens);
  const total = tokens.reduce((s, n) => s + n, 0);
  const priceMc = embedMc(deps.pricing(), total);
  const { result, chargedMc } = await deps.metering.metered<EmbeddingsReply>(
    {
      accountId: input.accountId,
      maxMc: priceMc,
      operation: "training.embed",
      idemKey: input.ledgerKey,
      requestId: input.requestId,
      reference: "openai.embeddings",
      writes: input.writes,
    },
    async () => {
      const vectors = await deps.embedder.embed(texts, "document");
      const reply: EmbeddingsReply = {
        object: "list",
        data: vectors.map((v, index) => ({
          object: "embedding",
          index,
          embedding: body.encoding_format === "base64" ? base64Vector(v) : Array.from(v),
        })),
        model: body.model,
        usage: { prompt_tokens: total, total_tokens: total },
      };
      return {
        result: reply,
        chargeMc: priceMc,
        quantity: { tokens: total, inputs: texts.length, model: deps.embedder.id, api: "openai.embeddings" },
      };
    },
  );
  return { reply: result, chargedMc };
}
