import { afterAll, describe, expect, it } from "vitest";
import { grant, newCustomer, request, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { eventually } from "../support/eventually.js";
import { type ServiceProcess, spawnService } from "../support/process.js";

/** About `paragraphs` × 60 tokens of varied sentences: enough chunks for a background job. */
function longText(paragraphs: number): string {
  const out: string[] = [];
  for (let i = 0; i < paragraphs; i++)
    out.push(`Section ${i}: reading ${i * 13} was taken beside the harbor on day ${i}, near the granite ledge.`);
  return out.join("\n\n");
}

/*
 * A job is done only once the worker marks it so, after its handler returned. A process that stops in between (killed,
 * or the database away for the last statement) leaves the job to be claimed again once its lease runs out, although
 * the document was indexed and charged: the next attempt must find the work done, not index and charge it again.
 */
for (const engine of ENGINES) {
  describe(`an ingestion job whose process died right after the charge, on ${engine}`, () => {
    const apps: TestApp[] = [];
    let child: ServiceProcess | undefined;
    afterAll(async () => {
      await child?.stop("SIGKILL");
      for (const a of apps.reverse()) await a.close(); // the last one started stops before the schema goes
    });

    it("is finished by the next process without charging or indexing it again", async () => {
      const app = await startTestApp(engine, {
        KNOWLEDGE_INLINE_MAX_CHUNKS: "0",
        JOB_LEASE_SECONDS: "5",
        INSTANCE_STALE_SECONDS: "3",
        JOB_CONCURRENCY: "0",
      });
      apps.push(app);
      const c = await newCustomer(app);
      await grant(app, c.accountId, 1000);
      if (engine === "sqlite") await app.running.close(); // one process per SQLite file
      child = await spawnService({
        ...app.env,
        JOB_CONCURRENCY: "1",
        LOG_LEVEL: "silent",
        API_CREDITS_FAILPOINTS: "after-capture=kill",
      });
      const kb = (await request(child.url, "POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "k" } }))
        .body.id;
      const up = await request(child.url, "POST", `/v1/knowledge-bases/${kb}/documents`, {
        token: c.apiKey,
        body: { text: longText(60), name: "long.txt" },
      });
      expect(up.status).toBe(202);
      // The job indexes the document, commits its charge, and the process dies before the job is marked done.
      const proc = child.child;
      await eventually(() => proc.signalCode ?? proc.exitCode, { what: "the process to end", timeoutMs: 120_000 });
      expect(proc.signalCode).toBe("SIGKILL");

      const next = await startTestApp(engine, { ...app.env, PORT: "0", JOB_CONCURRENCY: "1" });
      apps.push(next);
      const jobs = await eventually(
        async () => {
          const rows = await next.running.ctx.db.sql.all<{ attempts: number; status: string }>(
            "SELECT attempts, status FROM jobs WHERE account_id = ? AND kind = 'knowledge.ingest'",
            [c.accountId],
          );
          return rows.every((j) => j.status === "done" || j.status === "failed") && rows;
        },
        { what: "every ingestion job to finish", timeoutMs: 120_000 },
      );
      // Claimed again after its lease ran out (its process died), and finished.
      expect(jobs.map((j) => [Number(j.attempts), j.status])).toEqual([[2, "done"]]);
      const doc = (await next.api("GET", `/v1/knowledge-bases/${kb}/documents/${up.body.id}`, { token: c.apiKey }))
        .body;
      expect(doc).toMatchObject({ status: "ready", progress: 1 });
      const usage = (await next.api("GET", "/v1/ledger?type=usage", { token: c.apiKey })).body.data;
      expect(usage.map((u: any) => [u.reference, u.credits])).toEqual([[up.body.id, -doc.credits]]);
      expect((await next.api("GET", "/v1/balance", { token: c.apiKey })).body).toEqual({
        credits: (1_000_000 - Math.round(doc.credits * 1000)) / 1000,
        reservedCredits: 0,
      });
      // One set of chunks: each position is found once.
      const q = await next.api("POST", `/v1/knowledge-bases/${kb}/query`, {
        token: c.apiKey,
        body: { query: "reading harbor granite ledge", mode: "keyword", topK: 50 },
      });
      const positions = q.body.results.map((r: any) => r.position);
      expect(positions.length).toBe(doc.chunks); // every chunk holds these words
      expect(new Set(positions).size).toBe(doc.chunks);
    }, 300_000);
  });
}

/*
 * A worker too slow to renew its lease (a starved CPU; here its process is stopped with SIGSTOP) loses the job to
 * another worker; when it runs again it learns so and stops. Stopping must undo nothing: the hold, the document's
 * state and the chunks are the new worker's now.
 */
describe("an ingestion job whose worker froze past its lease, on postgres", () => {
  const apps: TestApp[] = [];
  let frozen: ServiceProcess | undefined;
  afterAll(async () => {
    if (frozen) frozen.child.kill("SIGCONT");
    await frozen?.stop("SIGKILL");
    for (const a of apps.reverse()) await a.close();
  });

  it("is finished once by the worker that took it over, whatever the frozen one does when it wakes", async () => {
    const app = await startTestApp("postgres", {
      KNOWLEDGE_INLINE_MAX_CHUNKS: "0",
      JOB_LEASE_SECONDS: "5",
      JOB_CONCURRENCY: "0",
    });
    apps.push(app);
    const c = await newCustomer(app);
    await grant(app, c.accountId, 1000);
    frozen = await spawnService({ ...app.env, JOB_CONCURRENCY: "1", LOG_LEVEL: "silent" });
    const kb = (await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "k" } })).body.id;
    const up = await app.api("POST", `/v1/knowledge-bases/${kb}/documents`, {
      token: c.apiKey,
      body: { text: longText(800), name: "long.txt" }, // several batches: the frozen worker stops midway
    });
    expect(up.status).toBe(202);
    const docPath = `/v1/knowledge-bases/${kb}/documents/${up.body.id}`;
    await eventually(async () => (await app.api("GET", docPath, { token: c.apiKey })).body.progress > 0, {
      what: "ingestion progress",
      timeoutMs: 120_000,
    });
    frozen.child.kill("SIGSTOP");

    const next = await startTestApp("postgres", { ...app.env, PORT: "0", JOB_CONCURRENCY: "1" });
    apps.push(next);
    const job = () =>
      app.running.ctx.db.sql.get<{ attempts: number; status: string }>(
        "SELECT attempts, status FROM jobs WHERE account_id = ? AND kind = 'knowledge.ingest'",
        [c.accountId],
      );
    // Taken over once the lease ran out.
    await eventually(async () => Number((await job())?.attempts) === 2, {
      what: "a second attempt",
      timeoutMs: 240_000,
    });
    await new Promise((r) => setTimeout(r, 2_000)); // the new worker is indexing (it loads its model first)
    frozen.child.kill("SIGCONT");

    const finished = await eventually(
      async () => {
        const j = await job();
        return (j?.status === "done" || j?.status === "failed") && j;
      },
      { what: "the job to finish", timeoutMs: 240_000 },
    );
    expect(finished).toMatchObject({ status: "done" });
    const doc = (await next.api("GET", docPath, { token: c.apiKey })).body;
    expect(doc).toMatchObject({ status: "ready", progress: 1 });
    const usage = (await next.api("GET", "/v1/ledger?type=usage", { token: c.apiKey })).body.data;
    expect(usage.map((u: any) => [u.reference, u.credits])).toEqual([[up.body.id, -doc.credits]]);
    expect((await next.api("GET", "/v1/balance", { token: c.apiKey })).body).toEqual({
      credits: (1_000_000 - Math.round(doc.credits * 1000)) / 1000,
      reservedCredits: 0,
    });
    // One set of chunks: deleting the document removes exactly as many as it was indexed in.
    const receipt = (await next.api("DELETE", docPath, { token: c.apiKey })).body;
    expect(receipt.deleted).toMatchObject({ documents: 1, chunks: doc.chunks });
  }, 600_000);
});
