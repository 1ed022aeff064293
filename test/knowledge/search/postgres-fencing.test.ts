import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresSql } from "../../../src/db/postgres.js";
import { StaleWriteError } from "../../../src/db/sql.js";
import { JobQueue, jobsMigrations } from "../../../src/jobs/queue.js";
import { PostgresSearchIndex } from "../../../src/knowledge/search/postgres.js";
import type { IndexedChunk, IndexScope } from "../../../src/knowledge/search/search-index.js";
import { knowledgeIndexMigrations } from "../../../src/knowledge/search/sqlite-schema.js";
import { LocalKeyStore } from "../../../src/storage/key-store.js";
import { freshDatabase, type TestDatabase } from "../../support/db.js";

const v = Float32Array.of(1, 0, 0, 0);
const batch = (tag: string, n: number): IndexedChunk[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${tag}_${i}`,
    documentId: "doc_f",
    position: i,
    text: `lantern harbour ${tag} note ${i}`,
    vector: v,
  }));

/*
 * A worker's batch of chunks and the takeover of its job race on PostgreSQL (several pools, several processes): the
 * batch's transaction runs its lease's fence first and keeps the job's row locked until it commits. Whichever comes
 * first, the stale batch never outlives the takeover's clean start.
 */
describe("a job's lease fence on PostgreSQL, the takeover racing the batch", () => {
  let t: TestDatabase;
  let index: PostgresSearchIndex;
  let queue: JobQueue;
  let pool: pg.Pool;
  const scope: IndexScope = { accountId: "acct_f", knowledgeBaseId: "kb_f" };

  beforeAll(async () => {
    t = await freshDatabase("postgres", [jobsMigrations, knowledgeIndexMigrations]);
    pool = (t.db.sql as PostgresSql).pool;
    index = new PostgresSearchIndex(pool, {
      keys: new LocalKeyStore(path.join(t.dataDir, "keys")),
      vectors: "exact", // never create pgvector on the shared server
    });
    await index.init();
    queue = new JobQueue(t.db);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  /** Waits until another session waits for a lock that `holder` (a client of the pool) holds. */
  async function blockedBy(holder: pg.PoolClient): Promise<void> {
    const pid = (await holder.query("SELECT pg_backend_pid() AS pid")).rows[0].pid;
    for (let i = 0; i < 400; i++) {
      const { rows } = await pool.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))",
        [pid],
      );
      if (rows[0].n > 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("the write never waited for the lock");
  }

  const chunkCount = async () =>
    Number((await pool.query("SELECT count(*)::int AS n FROM knowledge_chunks WHERE document_id = 'doc_f'")).rows[0].n);

  async function expiredClaim(kind: string, owner: string) {
    await queue.enqueue({ kind, accountId: scope.accountId });
    const job = (await queue.claim(owner, 1, [kind]))!;
    await new Promise((r) => setTimeout(r, 5)); // its lease has run out
    return job;
  }

  it("a takeover that holds the job's row first makes the batch wait, then refuses it", async () => {
    const a = await expiredClaim("race.one", "worker-a");
    const takeover = await pool.connect();
    try {
      await takeover.query("BEGIN");
      await takeover.query(
        "UPDATE jobs SET lease_owner = 'worker-b', attempts = attempts + 1, lease_until = $2 WHERE id = $1",
        [a.id, Date.now() + 60_000],
      );
      const write = index.addChunks(scope, batch("a", 5), queue.leaseFence(a, "worker-a"));
      write.catch(() => {});
      await blockedBy(takeover);
      await takeover.query("COMMIT");
      await expect(write).rejects.toBeInstanceOf(StaleWriteError);
    } finally {
      takeover.release();
    }
    expect(await chunkCount()).toBe(0);
  });

  it("a batch that holds the job's row first commits before the takeover, whose clean start removes it", async () => {
    await index.addChunks(scope, batch("seed", 1)); // the knowledge base's row exists, to be locked below
    await index.deleteDocument(scope, "doc_f");
    const a = await expiredClaim("race.two", "worker-a");
    // Another write of the knowledge base holds its lock: A's batch passes its fence, then waits inside its
    // transaction.
    const other = await pool.connect();
    let write: Promise<void>;
    try {
      await other.query("BEGIN");
      await other.query(
        "SELECT kb FROM knowledge_index_bases WHERE account_id = $1 AND knowledge_base_id = $2 FOR UPDATE",
        [scope.accountId, scope.knowledgeBaseId],
      );
      write = index.addChunks(scope, batch("a", 5), queue.leaseFence(a, "worker-a"));
      write.catch(() => {});
      await blockedBy(other);
      // The lease ran out, yet no worker can take the job while its batch is in flight.
      expect(await queue.claim("worker-b", 60_000, ["race.two"])).toBeUndefined();
      await other.query("COMMIT");
    } finally {
      other.release();
    }
    await write;
    expect(await chunkCount()).toBe(5);
    const b = (await queue.claim("worker-b", 60_000, ["race.two"]))!;
    expect(b).toMatchObject({ id: a.id, attempts: 2 });
    // B starts clean: A's batch goes, and A can write nothing more.
    expect(await index.deleteDocument(scope, "doc_f", queue.leaseFence(b, "worker-b"))).toBe(5);
    await expect(index.addChunks(scope, batch("late", 5), queue.leaseFence(a, "worker-a"))).rejects.toBeInstanceOf(
      StaleWriteError,
    );
    await index.addChunks(scope, batch("b", 5), queue.leaseFence(b, "worker-b"));
    expect(await chunkCount()).toBe(5);
  });
});
