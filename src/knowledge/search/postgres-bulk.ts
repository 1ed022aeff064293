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
}

export const DEFAULT_BULK_BUILD: BulkBuildOptions = { memory: "1GB", workers: 2, minChunks: 10_000 };

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
    return chunks * 10 >= (rows[0]?.n ?? 0);
  }

  async dropIndex(dimensions: number): Promise<void> {
    await this.db.query(`DROP INDEX IF EXISTS ${vectorTable(dimensions)}_hnsw`);
  }

  /**
   * Builds the HNSW index unless a valid one is there, with the build's memory and workers, in one session that holds
   * an advisory lock meanwhile: a second builder waits and then finds the index valid, and an invalid index is one
   * whose build died (not one in progress) when it is dropped here.
   */
  async buildIndex(dimensions: number, ext: string): Promise<void> {
    const t = vectorTable(dimensions);
    const session = this.db.connect ? await this.db.connect() : undefined;
    const q = session ?? this.db;
    let altered = false;
    try {
      await q.query("SELECT pg_advisory_lock(727274103, $1)", [dimensions]);
      const state = (
        await q.query("SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass($1)", [`${t}_hnsw`])
      ).rows as { valid: boolean }[];
      if (state[0]?.valid) return;
      if (state[0]) await this.dropIndex(dimensions);
      const workers = Math.max(0, Math.floor(this.options.workers));
      await q.query(`SET maintenance_work_mem = '${this.options.memory.replace(/'/g, "")}'`);
      await q.query(`SET max_parallel_maintenance_workers = ${workers}`);
      // PostgreSQL sizes a build's workers by the table's heap, and 512-d vectors live in TOAST (over 2 kB each):
      // the heap looks tiny and the build ran serially (65 s against 26 s with 2 workers, 20,000 rows). The
      // table's own setting overrides that estimate; it is reset after, so that searches' plans stay as they were.
      if (session && workers > 0) {
        altered = true;
        await q.query(`ALTER TABLE ${t} SET (parallel_workers = ${workers})`);
      }
      // CONCURRENTLY keeps every tenant's uploads going during the build (a pool's session; PGlite has no others).
      const ddl = hnswIndexDdl(dimensions, ext);
      await q.query(session ? ddl.replace("CREATE INDEX", "CREATE INDEX CONCURRENTLY") : ddl);
    } finally {
      if (altered) await q.query(`ALTER TABLE ${t} RESET (parallel_workers)`).catch(() => {});
      await q.query("RESET maintenance_work_mem").catch(() => {});
      await q.query("RESET max_parallel_maintenance_workers").catch(() => {});
      await q.query("SELECT pg_advisory_unlock(727274103, $1)", [dimensions]).catch(() => {});
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
    await this.builder.dropIndex(size.dimensions);
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
