/**
 * Groups work that arrives close together into one call of `flush` — one transaction, one commit, one fsync —
 * and resolves each caller with its own result once that call has returned (so nothing is acknowledged before it
 * is durable). A batch that throws is retried one item at a time, so one bad item cannot fail its neighbours.
 */
export class Batcher<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    private readonly options: { maxBatch: number; maxConcurrent: number } = { maxBatch: 256, maxConcurrent: 1 },
  ) {}

  push(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything queued so far has been flushed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0) await new Promise((r) => setTimeout(r, 1));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxConcurrent || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate lets every request that is ready in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.queue.length === 0 || this.inFlight >= this.options.maxConcurrent) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.inFlight++;
    try {
      const results = await this.flush(batch.map((b) => b.item));
      for (const [i, b] of batch.entries()) b.resolve(results[i] as O);
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else
        for (const b of batch) {
          try {
            const [result] = await this.flush([b.item]);
            b.resolve(result as O);
          } catch (e) {
            b.reject(e);
          }
        }
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}
