/**
 * When the attempt after `attemptsSoFar` failed ones is due, or null when the schedule (the waits after the 1st, 2nd,
 * … failure: WEBHOOKS_RETRY_SCHEDULE) is used up. Up to 10% of jitter spreads the retries of many deliveries that
 * failed together (a receiver that was down).
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
