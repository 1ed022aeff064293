/** Something waiting for the model: a query (one account's) or a batch of a document being ingested. */
export interface QueuedWork {
  readonly texts: string[];
  /** The account a query belongs to; undefined for ingestion, which waits behind every query. */
  readonly account?: string;
}

/**
 * The order in which the embedding model serves its work: queries before ingestion; among queries, accounts take
 * turns (round-robin) and each account's queries are served in arrival order. A burst from one account therefore
 * delays another account's query by at most one query per account with work waiting, never by the whole burst.
 * Pure bookkeeping, no I/O.
 */
export class FairQueue<W extends QueuedWork> {
  /** Accounts with queries waiting, in turn order; the first is served next. */
  private readonly turns: string[] = [];
  private readonly queries = new Map<string, W[]>();
  private readonly ingestion: W[] = [];
  private queryTexts = 0;

  push(work: W): void {
    if (work.account === undefined) {
      this.ingestion.push(work);
      return;
    }
    let own = this.queries.get(work.account);
    if (!own) {
      own = [];
      this.queries.set(work.account, own);
      this.turns.push(work.account);
    }
    own.push(work);
    this.queryTexts += work.texts.length;
  }

  /** Removes work that has not started (its request was abandoned). False when it was not waiting. */
  remove(work: W): boolean {
    if (work.account === undefined) {
      const at = this.ingestion.indexOf(work);
      if (at < 0) return false;
      this.ingestion.splice(at, 1);
      return true;
    }
    const own = this.queries.get(work.account);
    const at = own?.indexOf(work) ?? -1;
    if (!own || at < 0) return false;
    own.splice(at, 1);
    this.queryTexts -= work.texts.length;
    if (own.length === 0) this.dropAccount(work.account);
    return true;
  }

  /**
   * The next model call: queries taken in turn across accounts until `maxTexts` would be exceeded (always at least
   * one), or else the oldest ingestion batch alone. Empty when nothing waits.
   */
  takeBatch(maxTexts: number): W[] {
    const batch: W[] = [];
    let texts = 0;
    while (this.turns.length > 0) {
      const account = this.turns[0]!;
      const own = this.queries.get(account)!;
      const next = own[0]!;
      if (batch.length > 0 && texts + next.texts.length > maxTexts) break;
      own.shift();
      batch.push(next);
      texts += next.texts.length;
      this.queryTexts -= next.texts.length;
      this.turns.shift();
      if (own.length > 0) this.turns.push(account);
      else this.queries.delete(account);
    }
    if (batch.length === 0 && this.ingestion.length > 0) batch.push(this.ingestion.shift()!);
    return batch;
  }

  get size(): number {
    let n = this.ingestion.length;
    for (const own of this.queries.values()) n += own.length;
    return n;
  }

  /**
   * What a new query of `account` would find ahead of it: texts of queries served before it under round-robin
   * (its own queue, and from every other account at most as many as it has queries before and including it), the
   * account's own waiting queries, all waiting query texts, and how many accounts have queries waiting.
   */
  queryLoad(account: string): { ahead: number; own: number; total: number; accounts: number } {
    const own = this.queries.get(account)?.length ?? 0;
    let ahead = 0;
    for (const [other, works] of this.queries) {
      const served = other === account ? works.length : Math.min(works.length, own + 1);
      for (let i = 0; i < served; i++) ahead += works[i]!.texts.length;
    }
    return { ahead, own, total: this.queryTexts, accounts: this.turns.length };
  }

  private dropAccount(account: string): void {
    this.queries.delete(account);
    this.turns.splice(this.turns.indexOf(account), 1);
  }
}
