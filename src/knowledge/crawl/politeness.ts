import { setTimeout as delay } from "node:timers/promises";

/** Waits ms, or rejects when the signal aborts. Injected in tests to observe crawl delays without waiting. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal });

/**
 * Spaces the start of requests to one origin by its robots.txt Crawl-delay. Requests queue in arrival order; each
 * waits the full delay after the previous one started, so the spacing holds whatever the concurrency.
 */
export class OriginGate {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly delayMs: number,
    private readonly sleep: Sleep,
  ) {}

  /** Resolves when this request may start. The robots.txt fetch counts as the origin's first request. */
  turn(signal: AbortSignal): Promise<void> {
    if (this.delayMs <= 0) return Promise.resolve();
    const mine = this.tail.then(() => this.sleep(this.delayMs, signal));
    this.tail = mine.catch(() => {});
    return mine;
  }
}
