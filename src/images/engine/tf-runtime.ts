import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { LayersModel } from "@tensorflow/tfjs";

type Tf = typeof import("@tensorflow/tfjs");

/** The ESRGAN variants shipped as npm packages (weights inside the package, nothing fetched). */
export type EsrganVariant = "slim" | "medium";

const require = createRequire(import.meta.url);
let runtime: Promise<Tf> | undefined;
const models = new Map<string, Promise<LayersModel>>();

/**
 * tfjs on its WebAssembly backend (SIMD, single thread), with the .wasm binaries read from node_modules:
 * `setWasmPaths` takes a directory prefix, and in Node emscripten reads that path with fs rather than fetching it.
 * Loaded on first use only, so a process that never upscales never pays for it.
 */
export function loadTf(): Promise<Tf> {
  runtime ??= (async () => {
    const tf = await import("@tensorflow/tfjs");
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const dist = path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
    wasm.setWasmPaths(`${dist}${path.sep}`);
    if (!(await tf.setBackend("wasm"))) throw new Error("the tfjs wasm backend failed to start");
    await tf.ready();
    return tf;
  })();
  runtime.catch(() => {
    runtime = undefined;
  });
  return runtime;
}

/** Directory of one model inside its npm package, e.g. …/@upscalerjs/esrgan-slim/models/x4. */
export function esrganModelDir(variant: EsrganVariant, scale: 2 | 4): string {
  // The packages do not export package.json: resolve their entry point and walk up to the package root.
  const name = `@upscalerjs/esrgan-${variant}`;
  let dir = path.dirname(require.resolve(name));
  while (!existsSync(path.join(dir, "models")) || path.basename(dir) !== `esrgan-${variant}`) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${name} has no models folder`);
    dir = parent;
  }
  return path.join(dir, "models", `x${scale}`);
}

/** Loads (once per process) an ESRGAN layers model through an IO handler that reads model.json and shards from disk. */
export function loadEsrgan(variant: EsrganVariant, scale: 2 | 4): Promise<LayersModel> {
  const key = `${variant}-x${scale}`;
  let model = models.get(key);
  if (!model) {
    model = (async () => {
      const tf = await loadTf();
      const dir = esrganModelDir(variant, scale);
      return tf.loadLayersModel({ load: () => readModelArtifacts(dir) });
    })();
    models.set(key, model);
    model.catch(() => models.delete(key));
  }
  return model;
}

interface ModelJson {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  weightsManifest: { paths: string[]; weights: import("@tensorflow/tfjs").io.WeightsManifestEntry[] }[];
}

async function readModelArtifacts(dir: string): Promise<import("@tensorflow/tfjs").io.ModelArtifacts> {
  const json = JSON.parse(await readFile(path.join(dir, "model.json"), "utf8")) as ModelJson;
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) {
    for (const file of group.paths) shards.push(await readFile(path.join(dir, path.basename(file))));
  }
  const weights = Buffer.concat(shards);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  };
}
