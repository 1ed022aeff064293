import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const BIN = "/usr/lib/postgresql/15/bin";

/**
 * A PostgreSQL server of the test's own (initdb + pg_ctl as the postgres user, on another port), for tests that stop
 * or kill the database: the shared server at 5432 is never touched. Needs root (CI and our machines run as root).
 */
export interface OwnPgServer {
  url: string;
  dataDir: string;
  start(): void;
  /** `immediate` is a crash as far as clients are concerned: connections drop, nothing is flushed politely. */
  stop(mode?: "fast" | "immediate"): void;
  destroy(): void;
}

export function startOwnPgServer(): OwnPgServer {
  const root = mkdtempSync(path.join(os.tmpdir(), "apic-pg-"));
  chmodSync(root, 0o777);
  const dataDir = path.join(root, "data");
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync("runuser", ["-u", "postgres", "--", path.join(BIN, cmd), ...args], { stdio: "pipe" });
  asPostgres("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const server: OwnPgServer = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    start() {
      asPostgres("pg_ctl", [
        "-D",
        dataDir,
        "-o",
        `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`,
        "-l",
        path.join(root, "log"),
        "-w",
        "start",
      ]);
    },
    stop(mode = "fast") {
      asPostgres("pg_ctl", ["-D", dataDir, "-m", mode, "-w", "stop"]);
    },
    destroy() {
      try {
        server.stop("immediate");
      } catch {
        // already stopped
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  server.start();
  return server;
}
