import { afterAll, describe, expect, it } from "vitest";
import { finishedDocument, grant, newCustomer, request, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { eventually } from "../support/eventually.js";
import { spawnService } from "../support/process.js";

const WORDS = "river mountain lantern copper orchard harbor meadow falcon granite willow ember canyon".split(" ");

/** A long text of varied sentences (about `paragraphs` × 60 tokens). */
function longText(paragraphs: number): string {
  const out: string[] = [];
  for (let i = 0; i < paragraphs; i++) {
    const w = (k: number) => WORDS[(i * 7 + k * 3) % WORDS.length];
    out.push(
      `Section ${i}: the ${w(1)} near the ${w(2)} was measured on day ${i}. Observers noted ${w(3)} and ${w(4)} ` +
        `patterns, recorded as item ${i * 13} in the ${w(5)} ledger, beside the ${w(6)} of the ${w(7)}.`,
    );
  }
  return out.join("\n\n");
}

for (const engine of ENGINES) {
  describe(`background ingestion on ${engine}`, () => {
    const apps: TestApp[] = [];
    afterAll(async () => {
      for (const a of apps) await a.close();
    });

    it("a large document is queued, reports progress, becomes ready and is charged exactly once", async () => {
      const app = await startTestApp(engine, { KNOWLEDGE_INLINE_MAX_CHUNKS: "2" });
      apps.push(app);
      const c = await newCustomer(app);
      await grant(app, c.accountId, 100);
      const kb = (await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "big" } })).body.id;
      const text = longText(40);
      const quote = (
        await app.api("POST", "/v1/quotes", { token: c.apiKey, body: { operation: "training.embed", text } })
      ).body;
      const up = await app.api("POST", `/v1/knowledge-bases/${kb}/documents`, {
        token: c.apiKey,
        body: { text, name: "big.txt" },
      });
      expect(up.status).toBe(202);
      expect(up.body.status).toBe("queued");
      // The price is known and held from the start.
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body.reservedCredits).toBe(quote.credits);
      const doc = await finishedDocument(app, c, { knowledgeBaseId: kb, documentId: up.body.id });
      expect(doc).toMatchObject({ status: "ready", progress: 1, credits: quote.credits });
      expect(await (await app.api("GET", "/v1/balance", { token: c.apiKey })).body).toEqual({
        credits: 100 - quote.credits,
        reservedCredits: 0,
      });
    });

    it("deleting a queued document releases its hold", async () => {
      const app = await startTestApp(engine, { KNOWLEDGE_INLINE_MAX_CHUNKS: "0", JOB_CONCURRENCY: "1" });
      apps.push(app);
      const c = await newCustomer(app);
      await grant(app, c.accountId, 100);
      const kb = (await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "k" } })).body.id;
      const up = await app.api("POST", `/v1/knowledge-bases/${kb}/documents`, {
        token: c.apiKey,
        body: { text: longText(60), name: "x.txt" },
      });
      const del = await app.api("DELETE", `/v1/knowledge-bases/${kb}/documents/${up.body.id}`, { token: c.apiKey });
      expect(del.status).toBe(200);
      await eventually(
        async () => (await app.api("GET", "/v1/balance", { token: c.apiKey })).body.reservedCredits === 0,
        {
          what: "the hold to be released",
          timeoutMs: 120_000,
        },
      );
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body.credits).toBe(100);
    });

    it("a process killed mid-ingestion: the job resumes elsewhere, nothing is lost or charged twice", async () => {
      const app = await startTestApp(engine, {
        KNOWLEDGE_INLINE_MAX_CHUNKS: "0",
        JOB_LEASE_SECONDS: "5",
        INSTANCE_STALE_SECONDS: "3",
        JOB_CONCURRENCY: "0", // this process only serves the API: the child does the work, and then dies
      });
      apps.push(app);
      const c = await newCustomer(app);
      await grant(app, c.accountId, 1000);
      // SQLite is served by one process: the setup process stops before the worker that will crash starts.
      if (engine === "sqlite") await app.running.close();
      const child = await spawnService({ ...app.env, JOB_CONCURRENCY: "1" });
      const kb = (await request(child.url, "POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "crash" } }))
        .body.id;
      const text = longText(250);
      const up = await request(child.url, "POST", `/v1/knowledge-bases/${kb}/documents`, {
        token: c.apiKey,
        body: { text, name: "long.txt" },
      });
      expect(up.status).toBe(202);
      await eventually(
        async () =>
          (await request(child.url, "GET", `/v1/knowledge-bases/${kb}/documents/${up.body.id}`, { token: c.apiKey }))
            .body.progress > 0,
        { what: "ingestion progress", timeoutMs: 120_000 },
      );
      await child.stop("SIGKILL");

      // A fresh process on the same database picks the job up once its lease has run out.
      const next = await startTestApp(engine, { ...app.env, PORT: "0", JOB_CONCURRENCY: "1" });
      apps.push(next);
      const doc = await finishedDocument(next, c, { knowledgeBaseId: kb, documentId: up.body.id }, 180_000);
      expect(doc.status).toBe("ready");
      const balance = (await next.api("GET", "/v1/balance", { token: c.apiKey })).body;
      expect(balance.reservedCredits).toBe(0);
      expect(balance.credits).toBe(1000 - doc.credits);
      const usage = (await next.api("GET", "/v1/ledger?type=usage", { token: c.apiKey })).body.data;
      expect(usage.length).toBe(1);
      expect(usage[0].credits).toBe(-doc.tokens / 1000);
      const entries = (await next.api("GET", "/v1/ledger?limit=200", { token: c.apiKey })).body.data;
      expect(Math.round(entries.reduce((s: number, e: any) => s + e.credits, 0) * 1000)).toBe(
        Math.round((balance.credits + balance.reservedCredits) * 1000),
      );
      // Searching finds the text once, not twice (the half-indexed first attempt was cleared).
      const q = await next.api("POST", `/v1/knowledge-bases/${kb}/query`, {
        token: c.apiKey,
        body: { query: "Section 7 item 91", mode: "keyword", topK: 50 },
      });
      const positions = q.body.results.map((r: any) => r.position);
      expect(new Set(positions).size).toBe(positions.length);
    }, 300_000);
  });
}

