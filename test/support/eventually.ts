/** How long `eventually` polls and what it calls the awaited thing in its failure. */
export interface EventuallyOptions {
  /** Named in the failure: "timed out waiting for <what>". */
  what?: string;
  timeoutMs?: number;
  intervalMs?: number;
}

type Passed<T> = Exclude<T, undefined | null | false>;

/**
 * Polls `probe` until it passes — returns without throwing a value other than `undefined`, `null` or `false` — and
 * gives that value; for state the service writes in the background (jobs, other processes, webhooks). A probe may
 * assert (`expect(...)`) or answer "not yet" with `undefined`/`false`. At the deadline it fails with the last
 * failure's message, keeping the assertion's expected/actual for the diff.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  options: EventuallyOptions | string = {},
): Promise<Passed<T>> {
  const {
    what = "the condition",
    timeoutMs = 20_000,
    intervalMs = 50,
  } = typeof options === "string" ? { what: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as Passed<T>;
      failure = new Error(`the probe answered ${String(value)}`);
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) {
      const prefix = `timed out after ${timeoutMs} ms waiting for ${what}`;
      if (failure instanceof Error) {
        failure.message = `${prefix}: ${failure.message}`;
        throw failure;
      }
      throw new Error(`${prefix}: ${String(failure)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
