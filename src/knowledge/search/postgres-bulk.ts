import type { PgQueryable } from "./postgres-keyword.js";
import { hnswIndexDdl, vectorTable } from "./postgres-schema.js";
import type { PostgresVectorIndex } from "./postgres-vectors.js";

/** A pool hands out one session for the build's settings; PGlite is one session already. */
type SessionSource = PgQueryable & { connect?: () => Promise<PgQueryable & { release(): void }> };

export interface BulkBuildOptions {
  /** `maintenance_work_mem` of an index build: the HNSW graph is built in memory when it fits (~2.5 kB per 512-d row). */
  memory: string;
  /** `max_parallel_maintenance_workers` of an index build (besides the leader). */
  workers: number;
  /** Below this many chunks, or a tenth of the rows already indexed, rows go into the live index one by one. */
  minChunks: number;
  /**
   * How long a `CREATE INDEX CONCURRENTLY` may wait for other transactions (`lock_timeout`, per wait) before the
   * index is built without CONCURRENTLY instead.
   */
  concurrentWaitMs: number;
}

export const DEFAULT_BULK_BUILD: BulkBuildOptions = {
  memory: "1GB",
  workers: 2,
  minChunks: 10_000,
  concurrentWaitMs: 60_000,
};

/** Whether a load of `chunks` into a table of `indexedRows` vectors drops its index first (see `BulkLoads`). */
export function worthRebuilding(chunks: number, indexedRows: number, minChunks: number): boolean {
  return chunks >= minChunks && chunks * 10 >= indexedRows;
}

const LOCK_POLL_MS = 200;
const LOCK_NOT_AVAILABLE = "55P03";

/**
 * Rows first, index after: inserting into pgvector's HNSW graph walks it once per row (~4 ms per 512-d row at 100k),
 * while a build from the rows sorts it out in memory with parallel workers. One HNSW index serves every tenant of a
 * dimension, so this is worth it only when the load is large against what is indexed already; meanwhile searches of
 * that dimension are exact scans of each knowledge base's rows (correct, slower), and other writes go on.
 *
 * Overlapping bulk loads (other jobs, other processes) are safe: each drops the index if it is there and each
 * rebuilds it if it is missing or left invalid by a build that died, so whoever ends last leaves a valid index.
 */
export class BulkIndexBuilder {
  constructor(
    private readonly db: SessionSource,
    private readonly options: BulkBuildOptions,
  ) {}

  /** Whether a load of `chunks` should drop the index first: large, and large against the indexed rows. */
  async worthRebuilding(dimensions: number, chunks: number): Promise<boolean> {
    if (chunks < this.options.minChunks) return false;
    const rows = (
      await this.db.query("SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = to_regclass($1)", [
        vectorTable(dimensions),
      ])
    ).rows as { n: number }[];
    return worthRebuilding(chunks, rows[0]?.n ?? 0, this.options.minChunks);
  }

  /**
   * Drops the index, after any build of it in progress (a DROP queued behind a build would stall every search of the
   * dimension). False when the table's lock could not be had in time: the load then goes through the live index.
   */
  async dropIndex(dimensions: number): Promise<boolean> {
    return this.locked(dimensions, async (q) => {
      try {
        await q.query(`SET lock_timeout = ${this.waitMs()}`);
        await q.query(`DROP INDEX IF EXISTS ${vectorTable(dimensions)}_hnsw`);
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return false;
        throw error;
      } finally {
        await q.query("RESET lock_timeout").catch(() => {});
      }
    });
  }

  /**
   * Builds the HNSW index unless a valid one is there, with the build's memory and workers, under the table's build
   * lock: a second builder waits and then finds the index valid, and an invalid index is one whose build died (not
   * one in progress) when it is dropped here.
   *
   * CONCURRENTLY keeps every tenant's writes of the dimension going during the build, but it waits for every
   * transaction of the whole database that holds an older snapshot, other schemas' included: one left idle in a
   * transaction would hold it (and the table's build lock) forever. So its waits are bounded by `lock_timeout`, and
   * past it the index is built plainly: that waits only for writes of this table (bounded too), and holds the next
   * ones until it ends. Failing that, the index stays missing (exact scans) until the next bulk load or restart.
   */
  async buildIndex(dimensions: number, ext: string): Promise<void> {
    const t = vectorTable(dimensions);
    await this.locked(dimensions, async (q, pooled) => {
      const state = (
        await q.query("SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass($1)", [`${t}_hnsw`])
      ).rows as { valid: boolean }[];
      if (state[0]?.valid) return;
      let altered = false;
      try {
        await q.query(`SET lock_timeout = ${this.waitMs()}`);
        if (state[0]) await q.query(`DROP INDEX IF EXISTS ${t}_hnsw`);
        const workers = Math.max(0, Math.floor(this.options.workers));
        await q.query(`SET maintenance_work_mem = '${this.options.memory.replace(/'/g, "")}'`);
        await q.query(`SET max_parallel_maintenance_workers = ${workers}`);
        // PostgreSQL sizes a build's workers by the table's heap, and 512-d vectors live in TOAST (over 2 kB each):
        // the heap looks tiny and the build ran serially (65 s against 26 s with 2 workers, 20,000 rows). The
        // table's own setting overrides that estimate; it is reset after, so that searches' plans stay as they were.
        // (Not had within the lock timeout — autovacuum holds the table — the build runs serially.)
        if (pooled && workers > 0)
          altered = await q.query(`ALTER TABLE ${t} SET (parallel_workers = ${workers})`).then(
            () => true,
            () => false,
          );
        const ddl = hnswIndexDdl(dimensions, ext);
        // PGlite is one session: no other writers to keep going.
        if (!pooled) await q.query(ddl);
        else {
          try {
            await q.query(ddl.replace("CREATE INDEX", "CREATE INDEX CONCURRENTLY"));
          } catch (error) {
            if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
            await q.query(`DROP INDEX IF EXISTS ${t}_hnsw`); // left invalid by the CONCURRENTLY build
            await q.query(ddl);
          }
        }
      } finally {
        if (altered) await q.query(`ALTER TABLE ${t} RESET (parallel_workers)`).catch(() => {});
        await q.query("RESET lock_timeout").catch(() => {});
        await q.query("RESET maintenance_work_mem").catch(() => {});
        await q.query("RESET max_parallel_maintenance_workers").catch(() => {});
      }
    });
  }

