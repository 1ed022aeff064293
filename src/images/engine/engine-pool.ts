import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { EngineJob, EngineOutput, WorkerReply, WorkerRequest } from "./jobs.js";

interface Pending {
  id: number;
  job: EngineJob;
  cancel: SharedArrayBuffer;
  resolve: (output: EngineOutput) => void;
  reject: (error: Error) => void;
}

/**
 * Runs engine jobs on one worker thread, in order, so a multi-second upscale or inpaint never blocks the event loop
 * that answers other requests. One thread because the machines have two cores and tfjs-wasm is single-threaded:
 * more would only contend. The thread starts on first use, keeps its models loaded, and is unref'd while idle so it
 * never holds a process open. Cancellation is a shared flag the worker checks between tiles or iterations.
 */
export class EngineWorker {
  private worker: Worker | undefined;
  private running: Pending | undefined;
  private readonly queue: Pending[] = [];
  private nextId = 1;

  run(job: EngineJob, signal?: AbortSignal): Promise<EngineOutput> {
    signal?.throwIfAborted();
    return new Promise<EngineOutput>((resolve, reject) => {
      const pending: Pending = { id: this.nextId++, job, cancel: new SharedArrayBuffer(4), resolve, reject };
      const onAbort = () => {
        const queued = this.queue.indexOf(pending);
        if (queued >= 0) {
          this.queue.splice(queued, 1);
          reject(abortError(signal));
        } else Atomics.store(new Int32Array(pending.cancel), 0, 1);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      pending.resolve = (output) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(output);
      };
      pending.reject = (error) => {
        signal?.removeEventListener("abort", onAbort);
        reject(error.name === "AbortError" ? abortError(signal) : error);
      };
      this.queue.push(pending);
      this.pump();
    });
  }

  /** Stops the thread; queued and running jobs fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    for (const p of this.queue.splice(0)) p.reject(new Error("image engine closed"));
    this.running?.reject(new Error("image engine closed"));
    this.running = undefined;
    await worker?.terminate();
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const next = this.queue.shift()!;
    this.running = next;
    const worker = this.ensureWorker();
    worker.ref();
    const request: WorkerRequest = { id: next.id, job: next.job, cancel: next.cancel };
    worker.postMessage(request);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const fromSource = import.meta.url.endsWith(".ts");
    const url = new URL(fromSource ? "./worker.ts" : "./worker.js", import.meta.url);
    // From TypeScript sources (tests, tsx) the thread registers tsx's loader first; built code loads plain JS.
    const worker = fromSource
      ? new Worker(
          `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`,
          { eval: true },
        )
      : new Worker(url);
    worker.on("message", (reply: WorkerReply) => this.settle(reply));
    worker.on("error", (error) => this.fail(worker, error));
    worker.on("exit", (code) => this.fail(worker, new Error(`image engine worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: WorkerReply): void {
    const job = this.running;
    if (!job || job.id !== reply.id) return;
    this.running = undefined;
    if (reply.ok) job.resolve(reply.output);
    else job.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    if (this.queue.length === 0) this.worker?.unref();
    this.pump();
  }

  /** A crashed worker (out of memory, a wasm abort) fails its job; the next job starts a fresh thread. */
  private fail(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const job = this.running;
    this.running = undefined;
    job?.reject(error);
    this.pump();
  }
}

function tsxApi(): string {
  // require.resolve finds the CommonJS build of tsx's API; the thread needs its ES module twin beside it.
  const cjs = createRequire(import.meta.url).resolve("tsx/esm/api");
  return pathToFileURL(cjs.replace(/\.cjs$/, ".mjs")).href;
}

function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : Object.assign(new Error("aborted"), { name: "AbortError" });
}
