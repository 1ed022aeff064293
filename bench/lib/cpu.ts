/**
 * CPU time of processes on this machine (Linux /proc), for benchmarks that share two cores between the service, its
 * database and the load generator: where the cores went, per operation. Reads only /proc and pg_stat_activity.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import pg from "pg";

const TICKS_PER_SECOND = 100;

/**
 * User + system CPU seconds a process has used so far (0 once it is gone); with `mainThread`, only its main thread's
 * (a Node.js process's event loop, without its worker threads, garbage collector helpers and I/O pool).
 */
export function cpuSeconds(pid: number, mainThread = false): number {
  try {
    const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Local TCP ports of the sockets a process holds open (its connections to the database among them). */
function localPorts(pid: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9]!)) ports.add(Number.parseInt(cols[1]!.split(":")[1]!, 16));
    }
  }
  return ports;
}

/**
 * The PostgreSQL backends serving a process's connections (same machine): their process ids, found by the client
 * ports in pg_stat_activity. Other clients of a shared server are left out.
 */
export async function backendsOf(url: string, pid: number): Promise<number[]> {
  const ports = localPorts(pid);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = (await client.query("SELECT pid, client_port FROM pg_stat_activity WHERE client_port IS NOT NULL"))
      .rows as { pid: number; client_port: number }[];
    return rows.filter((r) => ports.has(r.client_port)).map((r) => r.pid);
  } finally {
    await client.end();
  }
}

/** CPU seconds of a set of processes, found again at each reading (backends come and go with the pool). */
export class CpuMeter {
  private readonly seen = new Map<number, number>();
  private used = 0;
  private started = false;

  constructor(private readonly pids: () => Promise<number[]> | number[]) {}

  /**
   * Reads every process now. The first reading is the baseline; a process first seen later started since, and
   * counts from zero. Call it every second or so (a backend ending between two readings loses its last second).
   */
  async sample(): Promise<void> {
    for (const pid of await this.pids()) {
      const now = cpuSeconds(pid);
      const before = this.seen.get(pid) ?? (this.started ? 0 : now);
      this.used += Math.max(0, now - before);
      this.seen.set(pid, now);
    }
    this.started = true;
  }

  /** CPU seconds used between the first and the latest reading of each process. */
  get seconds(): number {
    return this.used;
  }
}
