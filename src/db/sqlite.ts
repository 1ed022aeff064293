import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import * as sqliteVec from "sqlite-vec";
import { Mutex } from "../lib/mutex.js";
import type { Param, Row, Sql } from "./sql.js";
import { WalSync } from "./wal-sync.js";

export type SqliteDatabase = Database.Database;

/**
 * One SQLite file opened for the service: WAL, secure_delete so deleted text is overwritten in place, foreign keys on.
 * It opens with synchronous=FULL; `SqliteSql` then hands durability to `WalSync` (synchronous=NORMAL plus one shared
 * fdatasync of the WAL that every acknowledged write awaits), so nothing acknowledged is lost either way.
 */
export function openSqlite(file: string): SqliteDatabase {
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // sqlite-vec: vec_distance_cosine for filtered semantic search, and the vec0 tables of knowledge indexes written
  // before migration 3 (sqlite-upgrade.ts moves them out).
  sqliteVec.load(db);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("secure_delete = ON");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.pragma("cache_size = -32000");
  return db;
}

/**
 * Erases what deleted rows leave behind: copies every WAL frame into the database file and truncates the WAL to
 * zero bytes (with secure_delete the freed pages in the main file were already zeroed).
 */
export function purgeSqliteFreePages(db: SqliteDatabase): void {
  db.pragma("wal_checkpoint(TRUNCATE)");
}

function toSqliteParam(p: Param): unknown {
  if (p === undefined) return null;
  if (typeof p === "boolean") return p ? 1 : 0;
  return p;
}

/** Prepared statements of one connection, each prepared once on first use. */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: SqliteDatabase) {}

  get(text: string): Database.Statement {
    let stmt = this.statements.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text);
      this.statements.set(text, stmt);
    }
    return stmt;
  }
}

/**
 * The Sql port over better-sqlite3. better-sqlite3 is synchronous and has one connection, so an open async
 * transaction would otherwise swallow statements issued by unrelated requests: every statement and transaction
 * goes through one FIFO lock, which is free (and skipped) when nothing is waiting. A write resolves once it is
 * durable (see WalSync): its commit's WAL flush runs off the event loop, shared with other commits.
 */
export class SqliteSql implements Sql {
  readonly dialect = "sqlite" as const;
  readonly walSync: WalSync;

  constructor(
    readonly db: SqliteDatabase,
    readonly lock: Mutex = new Mutex(),
    private readonly inTransaction = false,
    private readonly statements = new StatementCache(db),
    walSync?: WalSync,
    /** What `afterCommit` queued in this transaction. */
    private readonly committed: (() => void)[] = [],
  ) {
    this.walSync = walSync ?? new WalSync(db);
  }

  /** After a statement outside a transaction: a write auto-committed, so wait until it is on disk. */
  private async settle<T>(result: T, text: string): Promise<T> {
    if (!this.inTransaction && !this.statements.get(text).readonly)
      await this.walSync.durable(this.walSync.noteCommit());
    return result;
  }

  /** Runs `fn` now if nothing holds the lock (or we are inside the holder's transaction), else after the holder. */
  private guarded<T>(fn: () => T): T | Promise<T> {
    if (this.inTransaction || !this.lock.locked) return fn();
    return this.lock.run(fn);
  }

  async all<T = Row>(text: string, params: Param[] = []): Promise<T[]> {
    return this.settle(await this.guarded(() => this.allSync<T>(text, params)), text);
  }

  async get<T = Row>(text: string, params: Param[] = []): Promise<T | undefined> {
    return this.settle(await this.guarded(() => this.getSync<T>(text, params)), text);
  }

  async run(text: string, params: Param[] = []): Promise<number> {
    return this.settle(await this.guarded(() => this.runSync(text, params)), text);
  }

  allSync<T = Row>(text: string, params: Param[] = []): T[] {
    const stmt = this.statements.get(text);
    const args = params.map(toSqliteParam);
    if (stmt.reader) return stmt.all(...args) as T[];
    stmt.run(...args);
    return [];
  }

  getSync<T = Row>(text: string, params: Param[] = []): T | undefined {
    return this.statements.get(text).get(...params.map(toSqliteParam)) as T | undefined;
  }

  runSync(text: string, params: Param[] = []): number {
    return this.statements.get(text).run(...params.map(toSqliteParam)).changes;
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    const committed: (() => void)[] = [];
    const { result, commit } = await this.lock.run(async () => {
      const tx = new SqliteSql(this.db, this.lock, true, this.statements, this.walSync, committed);
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const value = await fn(tx);
        this.db.exec("COMMIT");
        return { result: value, commit: this.walSync.noteCommit() };
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
    });
    await this.walSync.durable(commit);
    for (const hook of committed) hook();
    return result;
  }

  afterCommit(fn: () => void): void {
    if (this.inTransaction) this.committed.push(fn);
    else fn();
  }
}
