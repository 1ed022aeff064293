/** How long a spend limit's allowance lasts: a UTC day, an ISO week (from Monday 00:00 UTC), a calendar month, or for ever. */
export const SPEND_PERIODS = ["day", "week", "month", "total"] as const;
export type SpendPeriod = (typeof SPEND_PERIODS)[number];

const DAY = 86_400_000;

function startOfDay(now: number): number {
  return Math.floor(now / DAY) * DAY;
}

/** Where the current period of a limit began: `total` counts from the limit's creation. */
export function periodStart(period: SpendPeriod, now: number, createdAt: number): number {
  switch (period) {
    case "day":
      return startOfDay(now);
    case "week": {
      const day = startOfDay(now);
      // 1970-01-01 was a Thursday: (getUTCDay() + 6) % 7 counts days since Monday.
      return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
    }
    case "month": {
      const d = new Date(now);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    }
    case "total":
      return createdAt;
  }
}

/** When the period that began at `start` ends (the limit resets); null for `total`, which never does. */
export function periodEnd(period: SpendPeriod, start: number): number | null {
  switch (period) {
    case "day":
      return start + DAY;
    case "week":
      return start + 7 * DAY;
    case "month": {
      const d = new Date(start);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
    case "total":
      return null;
  }
}

/** The start of each calendar period at `now`, as the ledger's atomic step receives them. */
export function currentPeriodStarts(now: number): Record<Exclude<SpendPeriod, "total">, number> {
  return {
    day: periodStart("day", now, now),
    week: periodStart("week", now, now),
    month: periodStart("month", now, now),
  };
}

const ADJECTIVE: Record<SpendPeriod, string> = { day: "daily", week: "weekly", month: "monthly", total: "total" };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "00:00 UTC on 7 Dec" — how a reset time reads to a customer. */
export function resetPhrase(at: number): string {
  const d = new Date(at);
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${hh}:${mm} UTC on ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
}

export function periodAdjective(period: SpendPeriod): string {
  return ADJECTIVE[period];
}
