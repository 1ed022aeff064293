import type { Database } from "./open.js";

/**
 * A lock on a name, held while `fn` runs: in-process for SQLite (one process owns the file), and a PostgreSQL
 * session advisory lock (plus the in-process queue) when several processes share the database. Never hold it around
 * an SQLite transaction that itself waits for the lock.
 */
export class NamedLocks {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly db: Database) {}

  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    const tail = previous.then(() => mine);
    this.tails.set(name, tail);
    try {
      await previous;
      return this.db.dialect === "postgres" ? await this.withAdvisoryLock(name, fn) : await fn();
    } finally {
      release();
      if (this.tails.get(name) === tail) this.tails.delete(name);
    }
  }

  private async withAdvisoryLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.db.dialect !== "postgres") return fn();
    const client = await this.db.sql.pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [name]);
      try {
        return await fn();
      } finally {
        await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [name]);
      }
    } finally {
      client.release();
    }
  }
}
