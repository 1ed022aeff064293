import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp, type TestApp } from "../support/app.js";
import { ENGINES } from "../support/db.js";

function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (readFileSync(p).includes(Buffer.from(needle))) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

for (const engine of ENGINES) {
  describe(`DELETE /v1/data on ${engine}`, () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(engine);
    });
    afterAll(async () => {
      await app.close();
    });

    it("removes every knowledge base, document and image, even with a revoked licence, for free; keeps the ledger", async () => {
      const c = await newCustomer(app);
      const bystander = await newCustomer(app);
      await grant(app, c.accountId, 100);
      await grant(app, bystander.accountId, 100);
      const marker = "Quokkaflux93 secret recipe";
      for (const who of [c, bystander]) {
        const kb = (await app.api("POST", "/v1/knowledge-bases", { token: who.apiKey, body: { name: "kb" } })).body.id;
        const doc = await app.api("POST", `/v1/knowledge-bases/${kb}/documents`, {
          token: who.apiKey,
          body: { text: `The ${marker} is kept here. ${"Other text. ".repeat(20)}`, name: "r.txt" },
        });
        expect(doc.status).toBe(201);
      }
      const image = await sharp({ create: { width: 32, height: 32, channels: 3, background: "#336699" } })
        .png()
        .toBuffer();
      const up = await app.api("POST", "/v1/images/upscales", {
        token: c.apiKey,
        body: { image: image.toString("base64"), factor: 2, method: "fast" },
      });
      expect(up.status).toBe(200);
      const ledgerBefore = (await app.api("GET", "/v1/ledger", { token: c.apiKey })).body.data.length;
      await app.admin("PATCH", `/v1/admin/licenses/${c.licenseId}`, { status: "revoked" });

      const before = await app.api("GET", "/v1/balance", { token: c.apiKey });
      const r = await app.api("DELETE", "/v1/data", { token: c.apiKey });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ credits: 0, deleted: { knowledgeBases: 1, documents: 1, images: 1 } });
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body).toEqual(before.body);
      expect((await app.api("GET", "/v1/knowledge-bases", { token: c.apiKey })).body.data).toEqual([]);
      expect((await app.api("GET", "/v1/images", { token: c.apiKey })).body.data).toEqual([]);
      expect((await app.api("GET", "/v1/ledger", { token: c.apiKey })).body.data.length).toBe(ledgerBefore);
      // The other account keeps its data.
      const theirs = (await app.api("GET", "/v1/knowledge-bases", { token: bystander.apiKey })).body.data;
      expect(theirs.length).toBe(1);
      if (engine === "sqlite") {
        // One copy of the marker remains on disk: the bystander's.
        const kb = theirs[0].id;
        const q = await app.api("POST", `/v1/knowledge-bases/${kb}/query`, {
          token: bystander.apiKey,
          body: { query: "secret recipe" },
        });
        expect(q.body.results[0].text).toContain(marker);
        await app.api("DELETE", "/v1/data", { token: bystander.apiKey });
        expect(filesContaining(app.dataDir, "Quokkaflux93")).toEqual([]);
      }
    });
  });
}
