import { numberPlaceholders } from "../../db/postgres.js";
import { StaleWriteError, type TransactionalWrite } from "../../db/sql.js";
import type { PgQueryable } from "./postgres-keyword.js";

/**
 * Runs a write's fence first in its transaction (before the knowledge base's lock, so locks are always taken in that
 * order): the row it updates stays locked until the commit, so a takeover that would change it — a job's claim, which
 * skips locked rows — happens after the write, or the fence finds it done and the write is refused.
 */
export async function holdFence(tx: PgQueryable, fence: TransactionalWrite | undefined): Promise<void> {
  if (!fence) return;
  const { rows } = await tx.query(
    `WITH fence AS (${numberPlaceholders(fence.sql)} RETURNING 1) SELECT count(*)::int AS n FROM fence`,
    fence.params,
  );
  if ((rows[0] as { n: number }).n === 0) throw new StaleWriteError();
}
