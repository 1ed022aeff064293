import { writeFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiCreditsError, createApiCreditsClient } from "../../packages/client/src/index.js";
import { ADMIN_TOKEN, startTestApp, type TestApp } from "../support/app.js";
import { DroppingProxy } from "../support/dropping-proxy.js";

const HANDBOOK = [
  "Returns and refunds",
  "",
  "Customers may return any unworn item within 30 days of delivery for a full refund to the original card.",
  "Refunds are issued within five business days after the parcel reaches our warehouse in Leeds.",
  "",
  "Shipping",
  "",
  "Orders above 50 pounds ship free to the United Kingdom; international shipping is charged at checkout.",
].join("\n");

describe("the typed client (@api-credits/client) against the real service", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp("sqlite");
  });
  afterAll(async () => {
    await app.close();
  });

  it("runs licence → activation → grant → knowledge base → upload → query → upscale → delete", async () => {
    const operator = createApiCreditsClient({ baseUrl: app.url, apiKey: ADMIN_TOKEN });
    const licence = await operator.unwrap(
      operator.api.POST("/v1/admin/licenses", { body: { email: "client@example.com", plan: "personal" } }),
    );
    const anonymous = createApiCreditsClient({ baseUrl: app.url, apiKey: "none" });
    const site = await anonymous.unwrap(
      anonymous.api.POST("/v1/activations", {
        body: { licenseKey: licence.key, siteUrl: "https://shop.example.com" },
      }),
    );
    await operator.unwrap(
      operator.api.POST("/v1/admin/accounts/{accountId}/grants", {
        params: { path: { accountId: licence.accountId } },
        body: { credits: 100, reason: "trial" },
      }),
    );

    const client = createApiCreditsClient({ baseUrl: app.url, apiKey: site.apiKey });
    expect((await client.unwrap(client.api.GET("/v1/balance"))).credits).toBe(100);
    const kb = await client.unwrap(client.api.POST("/v1/knowledge-bases", { body: { name: "Handbook" } }));

    const dir = app.dataDir;
    const file = path.join(dir, "handbook.md");
    writeFileSync(file, HANDBOOK);
    const created = await client.uploadDocument(kb.id, { file, name: "Handbook" });
    const progress: number[] = [];
    const ready = await client.waitForDocument(kb.id, created.id, {
      intervalMs: 100,
      onProgress: (d) => progress.push(d.progress),
    });
    expect(ready.status).toBe("ready");
    expect(ready.credits).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);

    const answer = await client.unwrap(
      client.api.POST("/v1/knowledge-bases/{id}/query", {
        params: { path: { id: kb.id } },
        body: { query: "how long do refunds take", mode: "keyword" },
      }),
    );
    expect(answer.results[0]?.text).toContain("five business days");

    const png = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#c84" } })
      .png()
      .toBuffer();
    const upscaled = await client.unwrap(
      client.api.POST("/v1/images/upscales", {
        body: { image: png.toString("base64"), factor: 2, method: "fast" },
      }),
    );
    expect(upscaled.images).toHaveLength(1);

    const balance = await client.unwrap(client.api.GET("/v1/balance"));
    const spent = ready.credits + answer.credits + upscaled.credits;
    expect(balance.credits).toBeCloseTo(100 - spent, 3);

    const receipt = await client.unwrap(client.api.DELETE("/v1/data"));
    expect(receipt.credits).toBe(0);
    const gone = await client.api.GET("/v1/knowledge-bases/{id}", { params: { path: { id: kb.id } } });
    expect(gone.response.status).toBe(404);
  });

  it("throws problems as typed errors: a 402 names what was needed", async () => {
    const operator = createApiCreditsClient({ baseUrl: app.url, apiKey: ADMIN_TOKEN });
    const licence = await operator.unwrap(
      operator.api.POST("/v1/admin/licenses", { body: { email: "poor@example.com", plan: "personal" } }),
    );
    const client = createApiCreditsClient({ baseUrl: app.url, apiKey: licence.key });
    const kb = await client.unwrap(client.api.POST("/v1/knowledge-bases", { body: { name: "Empty" } }));
    const error = await client
      .unwrap(
        client.api.POST("/v1/knowledge-bases/{id}/query", {
          params: { path: { id: kb.id } },
          body: { query: "anything" },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiCreditsError);
    expect((error as ApiCreditsError).status).toBe(402);
    expect((error as ApiCreditsError).insufficientCredits).toBe(true);
    expect((error as ApiCreditsError).problem.neededCredits).toBeGreaterThan(0);
  });

  it("retries a spending call after a dropped connection under the same Idempotency-Key: one charge", async () => {
    const operator = createApiCreditsClient({ baseUrl: app.url, apiKey: ADMIN_TOKEN });
    const licence = await operator.unwrap(
      operator.api.POST("/v1/admin/licenses", { body: { email: "retry@example.com", plan: "personal" } }),
    );
    await operator.unwrap(
      operator.api.POST("/v1/admin/accounts/{accountId}/grants", {
        params: { path: { accountId: licence.accountId } },
        body: { credits: 10, reason: "trial" },
      }),
    );
    const direct = createApiCreditsClient({ baseUrl: app.url, apiKey: licence.key });
    const kb = await direct.unwrap(direct.api.POST("/v1/knowledge-bases", { body: { name: "Notes" } }));
    const proxy = await DroppingProxy.start(app.url);
    try {
      const client = createApiCreditsClient({ baseUrl: proxy.url, apiKey: licence.key, baseDelayMs: 50 });
      proxy.dropNext = true;
      const answer = await client.unwrap(
        client.api.POST("/v1/knowledge-bases/{id}/query", {
          params: { path: { id: kb.id } },
          body: { query: "anything at all", mode: "keyword" },
        }),
      );
      expect(proxy.count(`POST /v1/knowledge-bases/${kb.id}/query`)).toBe(2);
      const ledger = await direct.unwrap(direct.api.GET("/v1/ledger", { params: { query: { limit: 50 } } }));
      const queries = ledger.data.filter((e) => e.type === "usage" && e.operation === "training.query");
      expect(queries).toHaveLength(1);
      expect(-queries[0]!.credits).toBe(answer.credits);
    } finally {
      await proxy.close();
    }
  });
});
