import { promises as fs } from "node:fs";
import type { SqliteDatabase } from "./sqlite.js";

/**
 * Group commit for SQLite without blocking the event loop on fsync. A batch commits with synchronous=NORMAL (its
 * WAL frames are written, not yet flushed); `sync()` then waits for an fdatasync of the WAL file that started after
 * the commit, run on libuv's thread pool. One flush covers every commit made before it began, and commits made
 * while it runs share the next one, so the disk's flush latency overlaps with work instead of adding to each batch.
 * Nothing is acknowledged before its flush: the promise is the same as synchronous=FULL, including on power loss
 * (fsync covers the file whichever descriptor wrote it). Other stores keep synchronous=FULL.
 */
export class WalSync {
  private handle?: Promise<fs.FileHandle | undefined>;
  /** Commits made so far, and how many of them a finished flush covers. */
  private committed = 0;
  private flushed = 0;
  private flushing?: Promise<void>;

  constructor(private readonly db: SqliteDatabase) {}

  /** Runs a write transaction with synchronous=NORMAL (restoring FULL), and returns its commit number. */
  commit<T>(transaction: () => T): { result: T; commit: number } {
    if (this.db.memory) return { result: transaction(), commit: this.committed };
    this.db.pragma("synchronous = NORMAL");
    try {
      const result = transaction();
      return { result, commit: ++this.committed };
    } finally {
      this.db.pragma("synchronous = FULL");
    }
  }

  /** Resolves once commit number `commit` is durable. */
  async durable(commit: number): Promise<void> {
    while (this.flushed < commit) {
      if (!this.flushing) this.flushing = this.flush().finally(() => (this.flushing = undefined));
      await this.flushing;
    }
  }

  private async flush(): Promise<void> {
    // Let work that is ready this turn of the event loop commit first (callers released by the previous flush
    // come back at once with their next batch), so one flush covers them too.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const covers = this.committed;
    const handle = await this.open();
    if (handle) await handle.datasync();
    this.flushed = Math.max(this.flushed, covers);
  }

  private open(): Promise<fs.FileHandle | undefined> {
    this.handle ??= fs.open(`${this.db.name}-wal`, "r").catch(() => {
      this.handle = undefined;
      return undefined;
    });
    return this.handle;
  }

  async close(): Promise<void> {
    await (await this.handle)?.close();
  }
}
