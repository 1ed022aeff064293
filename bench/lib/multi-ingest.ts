/**
 * Ingestion end to end against a topology: `uploaders` concurrent clients upload `documents` small text documents
 * (each different: identical content is not indexed again) round-robin across the API processes, spread over a few
 * accounts; then the clients poll until every document is ready. Documents/s and chunks/s run from the first upload
 * to the last document seen ready. Money: each document charged exactly once (the ledger's `training.embed` usage
 * count equals the account's documents), the usage's credits equal the documents' and the balance's drop, no hold
 * left; and which process charged the indexing (each process's own counter).
 */
import { request } from "../../test/support/app.js";
import { rng, vocabulary, zipfSampler } from "./synthetic.js";
import { chargedByProcess, newAccount, type Topology } from "./topology.js";

export interface IngestResult {
  documents: number;
  chunks: number;
  seconds: number;
  /** Seconds from the first upload to the last upload's answer. */
  uploadSeconds: number;
  /** CPU time of the service processes from the first upload to the last document ready, in seconds. */
  cpuSeconds: number;
  statuses: string;
  /** Share of `training.embed` millicredits charged by each role, e.g. "worker 100 %". */
  chargedBy: string;
  failures: string[];
}

const mc = (credits: number) => Math.round(credits * 1000);
const FUNDS = 1_000_000;

export async function ingestRun(
  topology: Topology,
  options: { documents: number; uploaders: number; accounts: number; words: number; seed: number },
): Promise<IngestResult> {
  const failures: string[] = [];
  const random = rng(options.seed);
  const vocab = vocabulary(4_000, random);
  const word = zipfSampler(vocab.length, random);
  const text = (i: number) =>
    `Document ${i}\n\n${Array.from({ length: options.words }, () => vocab[word()]).join(" ")}`;
  const texts = Array.from({ length: options.documents }, (_, i) => text(i));

  const customers: { accountId: string; apiKey: string; kbId: string; docs: string[] }[] = [];
  for (let a = 0; a < options.accounts; a++) {
    const account = await newAccount(topology, FUNDS);
    const kb = await request(topology.next(), "POST", "/v1/knowledge-bases", {
      token: account.apiKey,
      body: { name: "bench" },
    });
    if (kb.status !== 201) throw new Error(`knowledge base: ${kb.status} ${JSON.stringify(kb.body)}`);
    customers.push({ ...account, kbId: kb.body.id as string, docs: [] });
  }

  const statuses = new Map<number, number>();
  let next = 0;
  const cpuBefore = topology.cpuSeconds();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.uploaders }, async () => {
      while (next < texts.length) {
        const i = next++;
        const c = customers[i % customers.length]!;
        const res = await request(topology.next(), "POST", `/v1/knowledge-bases/${c.kbId}/documents`, {
          token: c.apiKey,
          headers: { "idempotency-key": `doc-${i}` },
          body: { name: `doc ${i}`, text: texts[i] },
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201 || res.status === 202) c.docs.push(res.body.id);
        else failures.push(`upload ${i}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }),
  );
  const uploadSeconds = (performance.now() - started) / 1000;

  // Poll each knowledge base's document list until none is queued or processing.
  let chunks = 0;
  const ready: Record<string, { credits: number }[]> = {};
  const timeoutAt = performance.now() + 30 * 60_000;
  for (const c of customers) {
    for (;;) {
      const list = await request(topology.next(), "GET", `/v1/knowledge-bases/${c.kbId}/documents?limit=200`, {
        token: c.apiKey,
      });
      const docs = list.body.data as { status: string; chunks: number | null; credits: number }[];
      if (list.body.nextCursor) throw new Error("more than 200 documents per account: raise --accounts");
      if (docs.every((d) => d.status === "ready" || d.status === "failed")) {
        const failed = docs.filter((d) => d.status === "failed").length;
        if (failed) failures.push(`${failed} documents failed`);
        chunks += docs.reduce((n, d) => n + (d.chunks ?? 0), 0);
        ready[c.accountId] = docs;
        break;
      }
      if (performance.now() > timeoutAt) throw new Error("documents still not ready after 30 minutes");
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = topology.cpuSeconds() - cpuBefore;

  // Money, per account, once every document is ready.
  for (const c of customers) {
    const docs = ready[c.accountId]!;
    const usage = (await request(topology.next(), "GET", "/v1/usage", { token: c.apiKey })).body;
    const rows = (usage.data as { operation: string; count: number; credits: number }[]).filter(
      (r) => r.operation === "training.embed",
    );
    const count = rows.reduce((n, r) => n + r.count, 0);
    const usedMc = rows.reduce((n, r) => n + mc(r.credits), 0);
    const docsMc = docs.reduce((n, d) => n + mc(d.credits), 0);
    const balance = (await request(topology.next(), "GET", "/v1/balance", { token: c.apiKey })).body;
    const problems = [
      docs.length !== c.docs.length && `${docs.length} documents listed, ${c.docs.length} uploaded`,
      count !== docs.length && `${count} charges for ${docs.length} documents`,
      usedMc !== docsMc && `usage ${usedMc} mc against documents' ${docsMc} mc`,
      mc(FUNDS) - mc(balance.credits) !== docsMc && `balance fell ${mc(FUNDS) - mc(balance.credits)} mc`,
      balance.reservedCredits !== 0 && `${balance.reservedCredits} credits still held`,
      docs.some((d) => d.credits <= 0) && "a document charged nothing",
    ].filter(Boolean);
    if (problems.length) failures.push(`account ${c.accountId}: ${problems.join("; ")}`);
  }

  const byRole = new Map<string, number>();
  for (const p of topology.processes)
    byRole.set(p.role, (byRole.get(p.role) ?? 0) + (await chargedByProcess(p.service, "training.embed")));
  const total = [...byRole.values()].reduce((a, b) => a + b, 0);
  const chargedBy = [...byRole].map(([role, m]) => `${role} ${total ? Math.round((100 * m) / total) : 0} %`).join(", ");

  return {
    documents: texts.length,
    chunks,
    seconds,
    uploadSeconds,
    cpuSeconds,
    statuses: [...statuses].map(([s, n]) => `${n} × ${s}`).join(", "),
    chargedBy,
    failures,
  };
}
