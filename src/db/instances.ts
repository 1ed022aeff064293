import os from "node:os";
import { newId } from "../lib/ids.js";
import type { Database } from "./open.js";
import type { DomainMigrations } from "./sql.js";

const sql = `
CREATE TABLE instances (
  id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL
);
`;

export const runtimeMigrations: DomainMigrations = {
  domain: "runtime",
  migrations: [{ version: 1, name: "running service processes", sqlite: sql, postgres: sql }],
};

/**
 * This process, as the database knows it. Work owned by a process (request holds, job leases) names its instance id;
 * an instance whose heartbeat stopped is dead, and what it owned is released or taken over.
 */
export class Instance {
  readonly id = newId("inst");
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    readonly options = { heartbeatMs: 5_000, staleMs: 30_000 },
  ) {}

  async start(): Promise<void> {
    const now = Date.now();
    await this.db.sql.run("INSERT INTO instances (id, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)", [
      this.id,
      os.hostname(),
      process.pid,
      now,
      now,
    ]);
    this.timer = setInterval(() => {
      void this.db.sql.run("UPDATE instances SET heartbeat_at = ? WHERE id = ?", [Date.now(), this.id]).catch(() => {});
    }, this.options.heartbeatMs);
    this.timer.unref();
  }

  /**
   * Instances that stopped: those whose heartbeat is older than staleMs — and, when this process starts on SQLite
   * (which one process serves, see data-dir-lock.ts), every instance recorded before it.
   */
  async deadInstances(now = Date.now(), atStartup = false): Promise<string[]> {
    const rows =
      this.db.dialect === "sqlite" && atStartup
        ? await this.db.sql.all<{ id: string }>("SELECT id FROM instances WHERE id <> ?", [this.id])
        : await this.db.sql.all<{ id: string }>("SELECT id FROM instances WHERE id <> ? AND heartbeat_at < ?", [
            this.id,
            now - this.options.staleMs,
          ]);
    return rows.map((r) => r.id);
  }

  async forget(ids: string[]): Promise<void> {
    for (const id of ids) await this.db.sql.run("DELETE FROM instances WHERE id = ?", [id]);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.db.sql.run("DELETE FROM instances WHERE id = ?", [this.id]).catch(() => {});
  }
}