  private waitMs(): number {
    return Math.max(1, Math.floor(this.options.concurrentWaitMs));
  }

  /**
   * Runs `fn` in one session holding the session-level advisory lock of this schema's table of `dimensions`. The
   * lock is polled, not waited for: a waiting statement holds a snapshot, and the holder's CREATE INDEX CONCURRENTLY
   * would wait for that snapshot while it waits for the lock (a deadlock PostgreSQL breaks by failing one of them).
   */
  private async locked<T>(dimensions: number, fn: (q: PgQueryable, pooled: boolean) => Promise<T>): Promise<T> {
    const session = this.db.connect ? await this.db.connect() : undefined;
    const q = session ?? this.db;
    const key = [727274103, `${vectorTable(dimensions)}_hnsw`];
    try {
      for (;;) {
        const got = (
          await q.query("SELECT pg_try_advisory_lock($1, hashtext(current_schema() || '.' || $2)) AS got", key)
        ).rows as { got: boolean }[];
        if (got[0]?.got) break;
        await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
      }
      try {
        return await fn(q, session !== undefined);
      } finally {
        await q.query("SELECT pg_advisory_unlock($1, hashtext(current_schema() || '.' || $2))", key).catch(() => {});
      }
    } finally {
      session?.release();
    }
  }
}

/**
 * Bulk loads of one index: the HNSW index of the load's dimension dropped before its rows and built after them
 * (`BulkIndexBuilder`), and statistics kept up while the rows go in.
 */
export class BulkLoads {
  private readonly builder: BulkIndexBuilder;
  /** Loads running, chunks added during them since the last ANALYZE, and how many rows that ANALYZE saw. */
  private added = { active: 0, sinceAnalyze: 0, analyzed: 1000 };

  constructor(
    private readonly db: SessionSource,
    private readonly vectors: PostgresVectorIndex,
    private readonly options: BulkBuildOptions,
  ) {
    this.builder = new BulkIndexBuilder(db, options);
  }

  /** Below this many chunks a load is not a bulk load. */
  get minChunks(): number {
    return this.options.minChunks;
  }

  async run<T>(size: { chunks: number; dimensions: number }, load: () => Promise<T>): Promise<T> {
    const ext = this.vectors.schema;
    const hnsw = ext !== undefined && size.dimensions <= 2000;
    if (!hnsw || !(await this.builder.worthRebuilding(size.dimensions, size.chunks))) return load();
    // The table first: creating it on the first addChunks would create the index again.
    if ((await this.vectors.kind(size.dimensions, true)) !== "pgvector") return load();
    if (!(await this.builder.dropIndex(size.dimensions))) return load();
    this.added.active++;
    try {
      return await load();
    } finally {
      this.added.active--;
      await this.builder.buildIndex(size.dimensions, ext);
      // Fresh statistics, or the planner takes a large new knowledge base for a tiny one and skips the graph.
      await this.db.query(`ANALYZE knowledge_chunks, ${vectorTable(size.dimensions)}`);
    }
  }

  /**
   * While a bulk load grows a knowledge base, statistics run behind: the planner takes it for a few rows and looks
   * up replaced chunk ids through its owner index, scanning all its rows per batch (seconds per batch at 10,000
   * chunks). ANALYZE each time the loaded rows double keeps that at a logarithmic number of samples.
   */
  async grown(added: number): Promise<void> {
    if (this.added.active === 0) return;
    this.added.sinceAnalyze += added;
    if (this.added.sinceAnalyze < this.added.analyzed) return;
    this.added.analyzed += this.added.sinceAnalyze;
    this.added.sinceAnalyze = 0;
    await this.db.query("ANALYZE knowledge_chunks");
  }
}