describe("several workers on one PostgreSQL database", () => {
  it("share the queue without charging or indexing any document twice", async () => {
    const api = await startTestApp("postgres", { KNOWLEDGE_INLINE_MAX_CHUNKS: "0", JOB_CONCURRENCY: "0" });
    const workers = [
      await startTestApp("postgres", { ...api.env, PORT: "0", JOB_CONCURRENCY: "2" }),
      await startTestApp("postgres", { ...api.env, PORT: "0", JOB_CONCURRENCY: "2" }),
    ];
    try {
      const c = await newCustomer(api);
      await grant(api, c.accountId, 1000);
      const kb = (await api.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "many" } })).body.id;
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const up = await api.api("POST", `/v1/knowledge-bases/${kb}/documents`, {
          token: c.apiKey,
          body: { text: `Document ${i}. ${longText(12 + i)}`, name: `d${i}.txt` },
        });
        expect(up.status).toBe(202);
        ids.push(up.body.id);
      }
      const docs = await eventually(
        async () => {
          const d: any[] = (await api.api("GET", `/v1/knowledge-bases/${kb}/documents`, { token: c.apiKey })).body.data;
          return d.every((x) => x.status === "ready" || x.status === "failed") && d;
        },
        { what: "every document to finish", timeoutMs: 120_000 },
      );
      expect(docs.map((d: any) => d.status)).toEqual(Array(6).fill("ready"));
      const usage = (await api.api("GET", "/v1/ledger?type=usage&limit=200", { token: c.apiKey })).body.data;
      expect(usage.length).toBe(6);
      expect(new Set(usage.map((u: any) => u.reference))).toEqual(new Set(ids));
      // Every job ends done. A document reads "ready" from its charge's commit; its job is marked done a moment later.
      // How many attempts a job took is not the point: a job runs at least once (a passing failure, such as the
      // embedding model failing to start on a starved CPU, retries it; a worker too slow to renew its lease loses
      // it) — what must hold whatever the attempts is one charge and one set of chunks per document.
      const jobs = await eventually(
        async () => {
          const rows = await api.running.ctx.db.sql.all<{ status: string }>(
            "SELECT status FROM jobs WHERE account_id = ?",
            [c.accountId],
          );
          return rows.every((j) => j.status !== "queued" && j.status !== "running") && rows;
        },
        { what: "every job to end", timeoutMs: 120_000 },
      );
      expect(jobs.map((j) => j.status)).toEqual(Array(6).fill("done"));
      const charged = docs.reduce((s: number, d: any) => s + Math.round(d.credits * 1000), 0);
      const balance = (await api.api("GET", "/v1/balance", { token: c.apiKey })).body;
      expect(balance).toEqual({ credits: (1_000_000 - charged) / 1000, reservedCredits: 0 });
      for (const d of docs) {
        // Every chunk says "Section": each position of the document is found, once.
        const q = await api.api("POST", `/v1/knowledge-bases/${kb}/query`, {
          token: c.apiKey,
          body: { query: "Section", mode: "keyword", topK: 50, filter: { documentIds: [d.id] } },
        });
        const positions = q.body.results.map((r: any) => r.position);
        expect(positions.length).toBe(d.chunks);
        expect(new Set(positions).size).toBe(d.chunks);
      }
    } finally {
      for (const w of workers) await w.running.close();
      await api.close();
    }
  }, 300_000);
});
