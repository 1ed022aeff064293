import type pg from "pg";
import type { JobQueue } from "./jobs/queue.js";
import type { JobHandler } from "./jobs/worker.js";
import type { SearchIndex } from "./knowledge/search/search-index.js";

/**
 * PostgreSQL keeps a deleted row's bytes in its table and index pages until VACUUM frees the space and later writes
 * reuse it; autovacuum may wait a long time on a quiet table. After every deletion on PostgreSQL the service queues
 * this job (at most one waiting), so the space is freed soon after. What is sealed (a knowledge base's text and
 * keyword terms) was unreadable from the moment its key was destroyed; this is for what is stored plain.
 */
export const VACUUM_JOB = "maintenance.vacuum";
const SERVICE = "service";

/** Tables outside the search index that hold what a deletion removes (document names, stored replies, jobs). */
const DELETION_TABLES = ["documents", "knowledge_bases", "idempotent_requests", "jobs"];

export async function scheduleVacuum(jobs: JobQueue, poke: () => void): Promise<void> {
  if (await jobs.hasQueued(VACUUM_JOB, SERVICE, VACUUM_JOB)) return;
  await jobs.enqueue({ kind: VACUUM_JOB, accountId: SERVICE, subjectId: VACUUM_JOB });
  poke();
}

export function vacuumHandler(deps: { pool: pg.Pool; index: SearchIndex }): JobHandler {
  return {
    async run() {
      await deps.index.reclaim?.();
      await deps.pool.query(`VACUUM (INDEX_CLEANUP ON) ${DELETION_TABLES.join(", ")}`);
    },
    // Autovacuum still runs; the next deletion queues the job again.
    giveUp: async () => {},
  };
}
