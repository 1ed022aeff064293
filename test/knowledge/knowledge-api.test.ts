import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { makePdf, TEN_PAGES } from "../support/pdf.js";

function pdfForm(bytes: Buffer, name = "ten.pdf", fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set("file", new Blob([new Uint8Array(bytes)], { type: "application/pdf" }), name);
  return form;
}

for (const engine of ENGINES) {
  describe(`knowledge bases through the HTTP API on ${engine}`, () => {
    let app: TestApp;
    let c: TestCustomer;
    let kbId: string;
    let pdf: Buffer;

    beforeAll(async () => {
      app = await startTestApp(engine);
      c = await newCustomer(app);
      await grant(app, c.accountId, 1000);
      const kb = await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "Handbook" } });
      expect(kb.status).toBe(201);
      kbId = kb.body.id;
      pdf = await makePdf(TEN_PAGES);
    });
    afterAll(async () => {
      await app.close();
    });

    const balance = async () => (await app.api("GET", "/v1/balance", { token: c.apiKey })).body;

    it("a 10-page PDF becomes ready, is charged exactly its tokens, and a question about one page cites it", async () => {
      const before = await balance();
      const quoted = await app.api("POST", "/v1/quotes", { token: c.apiKey, rawBody: pdfForm(pdf, "ten.pdf") });
      expect(quoted.status).toBe(200);
      expect(quoted.body.quantity.pages).toBe(10);
      const up = await app.api("POST", `/v1/knowledge-bases/${kbId}/documents`, {
        token: c.apiKey,
        rawBody: pdfForm(pdf, "ten.pdf", { metadata: JSON.stringify({ team: "science" }) }),
      });
      expect(up.body.credits).toBe(quoted.body.credits);
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({
        status: "ready",
        pages: 10,
        mimeType: "application/pdf",
        metadata: { team: "science" },
      });
      const tokens = up.body.tokens;
      expect(tokens).toBeGreaterThan(300);
      expect(up.body.credits).toBe(tokens / 1000);
      const after = await balance();
      expect(Math.round((before.credits - after.credits) * 1000)).toBe(tokens);

      const usage = (await app.api("GET", "/v1/ledger?type=usage", { token: c.apiKey })).body.data[0];
      expect(usage).toMatchObject({ operation: "training.embed", credits: -tokens / 1000, reference: up.body.id });
      expect(usage.quantity).toMatchObject({ tokens, pages: 10, model: "local:use-lite-512" });

      for (const [question, page] of [
        ["How do honeybees tell the hive where flowers are?", 2],
        ["who invented movable metal type printing", 8],
        ["what pressure is used to brew espresso", 10],
      ] as const) {
        const q = await app.api("POST", `/v1/knowledge-bases/${kbId}/query`, {
          token: c.apiKey,
          body: { query: question },
        });
        expect(q.status).toBe(200);
        expect(q.body.credits).toBe(1);
        expect(q.body.results[0]).toMatchObject({ documentId: up.body.id, documentName: "ten.pdf", page });
      }
    });

    it("a quote from the text alone is exactly what uploading it as JSON charges", async () => {
      const text =
        "# Onboarding\n\nNew engineers pair with a buddy for two weeks.\n\nThe VPN password rotates monthly.";
      const quote = await app.api("POST", "/v1/quotes", {
        token: c.apiKey,
        body: { operation: "training.embed", text, name: "onboarding.md" },
      });
      const before = await balance();
      const up = await app.api("POST", `/v1/knowledge-bases/${kbId}/documents`, {
        token: c.apiKey,
        body: { text, name: "onboarding.md" },
      });
      expect(up.status).toBe(201);
      expect(up.body.credits).toBe(quote.body.credits);
      expect(up.body.tokens).toBe(quote.body.quantity.tokens);
      const after = await balance();
      expect(Math.round((before.credits - after.credits) * 1000)).toBe(Math.round(quote.body.credits * 1000));
    });

    it("identical content is neither indexed nor charged twice", async () => {
      const before = await balance();
      const again = await app.api("POST", `/v1/knowledge-bases/${kbId}/documents`, {
        token: c.apiKey,
        rawBody: pdfForm(pdf, "copy-of-ten.pdf"),
      });
      expect(again.status).toBe(200);
      expect(again.body.name).toBe("ten.pdf");
      expect(await balance()).toEqual(before);
      const docs = (await app.api("GET", `/v1/knowledge-bases/${kbId}/documents`, { token: c.apiKey })).body.data;
      expect(docs.filter((d: any) => d.name === "ten.pdf").length).toBe(1);
    });

    it("filters by document and by metadata, inside the search", async () => {
      const docs = (await app.api("GET", `/v1/knowledge-bases/${kbId}/documents`, { token: c.apiKey })).body.data;
      const onboarding = docs.find((d: any) => d.name === "onboarding.md");
      const byDoc = await app.api("POST", `/v1/knowledge-bases/${kbId}/query`, {
        token: c.apiKey,
        body: { query: "honeybees waggle dance", filter: { documentIds: [onboarding.id] } },
      });
      expect(byDoc.body.results.every((r: any) => r.documentId === onboarding.id)).toBe(true);
      const byMeta = await app.api("POST", `/v1/knowledge-bases/${kbId}/query`, {
        token: c.apiKey,
        body: { query: "VPN password buddy", mode: "keyword", filter: { metadata: { team: "science" } } },
      });
      expect(byMeta.body.results.every((r: any) => r.documentName === "ten.pdf")).toBe(true);
    });

    it("a query with an idempotency key is charged once and replayed", async () => {
      const before = await balance();
      const send = (query: string) =>
        app.api("POST", `/v1/knowledge-bases/${kbId}/query`, {
          token: c.apiKey,
          body: { query },
          headers: { "idempotency-key": "q-123" },
        });
      const first = await send("glaciers carve valleys");
      const second = await send("glaciers carve valleys");
      expect(second.body).toEqual(first.body);
      expect(second.headers.get("idempotent-replayed")).toBe("true");
      expect((await send("something else")).status).toBe(409);
      expect((await balance()).credits).toBe(before.credits - 1);
    });

    it("deleting a document is free and returns a receipt; the knowledge base and its list follow", async () => {
      const docs = (await app.api("GET", `/v1/knowledge-bases/${kbId}/documents`, { token: c.apiKey })).body.data;
      expect(docs.length).toBeGreaterThan(1);
      // PostgreSQL seals each document's text with a key of the document's own; SQLite erases in place.
      const docKey = (id: string) => path.join(app.dataDir, "keys", c.accountId, kbId, `${id}.key`);
      for (const d of docs) expect(existsSync(docKey(d.id))).toBe(engine === "postgres");
      const before = await balance();
      const del = await app.api("DELETE", `/v1/knowledge-bases/${kbId}/documents/${docs[0].id}`, { token: c.apiKey });
      expect(del.status).toBe(200);
      expect(del.body).toMatchObject({ credits: 0, deleted: { documents: 1 } });
      expect(del.body.deleted.chunks).toBeGreaterThan(0);
      expect(await balance()).toEqual(before);
      expect(
        (await app.api("GET", `/v1/knowledge-bases/${kbId}/documents/${docs[0].id}`, { token: c.apiKey })).status,
      ).toBe(404);
      expect(existsSync(docKey(docs[0].id))).toBe(false);
      expect(existsSync(docKey(docs[1].id))).toBe(engine === "postgres");
      const keyFile = path.join(app.dataDir, "keys", c.accountId, `${kbId}.key`);
      // The knowledge base's key (its keyword terms) lives on with it.
      expect(existsSync(keyFile)).toBe(engine === "postgres");
      const kbDel = await app.api("DELETE", `/v1/knowledge-bases/${kbId}`, { token: c.apiKey });
      expect(kbDel.body.deleted).toMatchObject({ knowledgeBases: 1, documents: docs.length - 1 });
      expect((await app.api("GET", `/v1/knowledge-bases/${kbId}`, { token: c.apiKey })).status).toBe(404);
      expect(existsSync(keyFile)).toBe(false);
      expect(existsSync(path.join(app.dataDir, "keys", c.accountId, kbId))).toBe(false);
      if (engine === "postgres") {
        // The deletions queued the maintenance that vacuums the tables they touched, and a worker ran it.
        const { db } = app.running.ctx;
        await expect
          .poll(async () => db.sql.all("SELECT status FROM jobs WHERE kind = 'maintenance.vacuum'"), {
            timeout: 30_000,
          })
          .toContainEqual({ status: "done" });
      }
    });

    it("no overdraft: with 20 credits left, 40 concurrent queries serve exactly 20", async () => {
      const d = await newCustomer(app);
      await grant(app, d.accountId, 25);
      const kb = (await app.api("POST", "/v1/knowledge-bases", { token: d.apiKey, body: { name: "q" } })).body;
      await app.api("POST", `/v1/knowledge-bases/${kb.id}/documents`, {
        token: d.apiKey,
        body: { text: "Rivers flow to the sea. Mountains rise above the plains.", name: "geo.txt" },
      });
      const left = (await app.api("GET", "/v1/balance", { token: d.apiKey })).body.credits;
      await app.admin("POST", `/v1/admin/accounts/${d.accountId}/grants`, {
        credits: -(Math.round((left - 20) * 1000) / 1000),
        reason: "leave 20",
      });
      expect((await app.api("GET", "/v1/balance", { token: d.apiKey })).body.credits).toBe(20);
      const results = await Promise.all(
        Array.from({ length: 40 }, () =>
          app.api("POST", `/v1/knowledge-bases/${kb.id}/query`, {
            token: d.apiKey,
            body: { query: "where do rivers flow", mode: "keyword" },
          }),
        ),
      );
      expect(results.filter((r) => r.status === 200).length).toBe(20);
      expect(results.filter((r) => r.status === 402).length).toBe(20);
      expect((await app.api("GET", "/v1/balance", { token: d.apiKey })).body).toEqual({
        credits: 0,
        reservedCredits: 0,
      });
    });
  });
}
