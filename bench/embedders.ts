/**
 * Throughput of the embedding adapters, in texts per second:
 *   npx tsx bench/embedders.ts [--texts 192] [--local 1x16,2x16] [--only local,onnx,openai,vertex,gemini]
 * `--local WxB` runs the local model with W worker threads and B texts per model call. Texts are SciFact abstracts
 * cut to ~600 characters (chunk-sized) when /work/shared/eval is there, synthetic sentences otherwise. The hosted
 * adapters run against the loopback fakes of the tests, so their figure is our client's overhead, not the API's.
 * CPU ms/text is the process's CPU time (all threads) per text: less sensitive than wall time to other load.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Embedder } from "../src/knowledge/embedders/embedder.js";
import { GeminiEmbedder, VertexEmbedder } from "../src/knowledge/embedders/google.js";
import { LocalEmbedder } from "../src/knowledge/embedders/local.js";
import { OnnxEmbedder } from "../src/knowledge/embedders/onnx.js";
import { OpenAIEmbedder } from "../src/knowledge/embedders/openai.js";
import { startFakeProviders } from "../test/knowledge/embedders/fake-providers.js";
import { buildTinyModel } from "../test/knowledge/embedders/tiny-onnx.js";

const { values } = parseArgs({
  options: {
    texts: { type: "string", default: "192" },
    local: { type: "string", default: "1x1,1x8,1x16,1x32,2x8,2x16" },
    only: { type: "string", default: "local,onnx,openai,vertex,gemini" },
  },
});
const count = Number(values.texts);
const only = new Set(values.only!.split(","));

function benchTexts(n: number): string[] {
  const corpus = "/work/shared/eval/scifact/corpus.jsonl";
  if (existsSync(corpus)) {
    const lines = readFileSync(corpus, "utf8").split("\n").filter(Boolean).slice(0, n);
    return lines.map((l) => (JSON.parse(l) as { text: string }).text.slice(0, 600));
  }
  const words = "the model reads text and turns each passage into a vector that search compares by angle".split(" ");
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: 90 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(" "),
  );
}

async function measure(label: string, embedder: Embedder, texts: string[]): Promise<void> {
  await embedder.embed(texts.slice(0, 4), "document"); // load and warm up
  const cpu = process.cpuUsage();
  const started = performance.now();
  await embedder.embed(texts, "document");
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / texts.length;
  const line = `${label.padEnd(34)} ${(texts.length / seconds).toFixed(1).padStart(8)} texts/s   ${cpuMs.toFixed(1).padStart(7)} CPU ms/text`;
  console.log(line);
  await embedder.close?.();
}

const texts = benchTexts(count);
console.log(
  `${texts.length} texts, mean ${Math.round(texts.join("").length / texts.length)} chars; load ${os.loadavg()[0]!.toFixed(2)}`,
);

if (only.has("local")) {
  for (const spec of values.local!.split(",")) {
    const [workers, batchSize] = spec.split("x").map(Number);
    await measure(`local ${workers} worker(s) × batch ${batchSize}`, new LocalEmbedder({ workers, batchSize }), texts);
  }
}
if (only.has("onnx")) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-onnx-"));
  const model = buildTinyModel(path.join(dir, "tiny"));
  await measure("onnx (tiny test model)", new OnnxEmbedder({ dir: model.dir }), texts);
  rmSync(dir, { recursive: true, force: true });
}
const fakes = await startFakeProviders();
try {
  if (only.has("openai")) {
    await measure(
      "openai (loopback fake)",
      new OpenAIEmbedder({ apiKey: fakes.openaiKey, baseUrl: fakes.openaiUrl }),
      texts,
    );
  }
  if (only.has("vertex")) {
    const vertex = new VertexEmbedder({
      keyFile: fakes.serviceAccountKeyFile,
      project: "bench",
      location: "us-central1",
      baseUrl: fakes.vertexUrl,
      model: "text-embedding-005",
    });
    await measure("vertex text-embedding-005 (fake)", vertex, texts);
  }
  if (only.has("gemini")) {
    await measure(
      "gemini (loopback fake)",
      new GeminiEmbedder({ apiKey: fakes.geminiKey, baseUrl: fakes.geminiUrl }),
      texts,
    );
  }
} finally {
  await fakes.close();
}
