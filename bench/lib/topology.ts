/**
 * The service laid out as docs/postgres.md tells an operator to run it, on one fresh PostgreSQL schema and one shared
 * DATA_DIR: "single" is one process serving the API and running jobs; "split" is two API-only processes
 * (`JOB_CONCURRENCY=0`) and one worker process (`JOB_CONCURRENCY=N`). Every process is the real service (src/main.ts)
 * in its own Node.js process on a loopback port; they start together, so migrations race under their advisory lock.
 */
import { readFileSync, rmSync } from "node:fs";
import { randomChars } from "../../src/lib/ids.js";
import { ADMIN_TOKEN, request } from "../../test/support/app.js";
import { dropSchema, PG_URL, tempDir } from "../../test/support/db.js";
import { type ServiceProcess, spawnService } from "../../test/support/process.js";

export type TopologyKind = "single" | "split";

export interface Topology {
  kind: TopologyKind;
  /** A short description for tables: "1 process (API + 2 jobs)". */
  label: string;
  /** Where clients go, round-robin. */
  apiUrls: string[];
  /** Every process, with its role. */
  processes: { role: "api+jobs" | "api" | "worker"; service: ServiceProcess }[];
  /** The next API URL, round-robin. */
  next(): string;
  /** CPU time (user + system) the service processes have used, in seconds (PostgreSQL's own not included). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export async function startTopology(
  kind: TopologyKind,
  options: { jobs: number; env?: Record<string, string> },
): Promise<Topology> {
  const dataDir = tempDir("apic-mp-");
  const schema = `bench_mp_${randomChars(10)}`;
  const env = {
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    DATA_DIR: dataDir,
    ADMIN_TOKEN,
    DATABASE_URL: PG_URL,
    DATABASE_SCHEMA: schema,
    EMBEDDING_PROVIDER: "local",
    ...options.env,
  };
  const roles: Topology["processes"][number]["role"][] = kind === "single" ? ["api+jobs"] : ["api", "api", "worker"];
  const started = await Promise.allSettled(
    roles.map((role) => spawnService({ ...env, JOB_CONCURRENCY: role === "api" ? "0" : String(options.jobs) })),
  );
  const processes = started.flatMap((s, i) =>
    s.status === "fulfilled" ? [{ role: roles[i]!, service: s.value }] : [],
  );
  const cleanUp = async () => {
    await Promise.all(processes.map((p) => p.service.stop()));
    await dropSchema(schema);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await cleanUp();
    throw (failed as PromiseRejectedResult).reason;
  }
  const apiUrls = processes.filter((p) => p.role !== "worker").map((p) => p.service.url);
  let turn = 0;
  return {
    kind,
    label: kind === "single" ? `1 process (API + ${options.jobs} jobs)` : `2 API + 1 worker (${options.jobs} jobs)`,
    apiUrls,
    processes,
    next: () => apiUrls[turn++ % apiUrls.length]!,
    cpuSeconds: () => processes.reduce((s, p) => s + cpuSeconds(p.service.child.pid!), 0),
    stop: cleanUp,
  };
}

/** CPU time (user + system) of a process and its threads, from /proc (100 Hz ticks). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A customer: licence, activation (its API key) and a grant of `credits`. */
export async function newAccount(topology: Topology, credits: number): Promise<{ accountId: string; apiKey: string }> {
  const url = topology.next();
  const lic = await request(url, "POST", "/v1/admin/licenses", {
    token: ADMIN_TOKEN,
    body: { email: `mp-${randomChars(8)}@example.com`, plan: "personal" },
  });
  if (lic.status !== 201) throw new Error(`licence: ${lic.status} ${JSON.stringify(lic.body)}`);
  const act = await request(topology.next(), "POST", "/v1/activations", {
    body: { licenseKey: lic.body.key, siteUrl: `https://mp-${randomChars(6)}.example.com` },
  });
  if (act.status !== 201) throw new Error(`activation: ${act.status} ${JSON.stringify(act.body)}`);
  const g = await request(topology.next(), "POST", `/v1/admin/accounts/${lic.body.accountId}/grants`, {
    token: ADMIN_TOKEN,
    body: { credits, reason: "benchmark" },
  });
  if (g.status !== 201) throw new Error(`grant: ${g.status} ${JSON.stringify(g.body)}`);
  return { accountId: lic.body.accountId, apiKey: act.body.apiKey };
}

/** Millicredits a process has charged for `operation` since it started (its own Prometheus counter). */
export async function chargedByProcess(service: ServiceProcess, operation: string): Promise<number> {
  const text = (await request(service.url, "GET", "/metrics", { token: ADMIN_TOKEN })).body as string;
  const line = text
    .split("\n")
    .find((l) => l.startsWith("credits_spent_millicredits_total{") && l.includes(`operation="${operation}"`));
  return line ? Number(line.split(" ").at(-1)) : 0;
}
