import { createHash } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Embeddings on disk, keyed by model id + SHA-256 of the text, so re-running a benchmark embeds nothing twice.
 * One append-only file per model: records of [32-byte hash][dimensions × float32]. Lives under bench/.cache/
 * (which carries its own `.gitignore`), never in the repository.
 */
export class EmbeddingCache {
  private readonly file: string;
  private readonly vectors = new Map<string, Float32Array>();

  constructor(
    readonly modelId: string,
    readonly dimensions: number,
    dir = path.join(import.meta.dirname, "..", ".cache", "embeddings"),
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `${modelId.replace(/[^a-zA-Z0-9._-]/g, "_")}.bin`);
    if (existsSync(this.file)) this.load();
  }

  private load(): void {
    const buf = readFileSync(this.file);
    const size = 32 + this.dimensions * 4;
    const whole = buf.length - (buf.length % size); // a torn last record (killed mid-write) is ignored
    for (let off = 0; off < whole; off += size) {
      const key = buf.subarray(off, off + 32).toString("hex");
      const copy = new Uint8Array(buf.subarray(off + 32, off + size));
      this.vectors.set(key, new Float32Array(copy.buffer));
    }
  }

  static key(text: string): string {
    return createHash("sha256").update(text).digest("hex");
  }

  get size(): number {
    return this.vectors.size;
  }

  get(text: string): Float32Array | undefined {
    return this.vectors.get(EmbeddingCache.key(text));
  }

  put(entries: { text: string; vector: Float32Array }[]): void {
    const parts: Buffer[] = [];
    for (const { text, vector } of entries) {
      if (vector.length !== this.dimensions) throw new Error(`expected ${this.dimensions} dimensions`);
      const key = EmbeddingCache.key(text);
      if (this.vectors.has(key)) continue;
      this.vectors.set(key, vector);
      parts.push(Buffer.from(key, "hex"), Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
    }
    if (parts.length) appendFileSync(this.file, Buffer.concat(parts));
  }
}

export interface TextEmbedder {
  readonly id: string;
  readonly dimensions: number;
  embed(texts: string[], kind: "document" | "query"): Promise<Float32Array[]>;
}

/** Embeds through the cache: only texts it has not seen reach the model, in batches, with progress on stderr. */
export async function embedCached(
  embedder: TextEmbedder,
  cache: EmbeddingCache,
  texts: string[],
  kind: "document" | "query",
  batch = 32,
): Promise<Float32Array[]> {
  const missing = [...new Set(texts.filter((t) => !cache.get(t)))];
  const started = Date.now();
  for (let i = 0; i < missing.length; i += batch) {
    const slice = missing.slice(i, i + batch);
    const vectors = await embedder.embed(slice, kind);
    cache.put(slice.map((text, j) => ({ text, vector: vectors[j]! })));
    const done = Math.min(i + batch, missing.length);
    const rate = done / ((Date.now() - started) / 1000);
    process.stderr.write(`\r  embedded ${done}/${missing.length} (${rate.toFixed(1)}/s)   `);
  }
  if (missing.length) process.stderr.write("\n");
  return texts.map((t) => cache.get(t)!);
}
