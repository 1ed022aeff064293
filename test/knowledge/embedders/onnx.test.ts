import { mkdtempSync, rmSync, unlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OnnxEmbedder } from "../../../src/knowledge/embedders/onnx.js";
import { runEmbedderContract } from "./embedder.contract.js";
import { cosine, maxDiff, unit } from "./fake-vectors.js";
import { buildTinyModel, TINY_DIMENSIONS, TINY_MAX_TOKENS, type TinyModel } from "./tiny-onnx.js";

const root = mkdtempSync(path.join(os.tmpdir(), "onnx-embedder-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const model = buildTinyModel(path.join(root, "tiny"));

/** What mean pooling over [CLS] tokens… [SEP] gives for this table, normalised. */
function expectedMean(m: TinyModel, tokens: string[]): Float32Array {
  const rows = ["[CLS]", ...tokens, "[SEP]"].map((t) => m.table[m.tokenId(t)]!);
  const sum = new Float32Array(TINY_DIMENSIONS);
  for (const row of rows) for (let i = 0; i < row.length; i++) sum[i]! += row[i]! / rows.length;
  return unit(sum);
}

runEmbedderContract("onnx (tiny model, e5-style prefixes)", async () => ({
  embedder: new OnnxEmbedder({ dir: model.dir, queryPrefix: "query: ", documentPrefix: "passage: " }),
  asymmetric: true,
  slowTexts: Array.from({ length: 4000 }, (_, i) => `the cat sat on the mat ${i}`),
}));

describe("OnnxEmbedder", () => {
  const embedder = new OnnxEmbedder({ dir: model.dir });
  afterAll(() => embedder.close());

  it("is named after the directory and the width from config.json", () => {
    expect(embedder.id).toBe("onnx:tiny@8");
    expect(embedder.dimensions).toBe(TINY_DIMENSIONS);
  });

  it("mean-pools the model's token states: exact values for a one-word input", async () => {
    const [cat] = await embedder.embed(["cat"], "document");
    expect(maxDiff(cat!, expectedMean(model, ["cat"]))).toBeLessThan(1e-6);
    // The tokenizer lower-cases and splits WordPiece continuations: "Cats" is cat + ##s.
    const [cats] = await embedder.embed(["Cats"], "document");
    expect(maxDiff(cats!, expectedMean(model, ["cat", "##s"]))).toBeLessThan(1e-6);
  });

  it("ignores padding: a short text batched with a long one gets its own vector", async () => {
    const [alone] = await embedder.embed(["red fish"], "document");
    const [batched] = await embedder.embed(["red fish", "the cat sat on the mat on the blue river"], "document");
    expect(maxDiff(alone!, batched!)).toBeLessThan(1e-6);
    expect(maxDiff(alone!, expectedMean(model, ["red", "fish"]))).toBeLessThan(1e-6);
  });

  it("gives identical texts identical vectors and texts sharing words closer vectors", async () => {
    const [a, b, near, far] = await embedder.embed(["the cat sat", "the cat sat", "the cat", "blue fish"], "document");
    expect(maxDiff(a!, b!)).toBe(0);
    expect(cosine(a!, near!)).toBeGreaterThan(cosine(a!, far!));
  });

  it("prepends the configured query and document prefixes", async () => {
    const e5 = new OnnxEmbedder({ dir: model.dir, queryPrefix: "query: ", documentPrefix: "passage: " });
    const [query] = await e5.embed(["cat"], "query");
    const [doc] = await e5.embed(["cat"], "document");
    await e5.close();
    expect(maxDiff(query!, expectedMean(model, ["query", ":", "cat"]))).toBeLessThan(1e-6);
    expect(maxDiff(doc!, expectedMean(model, ["passage", ":", "cat"]))).toBeLessThan(1e-6);
  });

  it("CLS pooling takes the first token's state", async () => {
    const cls = new OnnxEmbedder({ dir: model.dir, pooling: "cls" });
    const vectors = await cls.embed(["cat", "blue river"], "document");
    await cls.close();
    const first = unit(model.table[model.tokenId("[CLS]")]!);
    for (const v of vectors) expect(maxDiff(v, first)).toBeLessThan(1e-6);
  });

  it("truncates at the tokenizer's model_max_length", async () => {
    const words = Array.from({ length: 100 }, (_, i) => ["cat", "dog", "fish"][i % 3]!);
    const tailChanged = [...words.slice(0, TINY_MAX_TOKENS), ...words.slice(TINY_MAX_TOKENS).map(() => "river")];
    const headChanged = ["river", ...words.slice(1)];
    const [long, sameHead, otherHead] = await embedder.embed(
      [words.join(" "), tailChanged.join(" "), headChanged.join(" ")],
      "document",
    );
    expect(maxDiff(long!, sameHead!)).toBe(0);
    expect(maxDiff(long!, otherHead!)).toBeGreaterThan(1e-3);
  });

  it("fails plainly, without reaching for the network, when a file is missing", async () => {
    const broken = buildTinyModel(path.join(root, "broken"));
    unlinkSync(path.join(broken.dir, "tokenizer.json"));
    const e = new OnnxEmbedder({ dir: broken.dir });
    await expect(e.embed(["cat"], "document")).rejects.toThrow(/tokenizer\.json|local/i);
    expect(() => new OnnxEmbedder({ dir: path.join(root, "absent") })).toThrow(/EMBEDDING_MODEL_DIR/);
  });
});
