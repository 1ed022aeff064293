import { ApiError } from "../../errors.js";
import { FairQueue, type QueuedWork } from "./fair-queue.js";
import { throwIfAborted, toUnitVector } from "./vectors.js";

export interface SchedulerOptions {
  /** Model calls that run at once (one per worker thread). */
  workers: number;
  /**
   * Calls handed to each worker at a time: with 2, a worker starts its next call the moment one ends instead of
   * waiting for the main thread to answer (which a busy event loop can make slow).
   */
  callsPerWorker: number;
  /** Texts per model call at most. */
  batchSize: number;
  dimensions: number;
  /** Names the model in errors. */
  label: string;
  /** Runs the model on one batch: `texts.length × dimensions` floats, row after row, and the model's own time. */
  runBatch(texts: string[]): Promise<{ vectors: Float32Array; modelMs: number }>;
  /** A query whose vector is expected later than this is refused, before anything is charged. */
  maxQueryWaitMs: number;
  /** Model time per text until the first batch has been measured. */
  initialMsPerText: number;
  /** The clock for how long running calls have run (tests pass one they move by hand). */
  now?: () => number;
}

/** A query let into the queue: its vector, or the reason it was abandoned. */
export interface QueryTicket {
  readonly vector: Promise<Float32Array>;
  /** Abandons the query: dropped from the queue if it has not started, its result ignored if it has. */
  cancel(reason: unknown): void;
}

interface Job extends QueuedWork {
  readonly texts: string[];
  readonly account?: string;
  settled: boolean;
  resolve(vectors: Float32Array): void;
  reject(error: unknown): void;
}

/** Weight of the newest batch in the running estimate of model time per text. */
const SMOOTHING = 0.3;

/**
 * Feeds a local model from a FairQueue: queries first, in turn across accounts, several queries to one model call.
 * It measures how long the model takes per text and refuses a query it cannot serve within `maxQueryWaitMs`
 * (503, or 429 for an account holding more than its share of the queue), so an overloaded service answers at once
 * instead of letting clients time out on queries it will charge for anyway.
 */
export class EmbeddingScheduler {
  private readonly queue = new FairQueue<Job>();
  private readonly inFlight = new Set<{ texts: number; startedAt: number }>();
  private msPerText: number;
  private readonly now: () => number;

  constructor(private readonly options: SchedulerOptions) {
    this.msPerText = options.initialMsPerText;
    this.now = options.now ?? (() => performance.now());
  }

  /** Embeds texts without admission control: documents wait behind every query, plain queries as one more account. */
  async embed(texts: string[], kind: "document" | "query", signal?: AbortSignal): Promise<Float32Array[]> {
    throwIfAborted(signal);
    const account = kind === "query" ? "" : undefined;
    const parts: Promise<Float32Array>[] = [];
    for (let start = 0; start < texts.length; start += this.options.batchSize)
      parts.push(this.enqueue(texts.slice(start, start + this.options.batchSize), account, signal).vector);
    // Every part is queued at once so that all workers share one call; the first failure or abort wins.
    return (await Promise.all(parts)).flatMap((flat) => this.split(flat));
  }

  /**
   * Queues the embedding of one search query of `accountId`, or throws SERVICE_UNAVAILABLE / RATE_LIMITED (with
   * `retryAfterSeconds`) when its vector is not expected within the bound. Synchronous, so that the check and the
   * enqueue cannot be interleaved with another request's.
   */
  admitQuery(input: { accountId: string; text: string; signal?: AbortSignal }): QueryTicket {
    throwIfAborted(input.signal);
    const waitMs = this.expectedQueryWaitMs(input.accountId);
    if (waitMs > this.options.maxQueryWaitMs) throw this.refusal(input.accountId, waitMs);
    const ticket = this.enqueue([input.text], input.accountId, input.signal);
    const vector = ticket.vector.then((flat) => this.split(flat)[0]!);
    // Cancelled after a refusal (402) nobody awaits it: that must not surface as an unhandled rejection.
    vector.catch(() => {});
    return { vector, cancel: ticket.cancel };
  }

  /**
   * When a new query of `accountId` would get its vector: the model time of the calls handed to the workers (less
   * what the running ones have done) and of what round-robin serves before it, including the rest of the model
   * call it joins, shared by the workers.
   */
  expectedQueryWaitMs(accountId: string): number {
    const load = this.queue.queryLoad(accountId);
    const { batchSize, workers } = this.options;
    const throughItsCall = Math.min(load.total + 1, Math.ceil((load.ahead + 1) / batchSize) * batchSize);
    const now = this.now();
    let handedOut = 0;
    // Calls are kept in the order they were handed out; the oldest `workers` of them are the ones running.
    let position = 0;
    for (const call of this.inFlight) {
      const ran = position++ < workers ? now - call.startedAt : 0;
      handedOut += Math.max(0, call.texts * this.msPerText - ran);
    }
    return (handedOut + throughItsCall * this.msPerText) / workers;
  }

