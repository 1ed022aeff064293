import { Worker } from "node:worker_threads";
import { modelPackagePaths, WORKER_SOURCE } from "./local-worker.js";

interface Job {
  id: number;
  texts: string[];
  resolve: (vectors: Float32Array) => void;
  reject: (error: unknown) => void;
}

type WorkerMessage =
  | { ready: true }
  | { failed: string }
  | { id: number; vectors: Float32Array }
  | { id: number; error: string };

/**
 * A fixed set of worker threads, each holding its own copy of the model. Running the model off the main thread keeps
 * the event loop answering HTTP while a batch takes a second or more. What runs next is EmbeddingScheduler's choice
 * (queries first, fair between accounts): it never hands the pool more calls than it has workers.
 */
export class ModelWorkerPool {
  private readonly queue: Job[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly idle: Worker[] = [];
  private nextId = 1;
  private broken?: Error;

  private constructor(private readonly workers: Worker[]) {
    this.idle.push(...workers);
    for (const worker of workers) {
      worker.on("message", (message: WorkerMessage) => this.onMessage(worker, message));
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => this.fail(new Error(`an embedding worker exited with code ${code}`)));
      worker.unref();
    }
  }

  /** Starts `size` workers and resolves once every one has loaded the model. */
  static async start(size: number, limits: { maxTokens: number; maxChars: number }): Promise<ModelWorkerPool> {
    const workerData = { ...limits, paths: modelPackagePaths() };
    const workers = Array.from({ length: size }, () => new Worker(WORKER_SOURCE, { eval: true, workerData }));
    try {
      await Promise.all(workers.map(waitUntilReady));
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new ModelWorkerPool(workers);
  }

  /** Embeds one batch: `texts.length × 512` floats. Calls beyond the number of workers wait in arrival order. */
  run(texts: string[]): Promise<Float32Array> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<Float32Array>((resolve, reject) => {
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
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      // A worker with work in hand keeps the process alive, an idle one does not.
      worker.ref();
      worker.postMessage({ id: job.id, texts: job.texts });
    }
  }

  private onMessage(worker: Worker, message: WorkerMessage): void {
    const job = this.busy.get(worker);
    if (!job || !("id" in message) || message.id !== job.id) return;
    this.busy.delete(worker);
    worker.unref();
    this.idle.push(worker);
    if ("error" in message) job.reject(new Error(`the local embedding model failed: ${message.error}`));
    else job.resolve(message.vectors);
    this.dispatch();
  }

  private fail(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    for (const job of [...this.busy.values(), ...this.queue.splice(0)]) job.reject(error);
    this.busy.clear();
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
