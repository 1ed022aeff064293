import { StaleWriteError, type TransactionalWrite } from "../db/sql.js";
import type { Job, JobQueue } from "./queue.js";

export interface JobContext {
  job: Job;
  /**
   * Aborted when the lease is lost (another worker took the job over) or the service shuts down. Either way the job
   * runs again, here or elsewhere: an aborted handler stops without undoing anything (the next attempt owns it).
   */
  signal: AbortSignal;
  /**
   * This attempt's hold on the job (`JobQueue.leaseFence`), to run first in the transaction of a write that must not
   * land once the job was taken over; such a write then throws `StaleWriteError`, which ends the attempt like a lost
   * lease. Checked by the database in the write's own transaction, it does not depend on this process noticing the
   * loss in time (a renewal is only every third of the lease).
   */
  fence: TransactionalWrite;
}

export interface JobHandler {
  run(ctx: JobContext): Promise<void>;
  /** Called once a job has failed `maxAttempts` times (or threw a final error): release what it held. */
  giveUp(job: Job, error: unknown): Promise<void>;
}

/** Thrown by a handler for failures that retrying cannot fix (bad input, refused payment). */
export class FinalJobError extends Error {
  override name = "FinalJobError";
}

/** Thrown by a handler for a failure worth trying again after a pause (a mail server away): not before `delayMs`. */
export class RetryLaterError extends Error {
  override name = "RetryLaterError";
  constructor(
    readonly delayMs: number,
    options?: { cause?: unknown },
  ) {
    super(`will try again in ${Math.round(delayMs / 1000)} s`, options);
  }
}

/**
 * What a failure is recorded as: the error a FinalJobError wraps, not the wrapper. The wrapper only says "do not
 * retry"; the cause (an ApiError such as URL_NOT_ALLOWED) is what the customer must read on the failed resource.
 */
export function failureCause(error: unknown): unknown {
  let e = error;
  while (e instanceof FinalJobError && e.cause !== undefined) e = e.cause;
  return e;
}

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Claims and runs jobs in this process: `concurrency` at a time, woken at once by `poke()` when this process queues
 * work and by polling for work queued elsewhere. A job that keeps crashing is given up after `maxAttempts`.
 */
export class JobWorker {
  private running = 0;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private readonly controllers = new Set<AbortController>();
  private readonly active = new Set<Promise<void>>();

  constructor(
    private readonly queue: JobQueue,
    private readonly handlers: Record<string, JobHandler>,
    private readonly options: {
      owner: string;
      concurrency: number;
      leaseMs: number;
      pollMs: number;
      maxAttempts: number;
      log: Logger;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.poke(), this.options.pollMs);
    this.timer.unref();
    this.poke();
  }

  /** Looks for work now. */
  poke(): void {
    while (!this.stopped && this.running < this.options.concurrency) {
      this.running++;
      const p = this.claimAndRun().finally(() => {
        this.running--;
        this.active.delete(p);
      });
      this.active.add(p);
    }
  }

  private async claimAndRun(): Promise<void> {
    const { queue, options } = this;
    let job: Job | undefined;
    try {
      job = await queue.claim(options.owner, options.leaseMs, Object.keys(this.handlers));
    } catch (err) {
      options.log.error({ err }, "claiming a job failed");
      return;
    }
    if (!job) return;
    const handler = this.handlers[job.kind]!;
    const controller = new AbortController();
    this.controllers.add(controller);
    let leaseLost = false;
    const renew = setInterval(
      () => {
        queue.renew(job, options.owner, options.leaseMs).then(
          (ok) => {
            if (ok) return;
            leaseLost = true;
            controller.abort(new Error("the job's lease was lost"));
          },
          (err) => options.log.warn({ err, jobId: job.id }, "renewing a job lease failed"),
        );
      },
      Math.max(250, options.leaseMs / 3),
    );
    try {
      if (job.attempts > options.maxAttempts) throw new FinalJobError(`gave up after ${job.attempts - 1} attempts`);
      await handler.run({ job, signal: controller.signal, fence: queue.leaseFence(job, options.owner) });
      await queue.finish(job, options.owner, { status: "done" });
    } catch (error) {
      if (controller.signal.aborted && this.stopped) {
        // Shutting down: the job is claimed again once its lease runs out, here or in another process.
        options.log.info({ jobId: job.id }, "job interrupted by shutdown; it will resume");
      } else if (leaseLost || error instanceof StaleWriteError) {
        // This process was too slow to renew (a starved CPU, a stalled database) and another worker claimed the job,
        // as a renewal or a fenced write found: it is that worker's now, to finish or to give up; this attempt
        // records nothing.
        options.log.warn({ jobId: job.id, kind: job.kind, err: error }, "job's lease was lost; another worker has it");
      } else if (error instanceof FinalJobError || job.attempts >= options.maxAttempts) {
        const cause = failureCause(error);
        options.log.warn({ jobId: job.id, kind: job.kind, err: error }, "job failed");
        await handler.giveUp(job, cause).catch((err) => options.log.error({ err }, "giving up a job failed"));
        await queue.finish(job, options.owner, {
          status: "failed",
          error: String((cause as Error)?.message ?? cause),
        });
      } else if (error instanceof RetryLaterError) {
        options.log.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, err: error.cause }, error.message);
        const cause = error.cause as Error | undefined;
        await queue.defer(job, options.owner, Date.now() + error.delayMs, String(cause?.message ?? cause));
      } else {
        options.log.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, err: error }, "job failed; retrying");
        await queue.requeue(job, options.owner, String((error as Error).message ?? error));
      }
    } finally {
      clearInterval(renew);
      this.controllers.delete(controller);
    }
    // There may be more work waiting.
    if (!this.stopped) setImmediate(() => this.poke());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const c of this.controllers) c.abort(new Error("the service is shutting down"));
    await Promise.allSettled([...this.active]);
  }
}
