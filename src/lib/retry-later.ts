/**
 * Clean-up that failed because the database was unreachable (a hold's release, a forgotten idempotency claim) is
 * retried in the background until it succeeds, so it takes effect as soon as the database is back instead of when a
 * lease or an expiry runs out. Each task is keyed, so the same clean-up is never queued twice. In memory only: if the
 * process dies, the crash paths (the hold sweeper, lease expiry) take over.
 */
export class RetryLater {
  private readonly tasks = new Map<string, () => Promise<unknown>>();
  private timer?: NodeJS.Timeout;
  private delayMs: number;

  constructor(
    private readonly options: {
      firstDelayMs?: number;
      maxDelayMs?: number;
      onError?: (error: unknown) => void;
    } = {},
  ) {
    this.delayMs = options.firstDelayMs ?? 500;
  }

  get pending(): number {
    return this.tasks.size;
  }

  add(key: string, task: () => Promise<unknown>): void {
    this.tasks.set(key, task);
    this.schedule();
  }

  /** Runs every pending task once now; those that fail stay queued. */
  async flush(): Promise<void> {
    for (const [key, task] of [...this.tasks]) {
      try {
        await task();
        this.tasks.delete(key);
      } catch (error) {
        this.options.onError?.(error);
        // The database is most likely still away: the rest would fail the same way.
        return;
      }
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.tasks.size === 0) return;
    this.timer = setTimeout(async () => {
      this.timer = undefined;
      const before = this.tasks.size;
      await this.flush();
      const progressed = this.tasks.size < before;
      this.delayMs = progressed
        ? (this.options.firstDelayMs ?? 500)
        : Math.min(this.options.maxDelayMs ?? 5_000, this.delayMs * 2);
      this.schedule();
    }, this.delayMs);
    this.timer.unref();
  }
}
