import type { Embedder } from "../../../src/knowledge/embedders/embedder.js";
import { EmbeddingScheduler, type SchedulerOptions } from "../../../src/knowledge/embedders/scheduler.js";
import { fakeVector } from "./fake-vectors.js";

export interface ModelCall {
  texts: string[];
  /** Answers the call with each text's fake vector, reporting `modelMs` of model time (default 100 per text). */
  release(modelMs?: number): void;
  fail(error: Error): void;
}

/**
 * Stands in for the model behind EmbeddingScheduler (the third-party part): each call waits until the test
 * releases it, so a queue can be filled and inspected without timing anything. `open` answers calls at once.
 */
export class GatedModel {
  readonly calls: ModelCall[] = [];
  /** Answer every call at once from now on (calls already waiting still need their release). */
  open = false;
  private waiting: ((call: ModelCall) => void)[] = [];
  private handed = 0;

  constructor(readonly dimensions: number) {}

  readonly runBatch = (texts: string[]): Promise<{ vectors: Float32Array; modelMs: number }> =>
    new Promise((resolve, reject) => {
      const call: ModelCall = {
        texts,
        release: (modelMs = 100 * texts.length) =>
          resolve({ vectors: Float32Array.from(texts.flatMap((t) => fakeVector(t, this.dimensions))), modelMs }),
        fail: reject,
      };
      this.calls.push(call);
      if (this.open) {
        this.handed = this.calls.length;
        return call.release();
      }
      this.waiting.shift()?.(call);
    });

  /** The oldest call not yet handed out by this method, waiting for it if none has arrived. */
  nextCall(): Promise<ModelCall> {
    const call = this.calls[this.handed];
    if (call) {
      this.handed++;
      return Promise.resolve(call);
    }
    return new Promise((resolve) =>
      this.waiting.push((c) => {
        this.handed++;
        resolve(c);
      }),
    );
  }
}

/** A real EmbeddingScheduler over a GatedModel, as the Embedder an app is started with. */
export function gatedEmbedder(options: Partial<SchedulerOptions> & { dimensions?: number } = {}): {
  embedder: Embedder;
  model: GatedModel;
  scheduler: EmbeddingScheduler;
} {
  const dimensions = options.dimensions ?? 32;
  const model = new GatedModel(dimensions);
  const scheduler = new EmbeddingScheduler({
    workers: 1,
    callsPerWorker: 1,
    batchSize: 4,
    label: "the gated test model",
    maxQueryWaitMs: 1000,
    initialMsPerText: 100,
    now: () => 0,
    ...options,
    dimensions,
    runBatch: model.runBatch,
  });
  const embedder: Embedder = {
    id: `test:gated-${dimensions}`,
    dimensions,
    embed: (texts, kind, signal) => scheduler.embed(texts, kind, signal),
    admitQuery: (input) => scheduler.admitQuery(input),
  };
  return { embedder, model, scheduler };
}
