import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { eventually } from "../support/eventually.js";
import { type Receiver, startReceiver } from "./receiver.js";

const HOSTILE = [
  "http://127.0.0.1:8080/hook",
  "http://[::1]/hook",
  "http://10.0.0.5/hook",
  "http://192.168.1.1/hook",
  "http://169.254.169.254/latest/meta-data/",
  "http://[::ffff:169.254.169.254]/",
  "http://metadata.google.internal/computeMetadata/v1/",
  "http://localhost:3000/hook",
  "http://0x7f000001/hook",
  "http://2130706433/hook",
  "file:///etc/passwd",
  "http://user:pass@hooks.example.com/",
];

for (const engine of ENGINES) {
  describe(`webhook endpoints are the owner's, and reach only public addresses (${engine})`, () => {
    let app: TestApp;
    let a: TestCustomer;
    let b: TestCustomer;
    let rx: Receiver;
    let endpointOfB: string;

    beforeAll(async () => {
      rx = await startReceiver();
      // The receiver's name resolves to loopback, as a DNS rebinding would make it: the guard must refuse it when
      // the request is about to be sent (registration cannot know what the name will resolve to).
      app = await startTestApp(
        engine,
        { WEBHOOKS_RETRY_SCHEDULE: "50ms" },
        {
          webhookNetwork: { resolver: async () => [{ address: "127.0.0.1", family: 4 }] },
        },
      );
      a = await newCustomer(app);
      b = await newCustomer(app);
      const r = await app.api("POST", "/v1/webhook-endpoints", {
        token: b.licenseKey,
        body: { url: "https://hooks.example.com/b", events: ["*"] },
      });
      expect(r.status).toBe(201);
      endpointOfB = r.body.id;
    });
    afterAll(async () => {
      await app?.close();
      await rx?.close();
    });

    it("refuses private, loopback and metadata URLs at registration", async () => {
      for (const url of HOSTILE) {
        const r = await app.api("POST", "/v1/webhook-endpoints", { token: a.licenseKey, body: { url, events: ["*"] } });
        expect([r.status, url]).toEqual([422, url]);
        expect(r.body.code).toBe("URL_NOT_ALLOWED");
      }
      const patch = await app.api("PATCH", `/v1/webhook-endpoints/${endpointOfB}`, {
        token: b.licenseKey,
        body: { url: "http://10.1.1.1/" },
      });
      expect(patch.status).toBe(422);
    });

    it("refuses, at delivery, a name that resolves to a private address, and connects nowhere", async () => {
      const created = await app.api("POST", "/v1/webhook-endpoints", {
        token: a.licenseKey,
        body: { url: `http://rebound.example.com:${rx.port}/hooks`, events: ["*"] },
      });
      expect(created.status).toBe(201);
      const test = await app.api("POST", `/v1/webhook-endpoints/${created.body.id}/test`, { token: a.licenseKey });
      expect(test.status).toBe(202);
      const failed = await eventually(async () => {
        const r = await app.api("GET", `/v1/webhook-endpoints/${created.body.id}/deliveries`, { token: a.licenseKey });
        return r.body.data[0]?.attempts >= 1 && r.body.data[0].status !== "sending" ? r.body.data[0] : undefined;
      });
      expect(failed.responseStatus).toBeNull();
      expect(failed.error).toContain("127.0.0.1 (loopback)");
      expect(rx.received).toHaveLength(0);
    });

    it("answers 404 for another account's endpoint, whatever the route", async () => {
      const routes: [string, string][] = [
        ["GET", `/v1/webhook-endpoints/${endpointOfB}`],
        ["PATCH", `/v1/webhook-endpoints/${endpointOfB}`],
        ["DELETE", `/v1/webhook-endpoints/${endpointOfB}`],
        ["POST", `/v1/webhook-endpoints/${endpointOfB}/rotate-secret`],
        ["GET", `/v1/webhook-endpoints/${endpointOfB}/deliveries`],
        ["POST", `/v1/webhook-endpoints/${endpointOfB}/test`],
        ["POST", `/v1/webhook-endpoints/${endpointOfB}/deliveries/whmsg_x/retry`],
        ["GET", "/v1/webhook-endpoints/whep_missing"],
      ];
      for (const [method, path] of routes) {
        const r = await app.api(method, path, {
          token: a.licenseKey,
          body: method === "PATCH" ? { enabled: false } : undefined,
        });
        expect([method, path, r.status]).toEqual([method, path, 404]);
      }
      const list = await app.api("GET", "/v1/webhook-endpoints", { token: a.licenseKey });
      expect(list.body.data.map((e: { id: string }) => e.id)).not.toContain(endpointOfB);
      const still = await app.api("GET", `/v1/webhook-endpoints/${endpointOfB}`, { token: b.licenseKey });
      expect(still.body.enabled).toBe(true);
    });

    it("refuses a site's API key (403): it cannot subscribe to the account's events", async () => {
      const routes: [string, string][] = [
        ["POST", "/v1/webhook-endpoints"],
        ["GET", "/v1/webhook-endpoints"],
        ["GET", `/v1/webhook-endpoints/${endpointOfB}`],
        ["POST", `/v1/webhook-endpoints/${endpointOfB}/rotate-secret`],
        ["DELETE", `/v1/webhook-endpoints/${endpointOfB}`],
      ];
      for (const [method, path] of routes) {
        const body =
          method === "POST" && !path.includes("rotate") ? { url: "https://x.example.com/", events: ["*"] } : undefined;
        const r = await app.api(method, path, { token: b.apiKey, body });
        expect([method, path, r.status]).toEqual([method, path, 403]);
      }
      expect((await app.api("GET", "/v1/webhook-endpoints", {})).status).toBe(401);
    });

    it("shows the secret only when it is made, and validates event names", async () => {
      const got = await app.api("GET", `/v1/webhook-endpoints/${endpointOfB}`, { token: b.licenseKey });
      expect(got.body.secret).toBeUndefined();
      const list = await app.api("GET", "/v1/webhook-endpoints", { token: b.licenseKey });
      expect(JSON.stringify(list.body)).not.toContain("whsec_");
      const rotated = await app.api("POST", `/v1/webhook-endpoints/${endpointOfB}/rotate-secret`, {
        token: b.licenseKey,
      });
      expect(rotated.body.secret).toMatch(/^whsec_/);
      const bad = await app.api("POST", "/v1/webhook-endpoints", {
        token: a.licenseKey,
        body: { url: "https://hooks.example.com/", events: ["balance.stolen"] },
      });
      expect(bad.status).toBe(400);
      const none = await app.api("POST", "/v1/webhook-endpoints", {
        token: a.licenseKey,
        body: { url: "https://hooks.example.com/", events: [] },
      });
      expect(none.status).toBe(400);
    });
  });
}
