import { Worker } from "node:worker_threads";
import { modelPackagePaths, WORKER_SOURCE } from "./local-worker.js";

/** A model call's vectors and the time the model spent on it (not counting any wait in the worker). */
export interface ModelResult {
  vectors: Float32Array;
  modelMs: number;
}

interface Job {
  id: number;
  texts: string[];
  resolve: (result: ModelResult) => void;
  reject: (error: unknown) => void;
}

type WorkerMessage =
  | { ready: true }
  | { failed: string }
  | { id: number; vectors: Float32Array; modelMs: number }
  | { id: number; error: string };

/**
 * A fixed set of worker threads, each holding its own copy of the model. Running the model off the main thread keeps
 * the event loop answering HTTP while a batch takes a second or more. What runs next is EmbeddingScheduler's choice
 * (queries first, fair between accounts). Each worker holds up to `depth` calls, run one after another, so that it
 * starts the next as soon as one ends even when the main thread is slow to answer.
 */
export class ModelWorkerPool {
  private readonly queue: Job[] = [];
  /** Calls sent to each worker and not yet answered, oldest first. */
  private readonly sent = new Map<Worker, Job[]>();
  private nextId = 1;
  private broken?: Error;

  private constructor(
    private readonly workers: Worker[],
    private readonly depth: number,
  ) {
    for (const worker of workers) {
      this.sent.set(worker, []);
      worker.on("message", (message: WorkerMessage) => this.onMessage(worker, message));
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => this.fail(new Error(`an embedding worker exited with code ${code}`)));
      worker.unref();
    }
  }

  /** Starts `size` workers and resolves once every one has loaded the model. */
  static async start(
    size: number,
    limits: { maxTokens: number; maxChars: number },
    depth = 2,
  ): Promise<ModelWorkerPool> {
    const workerData = { ...limits, paths: modelPackagePaths() };
    const workers = Array.from({ length: size }, () => new Worker(WORKER_SOURCE, { eval: true, workerData }));
    try {
      await Promise.all(workers.map(waitUntilReady));
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new ModelWorkerPool(workers, depth);
  }

  /** Embeds one batch: `texts.length × 512` floats. Calls beyond what the workers hold wait in arrival order. */
  run(texts: string[]): Promise<ModelResult> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<ModelResult>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, texts, resolve, reject });
      this.dispatch();
    });
  }

  get isBroken(): boolean {
    return this.broken !== undefined;
  }

  async close(): Promise<void> {
    this.fail(new Error("the embedder was closed"));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker: Worker | undefined;
      for (const [w, jobs] of this.sent)
        if (jobs.length < this.depth && (!worker || jobs.length < this.sent.get(worker)!.length)) worker = w;
      if (!worker) return;
      const job = this.queue.shift()!;
      this.sent.get(worker)!.push(job);
      // A worker with work in hand keeps the process alive, an idle one does not.
      worker.ref();
      worker.postMessage({ id: job.id, texts: job.texts });
    }
  }

  private onMessage(worker: Worker, message: WorkerMessage): void {
    const jobs = this.sent.get(worker)!;
    const job = jobs[0];
    if (!job || !("id" in message) || message.id !== job.id) return;
    jobs.shift();
    if (jobs.length === 0) worker.unref();
    if ("error" in message) job.reject(new Error(`the local embedding model failed: ${message.error}`));
    else job.resolve({ vectors: message.vectors, modelMs: message.modelMs });
    this.dispatch();
  }

  private fail(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    for (const jobs of this.sent.values()) for (const job of jobs.splice(0)) job.reject(error);
    for (const job of this.queue.splice(0)) job.reject(error);
  }
}

function waitUntilReady(worker: Worker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if ("ready" in message) done(resolve);
      else if ("failed" in message)
        done(() => reject(new Error(`the local embedding model did not load: ${message.failed}`)));
    };
    const onError = (error: Error) => done(() => reject(error));
    const onExit = (code: number) => done(() => reject(new Error(`an embedding worker exited with code ${code}`)));
    const done = (settle: () => void) => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      settle();
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}
