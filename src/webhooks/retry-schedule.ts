/** Waits between attempts: 8 attempts over about 28 hours (Standard Webhooks' suggested shape). */
export const DEFAULT_RETRY_SCHEDULE = "5s,5m,30m,2h,5h,10h,10h";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `90s`, `5m`, `2h`, `3d`, `250ms`; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}

/** A comma-separated list of durations; throws naming the bad entry. */
export function parseSchedule(text: string): number[] {
  return text.split(",").map((part) => {
    const ms = parseDuration(part);
    if (ms === undefined) throw new Error(`"${part.trim()}" is not a duration (e.g. 5s, 30m, 2h, 1d)`);
    return ms;
  });
}

/**
 * When the attempt after `attemptsSoFar` failed ones is due, or null when the schedule is used up. Up to 10% of
 * jitter spreads the retries of many deliveries that failed together (a receiver that was down).
 */
export function nextAttemptAt(
  schedule: number[],
  attemptsSoFar: number,
  now: number,
  random = Math.random,
): number | null {
  const wait = schedule[attemptsSoFar - 1];
  if (wait === undefined) return null;
  return now + wait + Math.floor(wait * 0.1 * random());
}
