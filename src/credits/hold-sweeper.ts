import type { Instance } from "../db/instances.js";
import type { Ledger } from "./ledger.js";

export const requestHoldOwner = (instanceId: string) => `proc:${instanceId}`;

/**
 * No hold outlives its work: at start-up and then periodically, releases holds that expired and holds owned by
 * processes that stopped (crashed or were killed between reserve and capture).
 */
export class HoldSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly ledger: Ledger,
    private readonly instance: Instance,
    private readonly log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void },
    private readonly intervalMs = 10_000,
  ) {}

  async sweep(now = Date.now(), atStartup = false): Promise<number> {
    if (this.running) return this.running;
    this.running = (async () => {
      const dead = await this.instance.deadInstances(now, atStartup);
      let released = 0;
      for (;;) {
        const n = await this.ledger.releaseStaleHolds({ now, deadOwners: dead.map(requestHoldOwner), limit: 500 });
        released += n;
        if (n < 500) break;
      }
      await this.instance.forget(dead);
      if (released > 0) this.log.info({ released, deadInstances: dead.length }, "released stale holds");
      return released;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((err) => this.log.error({ err }, "hold sweep failed"));
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
