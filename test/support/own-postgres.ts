import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** A PostgreSQL server of the test's own (initdb + pg_ctl on a free loopback port), never the shared one. */
export interface OwnPostgres {
  url: string;
  /** The cluster's data directory: every file PostgreSQL writes (heap, indexes, TOAST, pg_wal). */
  dataDir: string;
  psql(sql: string): string;
  /** Starts it again after `crash` or `halt` (same port, same data). */
  start(): void;
  /** Stops it as a crash would (`immediate`: connections drop, nothing flushed politely); keeps its files. */
  halt(): void;
  /** Stops it and deletes its files. */
  stop(): void;
}

const binDir = () => execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * PostgreSQL refuses to run as root, and CI runs as root: then the cluster belongs to the `postgres` user and its
 * tools run through `runuser`. Autovacuum is off, so only what the code under test runs vacuums anything.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const root = mkdtempSync(path.join(os.tmpdir(), "apic-ownpg-"));
  const dataDir = path.join(root, "data");
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) => {
    const bin = path.join(binDir(), tool);
    return asRoot
      ? execFileSync("runuser", ["-u", "postgres", "--", bin, ...args], { encoding: "utf8", stdio: "pipe" })
      : execFileSync(bin, args, { encoding: "utf8", stdio: "pipe" });
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
    chownSync(root, uid, gid);
  }
  const port = await freePort();
  run("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale", "C"]);
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${root} -c autovacuum=off -c fsync=off`;
  const start = () => run("pg_ctl", ["-D", dataDir, "-l", path.join(root, "log"), "-o", options, "-w", "start"]);
  const halt = () => run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    psql: (sql) =>
      run("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-Atc", sql]),
    start,
    halt,
    stop() {
      try {
        halt();
      } catch {
        // already stopped
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
