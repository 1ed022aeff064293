import { ApiError } from "../../errors.js";

/**
 * The wall-clock budget of one extraction. Parsers are synchronous in places (pdf.js runs in this thread, linkedom,
 * csv-parse), so the budget is enforced between units of work (pages, parts) and on every awaited step; a single
 * unit cannot be interrupted midway.
 */
export class Deadline {
  private readonly endsAt: number;

  constructor(
    private readonly timeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {
    this.endsAt = Date.now() + timeoutMs;
  }

  /** Whether the caller aborted (its reason is then passed through untouched). */
  get aborted(): boolean {
    return this.signal?.aborted === true;
  }

  /** Throws when the budget is spent or the caller aborted. */
  check(): void {
    if (this.signal?.aborted) throw this.signal.reason ?? new Error("aborted");
    if (Date.now() > this.endsAt) throw this.expired();
  }

  private expired(): ApiError {
    return new ApiError("DOCUMENT_UNREADABLE", `Extraction took longer than ${this.timeoutMs} ms`, {
      reason: "timeout",
    });
  }

  /** Settles with `work`, or rejects as `check` would once the budget runs out first. */
  async race<T>(work: Promise<T>): Promise<T> {
    try {
      this.check();
    } catch (error) {
      // `work` is abandoned; its eventual rejection (pdf.js rejects on destroy) must not go unhandled.
      work.catch(() => undefined);
      throw error;
    }
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.expired()), Math.max(0, this.endsAt - Date.now()) + 1);
      onAbort = () => reject(this.signal?.reason ?? new Error("aborted"));
      this.signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([work, expiry]);
    } finally {
      clearTimeout(timer);
      if (onAbort) this.signal?.removeEventListener("abort", onAbort);
    }
  }
}
