import { AsyncLocalStorage } from "node:async_hooks";
import type { TransactionalWrite } from "../../db/sql.js";
import { type ArrayEncoding, byteaParam } from "./postgres-arrays.js";
import { LoadPostings, writePending } from "./postgres-bulk-postings.js";
import { holdFence } from "./postgres-fence.js";
import type { PgQueryable, PostgresKeywordIndex } from "./postgres-keyword.js";
import type { IndexScope } from "./search-index.js";

const sameScope = (a: IndexScope, b: IndexScope) =>
  a.accountId === b.accountId && a.knowledgeBaseId === b.knowledgeBaseId;

/**
 * The keyword postings a `wordsAtEnd` bulk load holds back (postgres-bulk-postings.ts): the load each call runs in
 * (an AsyncLocalStorage, so concurrent loads and uploads keep their own), and their writes — when memory is spent,
 * when the load asks (`flush`: an upload, before its charge) and at its end, also when it fails: its rows that went in
 * are committed.
 */
export class LoadWords {
  private readonly loading = new AsyncLocalStorage<LoadPostings>();

  constructor(
    private readonly inTransaction: <T>(fn: (tx: PgQueryable) => Promise<T>) => Promise<T>,
    private readonly keywords: PostgresKeywordIndex,
    private readonly arrays: ArrayEncoding,
    /** Bytes of postings held before a knowledge base's are written out mid-load. */
    private readonly budget: number,
  ) {}

  /** The postings of the load this call runs in, if any. */
  get current(): LoadPostings | undefined {
    return this.loading.getStore();
  }

  /** Runs `load` holding its postings back, and writes what it still holds when it ends. */
  async run<T>(load: () => Promise<T>): Promise<T> {
    const postings = new LoadPostings(this.budget);
    try {
      return await this.loading.run(postings, load);
    } finally {
      for (const scope of postings.scopes) await this.writeLoaded(postings, scope);
    }
  }

  /** Writes the running load's postings of one knowledge base, behind `fence`; outside a load, nothing. */
  async flush(scope: IndexScope, fence?: TransactionalWrite): Promise<void> {
    const load = this.current;
    if (load?.scopes.some((s) => sameScope(s, scope))) await this.writeLoaded(load, scope, fence);
  }

  private writeLoaded(load: LoadPostings, scope: IndexScope, fence?: TransactionalWrite): Promise<void> {
    return this.inTransaction(async (tx) => {
      await holdFence(tx, fence);
      const kb = await this.keywords.lockBase(tx, scope);
      // A knowledge base deleted meanwhile took its rows; nothing of the load is left to index.
      if (kb !== undefined) await this.write(tx, kb, scope, load);
    });
  }

  /** Writes a knowledge base's held postings in `tx`, which holds its lock (`lockBase`). */
  async write(tx: PgQueryable, kb: number, scope: IndexScope, load: LoadPostings): Promise<void> {
    const pending = load.take(scope);
    try {
      await writePending(tx, kb, scope, pending, (values) => byteaParam(values, this.arrays));
    } catch (error) {
      // Rolled back: the postings wait for the next attempt (at the load's end, if this was mid-load).
      load.putBack(scope, pending);
      throw error;
    }
  }
}
