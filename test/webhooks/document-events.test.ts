import { afterAll, describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp } from "../support/app.js";
import { startRedirectingSite } from "../support/redirecting-site.js";
import { startReceiver } from "./receiver.js";

describe("document.failed", () => {
  const cleanup: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c.close();
  });

  it("is sent once when a background crawl fails, with the reason in the customer's words and nothing charged", async () => {
    // The site's page redirects to a port the crawler's guard does not allow: the crawl job fails for good.
    const site = await startRedirectingSite();
    cleanup.push(site);
    const rx = await startReceiver();
    cleanup.push(rx);
    const app = await startTestApp("sqlite", { WEBHOOKS_ALLOW_PRIVATE_URLS: "true" }, { crawlDeps: site.crawlDeps });
    cleanup.push(app);
    const c = await newCustomer(app);
    await grant(app, c.accountId, 10);
    const hook = await app.api("POST", "/v1/webhook-endpoints", {
      token: c.licenseKey,
      body: { url: rx.url, events: ["document.failed", "document.ready"] },
    });
    expect(hook.status).toBe(201);
    const kb = await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "Our site" } });
    const up = await app.api("POST", `/v1/knowledge-bases/${kb.body.id}/documents`, {
      token: c.apiKey,
      body: { url: site.startUrl, maxDepth: 0, name: "Our site's pages" },
    });
    expect(up.status).toBe(202);

    const [got] = await rx.waitFor(1, 60_000);
    const event = JSON.parse(got!.body);
    expect(event.type).toBe("document.failed");
    expect(event.data).toMatchObject({
      knowledgeBaseId: kb.body.id,
      knowledgeBaseName: "Our site",
      documentId: up.body.id,
      title: "Our site's pages",
      status: "failed",
      creditsCharged: 0,
    });
    expect(event.data.error).toMatch(/^Refusing to fetch http:\/\/internal\.example/);
    const doc = await app.api("GET", `/v1/knowledge-bases/${kb.body.id}/documents/${up.body.id}`, { token: c.apiKey });
    expect(doc.body.status).toBe("failed");
    await new Promise((r) => setTimeout(r, 1_500));
    expect(rx.received).toHaveLength(1);
  });
});
