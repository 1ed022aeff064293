import { promises as fs } from "node:fs";
import type { SqliteDatabase } from "./sqlite.js";

/**
 * Group commit for SQLite without blocking the event loop on fsync. The connection runs with synchronous=NORMAL:
 * a commit writes its WAL frames but does not flush them. Every writer then awaits `durable(commit)`, which waits
 * for an fdatasync of the WAL file that began after that commit, run on libuv's thread pool. The WAL is written in
 * order, so one flush covers every commit made before it began, and commits made while it runs share the next one.
 * Nothing is acknowledged before its flush: the promise is that of synchronous=FULL, power loss included (fsync
 * covers the file whichever descriptor wrote it), at a fraction of the cost and with the event loop free.
 */
export class WalSync {
  private handle?: Promise<fs.FileHandle | undefined>;
  /** Commits made so far, and how many of them a finished flush covers. */
  private committed = 0;
  private flushed = 0;
  private flushing?: Promise<void>;
  /** Flushes run and their total duration: the floor under a waiting writer's latency (bench/ledger.ts prints it). */
  readonly stats = { flushes: 0, flushMs: 0 };

  constructor(private readonly db: SqliteDatabase) {
    db.pragma("synchronous = NORMAL");
    // A checkpoint runs inside the commit that crosses this many WAL pages, on the event loop, and fsyncs the WAL and
    // the database file. A ledger batch of 32 charges writes ~50 pages (one idempotency-index leaf per charge), so
    // SQLite's default of 1,000 checkpointed every ~20 batches, copying the same hot leaves again each time and
    // competing with the WAL flushes that acknowledgements wait for. At 10,000 (a WAL of up to ~40 MB, reused from
    // its start after each checkpoint) a leaf rewritten by 200 batches is copied once: in nine paired runs of
    // bench/ledger.ts the mean WAL flush fell and charges/s rose 1.4–3.4×.
    db.pragma("wal_autocheckpoint = 10000");
  }

  /** Records that a write transaction has just committed; returns its number for `durable`. */
  noteCommit(): number {
    return ++this.committed;
  }

  /** Resolves once commit number `commit` is on disk. */
  async durable(commit: number): Promise<void> {
    while (this.flushed < commit) {
      if (!this.flushing) this.flushing = this.flush().finally(() => (this.flushing = undefined));
      await this.flushing;
    }
  }

  private async flush(): Promise<void> {
    const covers = this.committed;
    const start = performance.now();
    const handle = await this.open();
    if (handle) await handle.datasync();
    this.flushed = Math.max(this.flushed, covers);
    this.stats.flushes++;
    this.stats.flushMs += performance.now() - start;
  }

  private open(): Promise<fs.FileHandle | undefined> {
    if (this.db.memory) return Promise.resolve(undefined);
    this.handle ??= fs.open(`${this.db.name}-wal`, "r").catch(() => {
      this.handle = undefined;
      return undefined;
    });
    return this.handle;
  }

  async close(): Promise<void> {
    await (await this.handle)?.close();
    this.handle = undefined;
  }
}
