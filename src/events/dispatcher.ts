import { prepared, type Sql } from "../db/sql.js";
import { type EventRow, toEvent } from "./outbox.js";
import type { OutboxEvent } from "./types.js";

/**
 * Whether any event waits. Most nudges find none (every spend nudges, whether or not its alert condition wrote an
 * event): one indexed read answers that, where the claiming transaction takes three statements (BEGIN, the locking
 * read, COMMIT) — on PostgreSQL that was a quarter of a search's statements.
 */
const ANY_WAITING = prepared("SELECT 1 AS one FROM events WHERE dispatched_at IS NULL LIMIT 1");

/**
 * Something that acts on every committed event once: the webhook fan-out, the emails. `acceptBatch` runs inside the
 * transaction that marks the events dispatched, so it must only write rows (queue its own work) and never call out:
 * either a batch is dispatched to every channel or to none, and a crash or failure in between dispatches it again.
 * It takes a whole batch (oldest first, any mix of accounts and types) so a channel reads and writes once per
 * batch rather than once per event: on PostgreSQL every statement is a round trip, held inside the transaction.
 */
export interface EventChannel {
  readonly name: string;
  acceptBatch(tx: Sql, events: OutboxEvent[]): Promise<void>;
  /** Called after a transaction that handed it events has committed: the moment to wake its own worker. */
  afterCommit?(): void;
}

/**
 * Moves committed events from the outbox to the channels, oldest first. Several processes may run one: on
 * PostgreSQL each claims its rows with SKIP LOCKED; SQLite has one writer. Woken by `nudge` after a commit, and by a
 * poll for events written by other processes.
 */
export class EventDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly sql: Sql,
    private readonly channels: EventChannel[],
    private readonly log: { warn(obj: object, msg: string): void },
    private readonly pollMs = 1000,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.nudge(), this.pollMs);
    this.timer.unref();
    this.nudge();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Dispatches soon (coalesced: a burst of commits is one pass). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch((err) => this.log.warn({ err }, "events wait to be dispatched (will retry)"))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /** Dispatches until the outbox is empty; returns how many events it dispatched. */
  async drain(): Promise<number> {
    if (!(await this.sql.get(ANY_WAITING))) return 0;
    let total = 0;
    for (;;) {
      const n = await this.dispatchBatch(100);
      total += n;
      if (n < 100 || this.stopped) return total;
    }
  }

  private async dispatchBatch(limit: number): Promise<number> {
    const lock = this.sql.dialect === "postgres" ? " FOR UPDATE SKIP LOCKED" : "";
    const n = await this.sql.transaction(async (tx) => {
      const rows = await tx.all<EventRow>(
        `SELECT id, account_id, type, data, created_at FROM events WHERE dispatched_at IS NULL
         ORDER BY created_at, id LIMIT ?${lock}`,
        [limit],
      );
      if (rows.length === 0) return 0;
      const events = rows.map(toEvent);
      for (const channel of this.channels) await channel.acceptBatch(tx, events);
      const ids = rows.map((r) => r.id);
      await tx.run(`UPDATE events SET dispatched_at = ? WHERE id IN (${ids.map(() => "?").join(", ")})`, [
        Date.now(),
        ...ids,
      ]);
      return rows.length;
    });
    if (n > 0) for (const channel of this.channels) channel.afterCommit?.();
    return n;
  }
}
