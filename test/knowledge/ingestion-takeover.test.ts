import { afterAll, describe, expect, it } from "vitest";
import { StaleWriteError } from "../../src/db/sql.js";
import type { Embedder } from "../../src/knowledge/embedders/embedder.js";
import { grant, newCustomer, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { eventually } from "../support/eventually.js";
import { fakeVector, unit } from "./embedders/fake-vectors.js";

/** About `paragraphs` × 60 tokens of varied sentences, every chunk holding the words the test searches. */
function longText(paragraphs: number): string {
  const out: string[] = [];
  for (let i = 0; i < paragraphs; i++)
    out.push(`Section ${i}: reading ${i * 13} was taken beside the harbor on day ${i}, near the granite ledge.`);
  return out.join("\n\n");
}

/**
 * A deterministic embedder (the third-party model stands in) whose second call waits until the test lets it go: the
 * worker that makes it has written its first batch and holds its next one in flight.
 */
function embedderHeldAtSecondCall(dimensions = 32) {
  let calls = 0;
  let reached!: () => void;
  let release!: () => void;
  const held = new Promise<void>((r) => {
    reached = r;
  });
  const released = new Promise<void>((r) => {
    release = r;
  });
  const embedder: Embedder = {
    id: `test:held-${dimensions}`,
    dimensions,
    embed: async (texts) => {
      if (++calls === 2) {
        reached();
        await released;
      }
      return texts.map((t) => unit(fakeVector(t, dimensions)));
    },
  };
  return { embedder, held, release };
}

/*
 * A worker whose lease ran out while a batch of chunks was in flight (embedded, about to be written) loses the job to
 * another worker, which starts clean and indexes the whole document. When the stale worker's write finally reaches
 * the database it must be refused: the document keeps one set of chunks, charged once.
 */
for (const engine of ENGINES) {
  describe(`an ingestion job taken over while the first worker's batch is in flight, on ${engine}`, () => {
    let app: TestApp | undefined;
    let other: TestApp | undefined;
    afterAll(async () => {
      await app?.close();
      await other?.close();
    });

    it("keeps only the new worker's chunks: the stale batch lands nowhere", async () => {
      const held = embedderHeldAtSecondCall();
      app = await startTestApp(
        engine,
        { KNOWLEDGE_INLINE_MAX_CHUNKS: "0", JOB_CONCURRENCY: "0" },
        { embedder: held.embedder },
      );
      const { jobs, knowledge } = app.running.ctx;
      const c = await newCustomer(app);
      await grant(app, c.accountId, 1000);
      const kb = (
        await app.api("POST", "/v1/knowledge-bases", {
          token: c.apiKey,
          body: { name: "k", chunking: { chunkTokens: 64, overlapTokens: 0 } },
        })
      ).body.id;
      const up = await app.api("POST", `/v1/knowledge-bases/${kb}/documents`, {
        token: c.apiKey,
        body: { text: longText(300), name: "long.txt" },
      });
      expect(up.status).toBe(202);
      const handler = knowledge.jobHandlers()["knowledge.ingest"]!;
      const kinds = ["knowledge.ingest"];

      // Worker A claims the job with a lease it will not renew (its process starved), writes its first batch and
      // has the second one embedding when the lease runs out.
      const a = (await jobs.claim("worker-a", 1, kinds))!;
      const runA = handler.run({
        job: a,
        signal: new AbortController().signal,
        fence: jobs.leaseFence(a, "worker-a"),
      });
      // A must reach its second batch (the document needs more than one); it must not get past it.
      await Promise.race([held.held, runA.then(() => Promise.reject(new Error("A finished in one batch")))]);
      await new Promise((r) => setTimeout(r, 20));

      // Worker B takes the job over and indexes the document from the start, to the end. On PostgreSQL a batch of A
      // still being written holds the job's row (its fence) and the claim skips the job until it commits: the
      // takeover waits for at most that batch.
      const b = await eventually(() => jobs.claim("worker-b", 60_000, kinds), "worker B's claim");
      expect(b).toMatchObject({ id: a.id, attempts: 2 });
      await handler.run({
        job: b,
        signal: new AbortController().signal,
        fence: jobs.leaseFence(b, "worker-b"),
      });
      await jobs.finish(b, "worker-b", { status: "done" });
      const docPath = `/v1/knowledge-bases/${kb}/documents/${up.body.id}`;
      const doc = (await app.api("GET", docPath, { token: c.apiKey })).body;
      expect(doc).toMatchObject({ status: "ready", progress: 1 });
      expect(doc.chunks).toBeGreaterThan(64); // several batches of 32

      // A's batch reaches the database now.
      held.release();
      // Its write is refused, and A stops there as a worker that lost its lease: recording and undoing nothing.
      expect(
        await runA.then(
          () => "finished",
          (e) => e,
        ),
      ).toBeInstanceOf(StaleWriteError);

      expect((await app.api("GET", docPath, { token: c.apiKey })).body).toMatchObject({
        status: "ready",
        progress: 1,
        chunks: doc.chunks,
      });
      const stored = await app.running.ctx.db.sql.get<{ n: number }>(
        "SELECT count(*) AS n FROM knowledge_chunks WHERE document_id = ?",
        [up.body.id],
      );
      expect(Number(stored?.n)).toBe(doc.chunks);
      // One set of chunks: every chunk holds the words searched for, and each position is found once.
      const q = await app.api("POST", `/v1/knowledge-bases/${kb}/query`, {
        token: c.apiKey,
        body: { query: "reading harbor granite ledge", mode: "keyword", topK: 50 },
      });
      const positions = q.body.results.map((r: any) => r.position);
      expect(positions.length).toBe(50);
      expect(new Set(positions).size).toBe(50);
      const usage = (await app.api("GET", "/v1/ledger?type=usage", { token: c.apiKey })).body.data;
      const charges = usage.filter((u: any) => u.reference === up.body.id);
      expect(charges.map((u: any) => u.credits)).toEqual([-doc.credits]);
      // Charged once, nothing still held: the balance is the grant less what the ledger lists.
      const spentMc = usage.reduce((n: number, u: any) => n + Math.round(u.credits * 1000), 0);
      const balance = (await app.api("GET", "/v1/balance", { token: c.apiKey })).body;
      expect([Math.round(balance.credits * 1000), balance.reservedCredits]).toEqual([1_000_000 + spentMc, 0]);
      // Deleting the document removes exactly as many chunks as it was indexed in.
      const receipt = (await app.api("DELETE", docPath, { token: c.apiKey })).body;
      expect(receipt.deleted).toMatchObject({ documents: 1, chunks: doc.chunks });
    }, 120_000);

    it("a document deleted while its worker's batch is in flight keeps no chunk and no hold", async () => {
      const held = embedderHeldAtSecondCall();
      other = await startTestApp(
        engine,
        { KNOWLEDGE_INLINE_MAX_CHUNKS: "0", JOB_CONCURRENCY: "0" },
        { embedder: held.embedder },
      );
      const { jobs, knowledge, db } = other.running.ctx;
      const c = await newCustomer(other);
      await grant(other, c.accountId, 1000);
      const kb = (
        await other.api("POST", "/v1/knowledge-bases", {
          token: c.apiKey,
          body: { name: "k", chunking: { chunkTokens: 64, overlapTokens: 0 } },
        })
      ).body.id;
      const up = await other.api("POST", `/v1/knowledge-bases/${kb}/documents`, {
        token: c.apiKey,
        body: { text: longText(300), name: "long.txt" },
      });
      const handler = knowledge.jobHandlers()["knowledge.ingest"]!;
      const job = (await jobs.claim("worker-a", 60_000, ["knowledge.ingest"]))!;
      const run = handler.run({ job, signal: new AbortController().signal, fence: jobs.leaseFence(job, "worker-a") });
      await Promise.race([held.held, run.then(() => Promise.reject(new Error("finished in one batch")))]);
      // Deleted while the worker holds its second batch; the deletion removes the first one.
      const del = await other.api("DELETE", `/v1/knowledge-bases/${kb}/documents/${up.body.id}`, { token: c.apiKey });
      expect(del.status).toBe(200);
      held.release();
      // The batch in flight is refused by its fence, or (when the first batch's write committed before the deletion
      // and only its progress report came after it) the worker learns the document is gone: it stops either way.
      const outcome = await run.then(
        () => "finished",
        (e) => e,
      );
      expect(
        outcome instanceof StaleWriteError ||
          (outcome as Error).message?.includes("deleted while it was being indexed"),
        String(outcome),
      ).toBe(true);
      const stored = await db.sql.get<{ n: number }>(
        "SELECT count(*) AS n FROM knowledge_chunks WHERE document_id = ?",
        [up.body.id],
      );
      expect(Number(stored?.n)).toBe(0);
      expect((await other.api("GET", "/v1/balance", { token: c.apiKey })).body.reservedCredits).toBe(0);
    }, 120_000);
  });
}
