const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250ms`, `90s`, `5m`, `2h`, `3d` into milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}

/** A comma-separated list of durations; throws naming the bad entry. */
export function parseDurations(text: string): number[] {
  return text.split(",").map((part) => {
    const ms = parseDuration(part);
    if (ms === undefined) throw new Error(`"${part.trim()}" is not a duration (e.g. 5s, 30m, 2h, 1d)`);
    return ms;
  });
}
