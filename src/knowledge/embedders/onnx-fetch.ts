import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export interface FetchModelOptions {
  /** Hugging Face repository, e.g. `Xenova/bge-small-en-v1.5` or `Xenova/multilingual-e5-small`. */
  name: string;
  /** Where the model directory is written (it becomes EMBEDDING_MODEL_DIR). */
  dir: string;
  /** The hub's base URL; default HF_ENDPOINT, then https://huggingface.co. */
  endpoint?: string;
  revision?: string;
  /** Which weights to fetch, as OnnxEmbedderOptions.dtype: `fp32` (default) or `q8` (quantised, ~4× smaller). */
  dtype?: "fp32" | "fp16" | "q8" | "int8" | "uint8" | "q4";
  /** A Hugging Face access token for gated or private repositories (HF_TOKEN). */
  token?: string;
  signal?: AbortSignal;
  onProgress?: (file: string, bytes: number) => void;
}

const SUFFIX = { fp32: "", fp16: "_fp16", q8: "_quantized", int8: "_int8", uint8: "_uint8", q4: "_q4" } as const;
const REPOSITORY = /^[\w.-]+(\/[\w.-]+)?$/;

/**
 * Downloads what the ONNX adapter loads from `{endpoint}/{name}/resolve/{revision}/{file}`: config and tokenizer
 * files, then the weights (and their external-data file when the model keeps one). Each file is written to a
 * `.part` file and renamed when complete, so an interrupted download never leaves a file that looks whole.
 * For operators whose network reaches the hub; the service itself never downloads at run time.
 */
export async function fetchModel(options: FetchModelOptions): Promise<{ dir: string; files: string[] }> {
  if (!REPOSITORY.test(options.name) || options.name.includes("..")) {
    throw new Error(`"${options.name}" is not a Hugging Face repository name (owner/model)`);
  }
  const endpoint = (options.endpoint ?? process.env.HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, "");
  const revision = encodeURIComponent(options.revision ?? "main");
  const weights = `onnx/model${SUFFIX[options.dtype ?? "fp32"]}.onnx`;
  const files: { file: string; required: boolean }[] = [
    { file: "config.json", required: true },
    { file: "tokenizer.json", required: true },
    { file: "tokenizer_config.json", required: true },
    { file: "special_tokens_map.json", required: false },
    { file: weights, required: true },
    { file: `${weights}_data`, required: false },
  ];
  const dir = path.resolve(options.dir);
  const written: string[] = [];
  for (const { file, required } of files) {
    const url = `${endpoint}/${options.name}/resolve/${revision}/${file}`;
    const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
    const res = await fetch(url, { headers, signal: options.signal, redirect: "follow" });
    if (res.status === 404 && !required) {
      await res.body?.cancel();
      continue;
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new Error(`${url} answered ${res.status}${res.status === 401 ? " (set HF_TOKEN for gated models)" : ""}`);
    }
    const target = path.join(dir, file);
    await mkdir(path.dirname(target), { recursive: true });
    let bytes = 0;
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    body.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      options.onProgress?.(file, bytes);
    });
    try {
      await pipeline(body, createWriteStream(`${target}.part`), { signal: options.signal });
      await rename(`${target}.part`, target);
    } catch (error) {
      await rm(`${target}.part`, { force: true });
      throw error;
    }
    written.push(file);
  }
  return { dir, files: written };
}

// CLI: npx tsx src/knowledge/embedders/onnx-fetch.ts <owner/model> <dir> [--dtype q8] [--revision main]
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { dtype: { type: "string" }, revision: { type: "string" }, endpoint: { type: "string" } },
  });
  const [name, dir] = positionals;
  if (!name || !dir) {
    console.error("usage: onnx-fetch <owner/model> <dir> [--dtype fp32|q8|fp16] [--revision main] [--endpoint URL]");
    process.exit(2);
  }
  const result = await fetchModel({
    name,
    dir,
    dtype: values.dtype as FetchModelOptions["dtype"],
    revision: values.revision,
    endpoint: values.endpoint,
    token: process.env.HF_TOKEN,
    onProgress: (file, bytes) => process.stderr.write(`\r${file}: ${(bytes / 1e6).toFixed(1)} MB   `),
  });
  process.stderr.write(
    `\nwrote ${result.files.join(", ")} to ${result.dir}\nset EMBEDDING_PROVIDER=onnx EMBEDDING_MODEL_DIR=${result.dir}\n`,
  );
}
