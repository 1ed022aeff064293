import type http from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { allowLoopbackForTests } from "../../../src/http/outbound/address-guard.js";
import { finishedDocument, grant, newCustomer, startTestApp, type TestApp } from "../../support/app.js";
import { startRedirectingSite } from "../../support/redirecting-site.js";
import { startLoopbackServer } from "./loopback-server.js";

describe("a crawl job the address guard refuses mid-crawl", () => {
  const cleanup: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c.close();
  });

  it("fails its document with URL_NOT_ALLOWED (the guard's refusal), not INTERNAL, and releases its credits", async () => {
    const redirecting = await startRedirectingSite();
    cleanup.push(redirecting);
    const { site, internal, calls, crawlDeps } = redirecting;
    const app: TestApp = await startTestApp("sqlite", {}, { crawlDeps });
    cleanup.push(app);
    const c = await newCustomer(app);
    await grant(app, c.accountId, 10);
    const kb = (await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "crawl" } })).body.id;
    const up = await app.api("POST", `/v1/knowledge-bases/${kb}/documents`, {
      token: c.apiKey,
      body: { url: redirecting.startUrl, maxDepth: 0 },
    });
    expect(up.status).toBe(202);
    const doc = await finishedDocument(app, c, { knowledgeBaseId: kb, documentId: up.body.id }, 60_000);
    expect(doc.status).toBe("failed");
    expect(doc.error.code).toBe("URL_NOT_ALLOWED");
    expect(doc.error.message).toContain("internal.example");
    expect(internal.connections).toBe(0);
    expect(calls.every((t) => t.port === site.port)).toBe(true);
    const balance = (await app.api("GET", "/v1/balance", { token: c.apiKey })).body;
    expect(balance).toMatchObject({ credits: 10, reservedCredits: 0 });
  });

  it("a keyed crawl whose reply was lost (a crash before it was stored) is found again, not queued twice", async () => {
    const site = await startLoopbackServer((req: http.IncomingMessage, res: http.ServerResponse) => {
      if (req.url === "/robots.txt") res.writeHead(404).end();
      else
        res
          .writeHead(200, { "content-type": "text/html" })
          .end("<html><head><title>Tides</title></head><body><p>The tide turns twice a day.</p></body></html>");
    });
    cleanup.push(site);
    const app: TestApp = await startTestApp(
      "sqlite",
      {},
      {
        crawlDeps: {
          resolver: async () => [{ address: "127.0.0.1", family: 4 }],
          allow: allowLoopbackForTests("127.0.0.1", site.port),
        },
      },
    );
    cleanup.push(app);
    const c = await newCustomer(app);
    await grant(app, c.accountId, 10);
    const kb = (await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "crawl" } })).body.id;
    const crawl = () =>
      app.api("POST", `/v1/knowledge-bases/${kb}/documents`, {
        token: c.apiKey,
        headers: { "idempotency-key": "crawl-tides" },
        body: { url: `http://tides.example:${site.port}/`, maxDepth: 0 },
      });
    const first = await crawl();
    expect(first.status).toBe(202);
    // As if the process died after queueing the crawl and before storing its reply, and the lease ran out.
    await app.running.ctx.db.sql.run(
      "UPDATE idempotent_requests SET state = 'running', locked_until = 0, status_code = NULL, response = NULL",
    );
    const retry = await crawl();
    expect(retry.status).toBeLessThan(300);
    expect(retry.body.id).toBe(first.body.id);
    const docs = (await app.api("GET", `/v1/knowledge-bases/${kb}/documents`, { token: c.apiKey })).body.data;
    expect(docs).toHaveLength(1);
    const jobs = await app.running.ctx.db.sql.all("SELECT id FROM jobs WHERE kind = 'knowledge.crawl'");
    expect(jobs).toHaveLength(1);
  });
});
