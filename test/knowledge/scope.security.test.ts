import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { ENGINES } from "../support/db.js";

/**
 * One scope model, on both engines: what the owner creates is shared by every site of the account unless restricted
 * to one; a site's key reads the shared resources and its own site's, changes only its own site's, never sees another
 * site's; another account sees nothing (404, as for ids that do not exist).
 */
for (const engine of ENGINES) {
  describe(`who sees what on ${engine}: owner, site A, site B, another account`, () => {
    let app: TestApp;
    let owner: TestCustomer; // owner.licenseKey acts as the owner, owner.apiKey as site A
    let siteA: string;
    let siteB: { siteId: string; apiKey: string };
    let other: TestCustomer;
    let shared: string;
    let onlyA: string;
    let ofB: string;

    const as = (token: string) => ({
      get: (path: string) => app.api("GET", path, { token }),
      post: (path: string, body: unknown) => app.api("POST", path, { token, body }),
      patch: (path: string, body: unknown) => app.api("PATCH", path, { token, body }),
      del: (path: string) => app.api("DELETE", path, { token }),
    });
    const listIds = async (token: string) =>
      ((await as(token).get("/v1/knowledge-bases")).body.data as { id: string }[]).map((k) => k.id).sort();
    const upload = (token: string, kbId: string, text: string) =>
      as(token).post(`/v1/knowledge-bases/${kbId}/documents`, { name: "note.txt", text });

    beforeAll(async () => {
      app = await startTestApp(engine);
      owner = await newCustomer(app, "agency");
      siteA = owner.siteId;
      const b = await app.api("POST", "/v1/activations", {
        body: { licenseKey: owner.licenseKey, siteUrl: "https://site-b.example.com" },
      });
      siteB = { siteId: b.body.siteId, apiKey: b.body.apiKey };
      other = await newCustomer(app);
      await grant(app, owner.accountId, 200);
      await grant(app, other.accountId, 50);
      const O = as(owner.licenseKey);
      shared = (await O.post("/v1/knowledge-bases", { name: "Handbook" })).body.id;
      const restricted = await O.post("/v1/knowledge-bases", { name: "A only", siteId: siteA });
      expect(restricted.body).toMatchObject({ siteId: siteA });
      onlyA = restricted.body.id;
      const own = await as(siteB.apiKey).post("/v1/knowledge-bases", { name: "B's own", siteId: null });
      expect(own.status).toBe(403); // a site's key cannot choose a scope…
      const created = await as(siteB.apiKey).post("/v1/knowledge-bases", { name: "B's own" });
      expect(created.body.siteId).toBe(siteB.siteId); // …it creates its own site's
      ofB = created.body.id;
      expect((await upload(owner.licenseKey, shared, "Holidays: twenty vacation days a year.")).status).toBe(201);
    });
    afterAll(async () => {
      await app.close();
    });

    it("lists: the owner sees every knowledge base; each site the shared ones and its own; another account none", async () => {
      expect(await listIds(owner.licenseKey)).toEqual([shared, onlyA, ofB].sort());
      expect(await listIds(owner.apiKey)).toEqual([shared, onlyA].sort());
      expect(await listIds(siteB.apiKey)).toEqual([shared, ofB].sort());
      expect(await listIds(other.apiKey)).toEqual([]);
      const kb = (await as(owner.licenseKey).get(`/v1/knowledge-bases/${shared}`)).body;
      expect(kb.siteId).toBeNull();
    });

    it("reads: a site's plugin can search what the owner uploaded; another site's and another account's answer 404", async () => {
      for (const token of [owner.licenseKey, owner.apiKey, siteB.apiKey]) {
        const q = await as(token).post(`/v1/knowledge-bases/${shared}/query`, {
          query: "vacation days",
          mode: "keyword",
        });
        expect(q.status).toBe(200);
        expect(q.body.results[0].text).toContain("twenty vacation days");
      }
      expect((await as(siteB.apiKey).get(`/v1/knowledge-bases/${onlyA}`)).status).toBe(404);
      expect((await as(owner.apiKey).get(`/v1/knowledge-bases/${ofB}`)).status).toBe(404);
      for (const id of [shared, onlyA, ofB]) {
        const r = await as(other.apiKey).post(`/v1/knowledge-bases/${id}/query`, { query: "vacation" });
        expect(r.status).toBe(404);
        expect((await as(other.apiKey).del(`/v1/knowledge-bases/${id}`)).status).toBe(404);
      }
    });

    it("writes: a site changes only its own site's; shared ones are the owner's (403, nothing changes)", async () => {
      const before = (await as(owner.licenseKey).get("/v1/balance")).body.credits;
      expect((await upload(owner.apiKey, shared, "From site A")).status).toBe(403);
      expect((await as(siteB.apiKey).del(`/v1/knowledge-bases/${shared}`)).status).toBe(403);
      expect((await as(owner.apiKey).patch(`/v1/knowledge-bases/${shared}`, { siteId: siteA })).status).toBe(403);
      expect((await as(owner.apiKey).patch(`/v1/knowledge-bases/${onlyA}`, { siteId: null })).status).toBe(403);
      expect((await as(owner.licenseKey).get("/v1/balance")).body.credits).toBe(before);
      expect((await as(owner.licenseKey).get(`/v1/knowledge-bases/${shared}`)).body.documentCount).toBe(1);
      expect((await upload(owner.apiKey, onlyA, "Site A's own page")).status).toBe(201);
      const renamed = await as(owner.apiKey).patch(`/v1/knowledge-bases/${onlyA}`, { name: "A's pages" });
      expect(renamed.body).toMatchObject({ name: "A's pages", siteId: siteA });
    });

    it("the owner moves a knowledge base between scopes, only to the account's own sites", async () => {
      const O = as(owner.licenseKey);
      expect((await O.patch(`/v1/knowledge-bases/${onlyA}`, { siteId: other.siteId })).status).toBe(404);
      expect((await O.patch(`/v1/knowledge-bases/${onlyA}`, { siteId: siteB.siteId })).body.siteId).toBe(siteB.siteId);
      expect((await as(owner.apiKey).get(`/v1/knowledge-bases/${onlyA}`)).status).toBe(404);
      expect((await as(siteB.apiKey).get(`/v1/knowledge-bases/${onlyA}`)).status).toBe(200);
      expect((await O.patch(`/v1/knowledge-bases/${onlyA}`, { siteId: siteA })).body.siteId).toBe(siteA);
    });

    it("images follow the same rules: shared when the owner makes them, a site's own otherwise", async () => {
      const png = (
        await sharp({ create: { width: 32, height: 32, channels: 3, background: "#369" } })
          .png()
          .toBuffer()
      ).toString("base64");
      const byOwner = await as(owner.licenseKey).post("/v1/images/upscales", { image: png, factor: 2 });
      expect(byOwner.body.images[0].siteId).toBeNull();
      const sharedImg = byOwner.body.images[0].id;
      const byA = await as(owner.apiKey).post("/v1/images/upscales", { image: png, factor: 2 });
      const aImg = byA.body.images[0].id;
      expect(byA.body.images[0].siteId).toBe(siteA);
      expect((await as(siteB.apiKey).get(`/v1/images/${sharedImg}/content`)).status).toBe(200);
      expect((await as(siteB.apiKey).get(`/v1/images/${aImg}`)).status).toBe(404);
      expect((await as(other.apiKey).get(`/v1/images/${sharedImg}`)).status).toBe(404);
      expect((await as(siteB.apiKey).del(`/v1/images/${sharedImg}`)).status).toBe(403);
      expect((await as(siteB.apiKey).patch(`/v1/images/${sharedImg}`, { siteId: siteB.siteId })).status).toBe(403);
      const moved = await as(owner.licenseKey).patch(`/v1/images/${aImg}`, { siteId: null });
      expect(moved.body.siteId).toBeNull();
      expect((await as(siteB.apiKey).get(`/v1/images/${aImg}`)).status).toBe(200);
    });

    it("DELETE /v1/data with a site's key erases that site's data only; the owner's erases the account's", async () => {
      const B = as(siteB.apiKey);
      const bImg = (
        await B.post("/v1/images/upscales", {
          image: (
            await sharp({ create: { width: 16, height: 16, channels: 3, background: "#000" } })
              .png()
              .toBuffer()
          ).toString("base64"),
          factor: 2,
        })
      ).body.images[0].id;
      const receipt = await B.del("/v1/data");
      expect(receipt.status).toBe(200);
      expect(receipt.body.deleted).toMatchObject({ knowledgeBases: 1, images: 1 });
      expect((await as(owner.licenseKey).get(`/v1/knowledge-bases/${ofB}`)).status).toBe(404);
      expect((await as(owner.licenseKey).get(`/v1/images/${bImg}`)).status).toBe(404);
      expect(await listIds(owner.licenseKey)).toEqual([shared, onlyA].sort());
      const all = await as(owner.licenseKey).del("/v1/data");
      expect(all.body.deleted.knowledgeBases).toBe(2);
      expect(await listIds(owner.licenseKey)).toEqual([]);
    });
  });
}
