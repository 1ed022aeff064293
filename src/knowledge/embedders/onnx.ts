import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { FeatureExtractionPipeline } from "@huggingface/transformers";
import type { Embedder } from "./embedder.js";
import { throwIfAborted, toUnitVector } from "./vectors.js";

export { fetchModel } from "./onnx-fetch.js";

export type OnnxPooling = "mean" | "cls";

export interface OnnxEmbedderOptions {
  /** A Hugging Face-style model directory: config.json, tokenizer.json, tokenizer_config.json, onnx/model*.onnx. */
  dir: string;
  /** How token states become one vector: `mean` (sentence-transformers, e5, MiniLM) or `cls` (bge). */
  pooling?: OnnxPooling;
  /** Prepended to queries, e.g. `query: ` (e5) or bge's `Represent this sentence for searching relevant passages: `. */
  queryPrefix?: string;
  /** Prepended to documents, e.g. `passage: ` (e5). */
  documentPrefix?: string;
  /** Which weights: `fp32` → onnx/model.onnx, `q8` → onnx/model_quantized.onnx, `fp16` → onnx/model_fp16.onnx. */
  dtype?: "fp32" | "fp16" | "q8" | "int8" | "uint8" | "q4";
  /** Overrides the width read from config.json (`hidden_size`, `d_model` or `dim`). */
  dimensions?: number;
  /** Texts per model call. */
  batchSize?: number;
}

/** The vector width a model directory declares, read once at start-up so `dimensions` is known before loading. */
export function modelDimensions(dir: string): number {
  const file = path.join(dir, "config.json");
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`EMBEDDING_MODEL_DIR: cannot read ${file}: ${(error as Error).message}`);
  }
  const width = config.hidden_size ?? config.d_model ?? config.dim;
  if (typeof width !== "number" || !Number.isInteger(width) || width <= 0) {
    throw new Error(`EMBEDDING_MODEL_DIR: ${file} has no hidden_size; set EMBEDDING_DIMENSIONS`);
  }
  return width;
}

/**
 * An operator-provided ONNX model run by `@huggingface/transformers` on onnxruntime-node. Files come from `dir` only:
 * remote models are switched off for the whole library, so a missing file is an error, never a download.
 */
export class OnnxEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private readonly dir: string;
  private readonly options: OnnxEmbedderOptions;
  private extractor?: Promise<FeatureExtractionPipeline>;

  constructor(options: OnnxEmbedderOptions) {
    this.dir = path.resolve(options.dir);
    if (!existsSync(this.dir)) throw new Error(`EMBEDDING_MODEL_DIR: ${this.dir} does not exist`);
    this.options = options;
    this.dimensions = options.dimensions ?? modelDimensions(this.dir);
    this.id = `onnx:${path.basename(this.dir)}@${this.dimensions}`;
  }

  async embed(texts: string[], kind: "document" | "query", signal?: AbortSignal): Promise<Float32Array[]> {
    throwIfAborted(signal);
    if (texts.length === 0) return [];
    const extractor = await this.load();
    const prefix = (kind === "query" ? this.options.queryPrefix : this.options.documentPrefix) ?? "";
    const batchSize = this.options.batchSize ?? 16;
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      throwIfAborted(signal);
      const batch = texts.slice(start, start + batchSize).map((t) => prefix + t);
      const output = await extractor(batch, { pooling: this.options.pooling ?? "mean", normalize: false });
      try {
        const [rows, width] = output.dims as [number, number];
        if (rows !== batch.length || width !== this.dimensions) {
          throw new Error(
            `the ONNX model returned [${output.dims.join(", ")}], expected [${batch.length}, ${this.dimensions}]`,
          );
        }
        const data = output.data as Float32Array;
        for (let r = 0; r < rows; r++) {
          vectors.push(toUnitVector(data.subarray(r * width, (r + 1) * width), "the ONNX model"));
        }
      } finally {
        output.dispose();
      }
    }
    throwIfAborted(signal);
    return vectors;
  }

  async close(): Promise<void> {
    const extractor = this.extractor;
    this.extractor = undefined;
    if (extractor) await (await extractor.catch(() => undefined))?.dispose();
  }

  private load(): Promise<FeatureExtractionPipeline> {
    this.extractor ??= (async () => {
      const { env, pipeline } = await import("@huggingface/transformers");
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.useFSCache = false;
      env.useBrowserCache = false;
      return (await pipeline("feature-extraction", this.dir, {
        local_files_only: true,
        dtype: this.options.dtype ?? "fp32",
        device: "cpu",
      })) as FeatureExtractionPipeline;
    })();
    const pending = this.extractor;
    pending.catch(() => {
      if (this.extractor === pending) this.extractor = undefined;
    });
    return pending;
  }
}
