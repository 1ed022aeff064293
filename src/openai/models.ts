import { ApiError } from "../errors.js";

export type ModelKind = "embedding" | "image";

/** One model this deployment offers, under its own id and the OpenAI names the operator maps onto it. */
export interface OfferedModel {
  id: string;
  kind: ModelKind;
  aliases: string[];
  /** Embeddings: the vector width and the tokens the model reads of one input. */
  dimensions?: number;
  maxInputTokens?: number;
}

export const EMBEDDING_MODEL_ID = "api-credits-embedding";
export const IMAGE_MODEL_ID = "api-credits-image";

/** The catalogue `/models` lists and every request's `model` is resolved against. */
export class ModelCatalogue {
  readonly models: OfferedModel[];

  constructor(input: {
    embedder: { id: string; dimensions: number; maxInputTokens?: number };
    embeddingAliases: string[];
    imageAliases: string[];
    imagesAvailable: boolean;
  }) {
    this.models = [
      {
        id: EMBEDDING_MODEL_ID,
        kind: "embedding",
        aliases: [input.embedder.id, ...input.embeddingAliases],
        dimensions: input.embedder.dimensions,
        maxInputTokens: input.embedder.maxInputTokens,
      },
    ];
    if (input.imagesAvailable) this.models.push({ id: IMAGE_MODEL_ID, kind: "image", aliases: input.imageAliases });
  }

  find(name: string): OfferedModel | undefined {
    return this.models.find((m) => m.id === name || m.aliases.includes(name));
  }

  /** The model a request names (or the kind's default when it names none); another kind's or an unknown name: 404. */
  resolve(name: string | undefined, kind: ModelKind): OfferedModel {
    const model = name === undefined ? this.models.find((m) => m.kind === kind) : this.find(name);
    if (!model || model.kind !== kind)
      throw new ApiError(
        "NOT_FOUND",
        name === undefined
          ? `this deployment offers no ${kind} model`
          : `The model \`${name}\` does not exist or you do not have access to it (GET /openai/v1/models lists them)`,
        { openaiCode: "model_not_found", field: "model" },
      );
    return model;
  }
}
