import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { ENGINES } from "../support/db.js";

interface Entry {
  type: string;
  credits: number;
  holdId: string | null;
  description: string;
}

/**
 * The ledger in words: each entry's `description` names what it touched, looked up when the ledger is read — by the
 * caller's scope, and never once the thing is deleted (deletion is permanent; the ledger keeps only ids). The entries
 * themselves do not change: holds stay, and everything still sums to the balance.
 */
for (const engine of ENGINES) {
  describe(`ledger descriptions on ${engine}`, () => {
    let app: TestApp;
    let owner: TestCustomer; // licenseKey: the owner; apiKey: site A
    let siteB: string;
    const tokens: Record<string, number> = {};
    let sharedDoc: string;
    let sharedKb: string;

    const ledger = async (token: string) =>
      (await app.api("GET", "/v1/ledger?limit=200", { token })).body.data as Entry[];
    const words = (entries: Entry[]) => entries.map((e) => e.description);

    async function indexAndSearch(kbId: string, name: string, text: string): Promise<string> {
      const doc = await app.api("POST", `/v1/knowledge-bases/${kbId}/documents`, {
        token: owner.licenseKey,
        body: { name, text },
      });
      expect(doc.status).toBe(201);
      tokens[name] = doc.body.tokens;
      const q = await app.api("POST", `/v1/knowledge-bases/${kbId}/query`, {
        token: owner.licenseKey,
        body: { query: "opening hours", mode: "keyword" },
      });
      expect(q.status).toBe(200);
      return doc.body.id;
    }

    beforeAll(async () => {
      app = await startTestApp(engine);
      owner = await newCustomer(app, "agency");
      const b = await app.api("POST", "/v1/activations", {
        body: { licenseKey: owner.licenseKey, siteUrl: "https://site-b.example.com" },
      });
      siteB = b.body.siteId;
      await grant(app, owner.accountId, 100);
      const shared = await app.api("POST", "/v1/knowledge-bases", {
        token: owner.licenseKey,
        body: { name: "Shared handbook" },
      });
      sharedKb = shared.body.id;
      const ofB = await app.api("POST", "/v1/knowledge-bases", {
        token: owner.licenseKey,
        body: { name: "Shop notes", siteId: siteB },
      });
      sharedDoc = await indexAndSearch(sharedKb, "faq-7f3a.txt", "Our opening hours are nine to five on weekdays.");
      await indexAndSearch(ofB.body.id, "prices-9c1d.txt", "Opening hours of the shop and its price list.");
    });
    afterAll(async () => {
      await app?.close();
    });

    it("the owner reads every operation by name; holds say what they reserved for", async () => {
      const entries = await ledger(owner.licenseKey);
      expect(words(entries)).toEqual([
        "Searched Shop notes",
        "Searching Shop notes — credits reserved until it completes",
        `Indexed prices-9c1d.txt — ${tokens["prices-9c1d.txt"]} tokens`,
        `Indexing prices-9c1d.txt — ${tokens["prices-9c1d.txt"]} tokens — credits reserved until it completes`,
        "Searched Shared handbook",
        "Searching Shared handbook — credits reserved until it completes",
        `Indexed faq-7f3a.txt — ${tokens["faq-7f3a.txt"]} tokens`,
        `Indexing faq-7f3a.txt — ${tokens["faq-7f3a.txt"]} tokens — credits reserved until it completes`,
        "Granted by the operator",
      ]);
      const balance = (await app.api("GET", "/v1/balance", { token: owner.licenseKey })).body;
      const sum = entries.reduce((s, e) => s + Math.round(e.credits * 1000), 0);
      expect(sum).toBe(Math.round((balance.credits + balance.reservedCredits) * 1000));
    });

    it("a site's key gets no name of another site's knowledge base or document", async () => {
      const seen = words(await ledger(owner.apiKey));
      expect(seen[0]).toBe("Searched a knowledge base of another site");
      expect(seen[2]).toBe(`Indexed a document of another site — ${tokens["prices-9c1d.txt"]} tokens`);
      expect(seen[4]).toBe("Searched Shared handbook");
      expect(JSON.stringify(seen)).not.toMatch(/Shop notes|prices-9c1d/);
      const csv = String((await app.api("GET", "/v1/ledger/export", { token: owner.apiKey })).body);
      expect(csv).not.toMatch(/Shop notes|prices-9c1d/);
      expect(csv).toContain("Searched Shared handbook");
    });

    it("a deleted document's name is gone from the ledger and its export", async () => {
      const del = await app.api("DELETE", `/v1/knowledge-bases/${sharedKb}/documents/${sharedDoc}`, {
        token: owner.licenseKey,
      });
      expect(del.status).toBe(200);
      const entries = await ledger(owner.licenseKey);
      expect(words(entries)[6]).toBe(`Indexed a deleted document — ${tokens["faq-7f3a.txt"]} tokens`);
      expect(entries.map((e) => e.type)).toEqual([
        "usage",
        "hold",
        "usage",
        "hold",
        "usage",
        "hold",
        "usage",
        "hold",
        "grant",
      ]);
      const csv = String((await app.api("GET", "/v1/ledger/export", { token: owner.licenseKey })).body);
      expect(JSON.stringify(entries) + csv).not.toContain("faq-7f3a");
      expect(csv).toContain("Indexed a deleted document");
    });

    it("an image operation reads as what it did, and the usage export names its feature", async () => {
      const image = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#3366aa" } })
        .png()
        .toBuffer();
      const r = await app.api("POST", "/v1/images/upscales", {
        token: owner.licenseKey,
        body: { image: `data:image/png;base64,${image.toString("base64")}`, factor: 2, method: "fast" },
      });
      expect(r.status).toBe(200);
      expect(words(await ledger(owner.licenseKey)).slice(0, 2)).toEqual([
        "Upscaled an image ×2",
        "Image upscaling — credits reserved until it completes",
      ]);
      const csv = String((await app.api("GET", "/v1/ledger/export", { token: owner.licenseKey })).body);
      expect(csv.split("\r\n")[1]).toMatch(/,Upscaled an image ×2,Image upscaling$/);
    });
  });
}
