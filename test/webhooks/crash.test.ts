import { afterAll, describe, expect, it } from "vitest";
import { createApp, type RunningApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { grant, newCustomer, request, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { type ServiceProcess, spawnService } from "../support/process.js";
import { type Receiver, startReceiver } from "./receiver.js";

const ENV = { WEBHOOKS_ALLOW_PRIVATE_URLS: "true", WEBHOOKS_RETRY_SCHEDULE: "50ms,50ms" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const engine of ENGINES) {
  describe(`kill -9 between a ledger change and its delivery (${engine})`, () => {
    const apps: TestApp[] = [];
    let child: ServiceProcess | undefined;
    let rx: Receiver | undefined;
    afterAll(async () => {
      await child?.stop("SIGKILL");
      for (const a of apps) await a.close();
      await rx?.close();
    });

    it("delivers the event after the restart, once", async () => {
      rx = await startReceiver();
      const app = await startTestApp(engine, ENV);
      apps.push(app);
      const c = await newCustomer(app);
      await grant(app, c.accountId, 50);
      const kb = await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "Handbook" } });
      const endpoint = await app.api("POST", "/v1/webhook-endpoints", {
        token: c.licenseKey,
        body: { url: rx.url, events: ["document.ready"] },
      });
      expect(endpoint.status).toBe(201);
      await app.running.close(); // the child is now the only process on this database

      // The child dies right after the charge (and the document.ready written with it) commits.
      child = await spawnService({ ...app.env, LOG_LEVEL: "silent", API_CREDITS_FAILPOINTS: "after-capture=kill" });
      const upload = await request(child.url, "POST", `/v1/knowledge-bases/${kb.body.id}/documents`, {
        token: c.apiKey,
        body: { name: "handbook.txt", text: "New hires get twenty vacation days a year." },
      }).catch((error: Error) => error);
      expect(upload).toBeInstanceOf(Error);
      expect(await child.stop()).toBeNull(); // killed by the signal
      expect(rx.received).toHaveLength(0); // it died before sending

      const restarted = await startTestApp(engine, app.env);
      apps.push(restarted);
      const [got] = await rx.waitFor(1);
      const event = JSON.parse(got!.body);
      expect(event.type).toBe("document.ready");
      // The document turned ready in the same transaction as its charge and its event.
      const docs = await restarted.api("GET", `/v1/knowledge-bases/${kb.body.id}/documents`, { token: c.apiKey });
      expect(docs.body.data).toHaveLength(1);
      expect(docs.body.data[0]).toMatchObject({ id: event.data.documentId, status: "ready" });
      await sleep(1_500); // a second dispatch or send would have arrived by now
      expect(rx.received).toHaveLength(1);
    });
  });
}

describe("two processes on one PostgreSQL database", () => {
  let app: TestApp | undefined;
  let second: RunningApp | undefined;
  let rx: Receiver | undefined;
  afterAll(async () => {
    await second?.close();
    await app?.close();
    await rx?.close();
  });

  it("never send one attempt twice: every event arrives once, each after one attempt", async () => {
    rx = await startReceiver();
    app = await startTestApp("postgres", ENV);
    second = await createApp(loadConfig(app.env));
    const c = await newCustomer(app);
    const endpoint = await app.api("POST", "/v1/webhook-endpoints", {
      token: c.licenseKey,
      body: { url: rx.url, events: ["*"] },
    });
    expect(endpoint.status).toBe(201);
    const N = 200;
    const both = [app.running.ctx, second.ctx];
    await Promise.all(
      Array.from({ length: N }, (_, i) => {
        const { ledger, outbox } = both[i % 2]!;
        return ledger.credit({
          accountId: c.accountId,
          amountMc: 1,
          type: "grant",
          cause: { reason: "test" },
          writes: [outbox.write({ accountId: c.accountId, type: "purchase.completed", data: { i } })],
        });
      }),
    );
    await rx.waitFor(N, 60_000);
    await sleep(1_500);
    expect(rx.received).toHaveLength(N);
    const ids = new Set(rx.received.map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(N);
    const rows = await app.running.ctx.db.sql.all<{ status: string; attempts: number; n: number }>(
      "SELECT status, attempts, COUNT(*) AS n FROM webhook_deliveries GROUP BY status, attempts",
    );
    expect(rows.map((r) => ({ ...r, n: Number(r.n) }))).toEqual([{ status: "delivered", attempts: 1, n: N }]);
  });
});
