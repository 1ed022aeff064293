import type { Sql } from "../db/sql.js";
import type { Outbox } from "../events/outbox.js";

const DAY = 24 * 3600_000;
/** Expired licences older than this are not announced (a first sweep after an upgrade must not mail old news). */
const EXPIRED_NOTICE_WINDOW = 7 * DAY;

type Notice = "expiring_14" | "expiring_3" | "expired";

/** The one notice a licence is due now: the most urgent (one expiring in 2 days gets the 3-day notice only). */
export function noticeDue(expiresAt: number, now: number): Notice | undefined {
  if (expiresAt <= now) return expiresAt > now - EXPIRED_NOTICE_WINDOW ? "expired" : undefined;
  if (expiresAt - now <= 3 * DAY) return "expiring_3";
  if (expiresAt - now <= 14 * DAY) return "expiring_14";
  return undefined;
}

/**
 * `license.expiring` (14 and 3 days before `expires_at`) and `license.expired`, from a periodic sweep. Each notice is
 * a row keyed by licence, notice and expiry date, inserted in the transaction that writes its event: any number of
 * sweeps, in any number of processes, announce each once.
 */
export class LicenseExpirySweep {
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { sql: Sql; outbox: Outbox; log: { warn(obj: object, msg: string): void } }) {}

  /** Sweeps every `intervalMs`, the first time a minute after start-up (once the process has settled in). */
  start(intervalMs = 3600_000, firstAfterMs = 60_000): void {
    const run = () => {
      this.sweep().catch((err) => this.deps.log.warn({ err }, "the licence expiry sweep failed (will retry)"));
    };
    this.first = setTimeout(run, firstAfterMs);
    this.first.unref();
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.first);
    clearInterval(this.timer);
  }

  /** Announces what is due; returns how many notices this call wrote. */
  async sweep(now = Date.now()): Promise<number> {
    const { sql, outbox } = this.deps;
    const rows = await sql.all<{ id: string; account_id: string; plan: string; expires_at: number }>(
      `SELECT id, account_id, plan, expires_at FROM licenses
       WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ? AND expires_at > ?`,
      [now + 14 * DAY, now - EXPIRED_NOTICE_WINDOW],
    );
    let written = 0;
    for (const row of rows) {
      const expiresAt = Number(row.expires_at);
      const notice = noticeDue(expiresAt, now);
      if (!notice) continue;
      const wrote = await sql.transaction(async (tx) => {
        const inserted = await tx.run(
          `INSERT INTO license_notices (license_id, notice, expires_at, created_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (license_id, notice, expires_at) DO NOTHING`,
          [row.id, notice, expiresAt, now],
        );
        if (inserted === 0) return false;
        const base = { licenseId: row.id, plan: row.plan, expiresAt: new Date(expiresAt).toISOString() };
        await outbox.insert(
          tx,
          notice === "expired"
            ? { accountId: row.account_id, type: "license.expired", data: base }
            : {
                accountId: row.account_id,
                type: "license.expiring",
                data: { ...base, daysLeft: Math.max(1, Math.ceil((expiresAt - now) / DAY)) },
              },
        );
        return true;
      });
      if (wrote) written++;
    }
    return written;
  }
}
