/**
 * The ledger over HTTP against a topology: concurrent clients charge one hot account (an admin grant of −1 credit,
 * each with its own Idempotency-Key), round-robin across the API processes; then every charged key is sent again
 * through another process (no double charge), and a race to spend a small balance (no overdraft). Each check says
 * what it expected and what it found.
 */
import { randomChars } from "../../src/lib/ids.js";
import { ADMIN_TOKEN, request } from "../../test/support/app.js";
import { percentile } from "./stats.js";
import { newAccount, type Topology } from "./topology.js";

export interface LedgerResult {
  charges: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU time of the service processes per charge during the load, their idle CPU subtracted, in ms. */
  cpuMsPerCharge: number;
  /** CPU the service processes use together when no request comes (heartbeats, job and outbox polls), in % of a core. */
  idleCpuPercent: number;
  /** Failed money checks, in words; empty when every check held. */
  failures: string[];
  notes: string[];
}

const mc = (credits: number) => Math.round(credits * 1000);

async function charge(url: string, accountId: string, key: string): Promise<{ status: number }> {
  const res = await fetch(`${url}/v1/admin/accounts/${accountId}/grants`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      "content-type": "application/json",
      "idempotency-key": key,
    },
    body: JSON.stringify({ credits: -1, reason: "bench" }),
  });
  await res.arrayBuffer();
  return { status: res.status };
}

async function balanceMc(topology: Topology, apiKey: string): Promise<{ available: number; reserved: number }> {
  const b = (await request(topology.next(), "GET", "/v1/balance", { token: apiKey })).body;
  return { available: mc(b.credits), reserved: mc(b.reservedCredits) };
}

export async function ledgerRun(
  topology: Topology,
  options: { seconds: number; clients: number; raceCredits: number },
): Promise<LedgerResult> {
  const failures: string[] = [];
  const notes: string[] = [];
  const funds = 10_000_000;
  const hot = await newAccount(topology, funds);
  const prefix = randomChars(6);
  const charged: { key: string; url: string }[] = [];
  const latencies: number[] = [];
  const unexpected = new Map<string, number>();
  // Warm-up: each process's first requests compile routes and open connections.
  let warmed = 0;
  for (let i = 0; i < 50; i++)
    if ((await charge(topology.next(), hot.accountId, `${prefix}-warm-${i}`)).status === 201) warmed++;
  if (warmed !== 50) failures.push(`${50 - warmed} of 50 warm-up charges not answered 201`);

  // Idle: what the processes spend with no request (over 5 s), subtracted from the load's CPU below.
  const idleBefore = topology.cpuSeconds();
  await new Promise((r) => setTimeout(r, 5_000));
  const idleCpuPerS = (topology.cpuSeconds() - idleBefore) / 5;

  let seq = 0;
  const cpuBefore = topology.cpuSeconds();
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      while (performance.now() < deadline) {
        const key = `${prefix}-${seq++}`;
        const t0 = performance.now();
        const url = topology.next();
        let status: number | string;
        try {
          status = (await charge(url, hot.accountId, key)).status;
        } catch (error) {
          status = (error as Error).name;
        }
        latencies.push(performance.now() - t0);
        if (status === 201) charged.push({ key, url });
        else unexpected.set(String(status), (unexpected.get(String(status)) ?? 0) + 1);
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  const cpuS = topology.cpuSeconds() - cpuBefore - idleCpuPerS * elapsedS;
  if (unexpected.size)
    failures.push(`charges answered other than 201: ${[...unexpected].map(([s, n]) => `${n} × ${s}`).join(", ")}`);

  const expected = mc(funds) - mc(1) * (warmed + charged.length);
  const after = await balanceMc(topology, hot.apiKey);
  if (after.available !== expected || after.reserved !== 0)
    failures.push(`balance after the load ${after.available} mc (+${after.reserved} held), expected ${expected} mc`);

  // The same keys again, each through another API process than the one that charged it (when there are two):
  // answered, never charged twice.
  const sample = charged.filter((_, i) => i % Math.max(1, Math.floor(charged.length / 2000)) === 0);
  let replays = 0;
  await Promise.all(
    Array.from({ length: options.clients }, async (_, c) => {
      for (let i = c; i < sample.length; i += options.clients) {
        const { key, url } = sample[i]!;
        const other = topology.apiUrls.find((u) => u !== url) ?? url;
        const r = await charge(other, hot.accountId, key);
        if (r.status === 201) replays++;
      }
    }),
  );
  const afterReplay = await balanceMc(topology, hot.apiKey);
  if (replays !== sample.length)
    failures.push(`${sample.length - replays} of ${sample.length} replays not answered 201`);
  const moved = afterReplay.available !== after.available || afterReplay.reserved !== 0;
  if (moved)
    failures.push(
      `replaying ${sample.length} keys moved the balance: ${after.available} → ${afterReplay.available} mc ` +
        `(+${afterReplay.reserved} held)`,
    );
  notes.push(`${sample.length} charged keys sent again: ${replays} × 201, balance ${moved ? "MOVED" : "unchanged"}`);

  // Race: clients spread over the processes try to spend three times a small balance.
  const race = await newAccount(topology, options.raceCredits);
  const attempts = options.raceCredits * 3;
  let next = 0;
  let ok = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      while (next < attempts) {
        const r = await charge(topology.next(), race.accountId, `${prefix}-race-${next++}`);
        if (r.status === 201) ok++;
        else if (r.status === 402) refused++;
      }
    }),
  );
  const raceAfter = await balanceMc(topology, race.apiKey);
  if (ok !== options.raceCredits || refused !== attempts - ok || raceAfter.available !== 0)
    failures.push(
      `race: ${attempts} attempts on ${options.raceCredits} credits → ${ok} charged, ${refused} refused, ` +
        `balance ${raceAfter.available} mc (expected ${options.raceCredits} charged, balance 0)`,
    );
  notes.push(
    `race: ${attempts} attempts on ${options.raceCredits} credits → ${ok} charged, ${refused} × 402, ` +
      `balance ${raceAfter.available} mc`,
  );

  return {
    charges: charged.length,
    perSecond: charged.length / elapsedS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMsPerCharge: (1000 * cpuS) / Math.max(1, latencies.length),
    idleCpuPercent: 100 * idleCpuPerS,
    failures,
    notes,
  };
}