  /** What waits and what runs, and the model time per text as measured: for metrics, tests and benchmarks. */
  stats(): { waiting: number; running: number; msPerText: number } {
    return { waiting: this.queue.size, running: this.inFlight.size, msPerText: this.msPerText };
  }

  /** Rejects everything that waits (the model is being shut down). */
  rejectWaiting(error: Error): void {
    for (let batch = this.queue.takeBatch(Infinity); batch.length > 0; batch = this.queue.takeBatch(Infinity))
      for (const job of batch) job.reject(error);
  }

  private refusal(accountId: string, waitMs: number): ApiError {
    const load = this.queue.queryLoad(accountId);
    const retryAfterSeconds = Math.max(1, Math.ceil((waitMs - this.options.maxQueryWaitMs) / 1000));
    const accounts = load.accounts + (load.own === 0 ? 1 : 0);
    // Over its share: the account holds more of the queue than an even split between the accounts in it.
    if ((load.own + 1) * accounts > load.total + 1)
      return new ApiError(
        "RATE_LIMITED",
        `this account has ${load.own} searches waiting for the embedding model, more than its share; retry in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    return new ApiError(
      "SERVICE_UNAVAILABLE",
      `the embedding model is busy: a search would wait about ${(waitMs / 1000).toFixed(1)} s, more than the ` +
        `${(this.options.maxQueryWaitMs / 1000).toFixed(1)} s allowed; retry in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }

  private enqueue(
    texts: string[],
    account: string | undefined,
    signal?: AbortSignal,
  ): { vector: Promise<Float32Array>; cancel: (reason: unknown) => void } {
    let job!: Job;
    const vector = new Promise<Float32Array>((resolve, reject) => {
      job = { texts, account, settled: false, resolve, reject };
    });
    const cancel = (reason: unknown) => {
      if (job.settled) return;
      // Not started: it leaves the queue. Running: the model call goes on for the others in it; this result is dropped.
      this.queue.remove(job);
      job.reject(reason);
    };
    const onAbort = () => cancel(signal!.reason);
    const settle =
      <T>(fn: (value: T) => void) =>
      (value: T) => {
        if (job.settled) return;
        job.settled = true;
        signal?.removeEventListener("abort", onAbort);
        fn(value);
      };
    job.resolve = settle(job.resolve);
    job.reject = settle(job.reject);
    signal?.addEventListener("abort", onAbort, { once: true });
    // A cancelled ticket nobody awaits any more must not surface as an unhandled rejection.
    vector.catch(() => {});
    this.queue.push(job);
    this.dispatch();
    return { vector, cancel };
  }

  private dispatch(): void {
    while (this.inFlight.size < this.options.workers * this.options.callsPerWorker) {
      const batch = this.queue.takeBatch(this.options.batchSize);
      if (batch.length === 0) return;
      const texts = batch.flatMap((job) => job.texts);
      const call = { texts: texts.length, startedAt: this.now() };
      this.inFlight.add(call);
      this.options
        .runBatch(texts)
        .then(({ vectors: flat, modelMs }) => {
          if (flat.length !== texts.length * this.options.dimensions)
            throw new ApiError("PROVIDER_ERROR", `${this.options.label} returned ${flat.length} values`);
          this.measure(texts.length, modelMs);
          let offset = 0;
          for (const job of batch) {
            const end = offset + job.texts.length * this.options.dimensions;
            job.resolve(flat.subarray(offset, end));
            offset = end;
          }
        })
        .catch((error) => {
          for (const job of batch) job.reject(error);
        })
        .finally(() => {
          this.inFlight.delete(call);
          // The next call handed out to this worker started when this one ended.
          const next = [...this.inFlight][this.options.workers - 1];
          if (next) next.startedAt = Math.max(next.startedAt, this.now());
          this.dispatch();
        });
    }
  }

  private measure(texts: number, elapsedMs: number): void {
    if (!(elapsedMs > 0)) return;
    this.msPerText = SMOOTHING * (elapsedMs / texts) + (1 - SMOOTHING) * this.msPerText;
  }

  private split(flat: Float32Array): Float32Array[] {
    const out: Float32Array[] = [];
    for (let offset = 0; offset < flat.length; offset += this.options.dimensions)
      out.push(toUnitVector(flat.subarray(offset, offset + this.options.dimensions), this.options.label));
    return out;
  }
}
