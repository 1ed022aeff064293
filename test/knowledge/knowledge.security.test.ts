import { readdirSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { grant, newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { makePdf } from "../support/pdf.js";

function fileForm(bytes: Buffer | string, name: string, type = "application/octet-stream") {
  const form = new FormData();
  form.set("file", new Blob([typeof bytes === "string" ? bytes : new Uint8Array(bytes)], { type }), name);
  return form;
}

for (const engine of ENGINES) {
  describe(`knowledge bases are private to their account on ${engine}`, () => {
    let app: TestApp;
    let alice: TestCustomer;
    let bob: TestCustomer;
    let aliceKb: string;
    let aliceDoc: string;

    beforeAll(async () => {
      app = await startTestApp(engine);
      alice = await newCustomer(app);
      bob = await newCustomer(app);
      await grant(app, alice.accountId, 100);
      await grant(app, bob.accountId, 100);
      aliceKb = (await app.api("POST", "/v1/knowledge-bases", { token: alice.apiKey, body: { name: "secret" } })).body
        .id;
      aliceDoc = (
        await app.api("POST", `/v1/knowledge-bases/${aliceKb}/documents`, {
          token: alice.apiKey,
          body: { text: "The launch code of project nightingale is amber-falcon-42.", name: "plans.txt" },
        })
      ).body.id;
    });
    afterAll(async () => {
      await app.close();
    });

    it("another account's knowledge base and document answer 404 on every endpoint, like ids that do not exist", async () => {
      const t = { token: bob.apiKey };
      const calls: [string, string, object?][] = [
        ["GET", `/v1/knowledge-bases/${aliceKb}`],
        ["DELETE", `/v1/knowledge-bases/${aliceKb}`],
        ["GET", `/v1/knowledge-bases/${aliceKb}/documents`],
        ["GET", `/v1/knowledge-bases/${aliceKb}/documents/${aliceDoc}`],
        ["DELETE", `/v1/knowledge-bases/${aliceKb}/documents/${aliceDoc}`],
        ["POST", `/v1/knowledge-bases/${aliceKb}/documents`, { text: "x y z", name: "n" }],
        ["POST", `/v1/knowledge-bases/${aliceKb}/query`, { query: "launch code" }],
      ];
      for (const [method, url, body] of calls) {
        const r = await app.api(method, url, { ...t, body });
        expect(r.status, `${method} ${url}`).toBe(404);
        expect(r.body.code).toBe("NOT_FOUND");
        const missing = await app.api(method, url.replace(aliceKb, "kb_doesnotexist"), { ...t, body });
        expect(missing.status).toBe(404);
      }
      expect((await app.api("GET", "/v1/knowledge-bases", t)).body.data).toEqual([]);
      expect((await app.api("GET", "/v1/balance", t)).body.credits).toBe(100);
      expect(
        (await app.api("GET", `/v1/knowledge-bases/${aliceKb}/documents/${aliceDoc}`, { token: alice.apiKey })).status,
      ).toBe(200);
    });

    it("search never returns another account's passage, even for the same words", async () => {
      const bobKb = (await app.api("POST", "/v1/knowledge-bases", { token: bob.apiKey, body: { name: "mine" } })).body
        .id;
      await app.api("POST", `/v1/knowledge-bases/${bobKb}/documents`, {
        token: bob.apiKey,
        body: { text: "Bob's notes mention a launch of a rocket model.", name: "bob.txt" },
      });
      for (const mode of ["hybrid", "keyword", "semantic"]) {
        const r = await app.api("POST", `/v1/knowledge-bases/${bobKb}/query`, {
          token: bob.apiKey,
          body: { query: "launch code of project nightingale amber falcon", mode, topK: 50 },
        });
        expect(r.status).toBe(200);
        expect(JSON.stringify(r.body)).not.toContain("amber-falcon");
        expect(r.body.results.every((x: any) => x.documentName === "bob.txt")).toBe(true);
      }
      const filtered = await app.api("POST", `/v1/knowledge-bases/${bobKb}/query`, {
        token: bob.apiKey,
        body: { query: "launch code", filter: { documentIds: [aliceDoc] } },
      });
      expect(filtered.body.results).toEqual([]);
    });
  });
}

describe("hostile uploads get a clear error, cost nothing, and the service keeps serving", () => {
  let app: TestApp;
  let c: TestCustomer;
  let kbId: string;
  beforeAll(async () => {
    app = await startTestApp("sqlite", { UPLOAD_LIMIT_BYTES: String(2 << 20) });
    c = await newCustomer(app);
    await grant(app, c.accountId, 50);
    kbId = (await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "kb" } })).body.id;
  });
  afterAll(async () => {
    await app.close();
  });

  async function expectNothingChanged() {
    expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body).toEqual({
      credits: 50,
      reservedCredits: 0,
    });
    expect((await app.api("GET", `/v1/knowledge-bases/${kbId}/documents`, { token: c.apiKey })).body.data).toEqual([]);
    expect((await app.api("GET", "/healthz")).status).toBe(200);
  }

  const upload = (form: FormData) =>
    app.api("POST", `/v1/knowledge-bases/${kbId}/documents`, { token: c.apiKey, rawBody: form });

  it("a corrupt PDF", async () => {
    const good = await makePdf(["hello"]);
    const r = await upload(
      fileForm(Buffer.concat([good.subarray(0, 200), Buffer.alloc(300, 7)]), "broken.pdf", "application/pdf"),
    );
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: "DOCUMENT_UNREADABLE" });
    await expectNothingChanged();
  });

  it("a PDF without a text layer says so", async () => {
    const { PDFDocument } = await import("pdf-lib");
    const pdf = await PDFDocument.create();
    pdf.addPage([200, 200]).drawRectangle({ x: 10, y: 10, width: 100, height: 100 });
    const r = await upload(fileForm(Buffer.from(await pdf.save()), "scan.pdf", "application/pdf"));
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: "DOCUMENT_UNREADABLE", reason: "no_text_layer" });
    await expectNothingChanged();
  });

  it("a .docx zip bomb", async () => {
    const bomb = zipSync(
      {
        "[Content_Types].xml": new TextEncoder().encode("<Types/>"),
        "word/document.xml": new Uint8Array(120 << 20),
      },
      { level: 1 },
    );
    const r = await upload(fileForm(Buffer.from(bomb), "bomb.docx"));
    expect([413, 422]).toContain(r.status);
    await expectNothingChanged();
  });

  it("an upload over the size limit, a wrong type, invalid UTF-8", async () => {
    expect((await upload(fileForm(Buffer.alloc(3 << 20, 65), "big.txt", "text/plain"))).status).toBe(413);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(200)]);
    const wrong = await upload(fileForm(elf, "report.pdf", "application/pdf"));
    expect(wrong.status).toBe(415);
    expect(wrong.body.code).toBe("UNSUPPORTED_FILE_TYPE");
    // The customer learns what works, not a MIME type.
    expect(wrong.body.detail).toContain("Knowledge bases accept PDF, Word (.docx), Markdown, HTML, CSV and plain-text");
    expect(wrong.body.detail).not.toContain("application/");
    const bad = await upload(
      fileForm(Buffer.from([0x68, 0x69, 0x20, 0xc3, 0x28, 0xff, 0x41]), "notes.txt", "text/plain"),
    );
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(JSON.stringify(bad.body)).toContain("invalid_utf8");
    await expectNothingChanged();
  });

  it("malformed requests: no file, two files, bad metadata, bad JSON shapes", async () => {
    const noFile = new FormData();
    noFile.set("name", "x");
    expect((await upload(noFile)).status).toBe(400);
    const meta = fileForm("hello world", "a.txt", "text/plain");
    meta.set("metadata", "{not json");
    expect((await upload(meta)).status).toBe(400);
    for (const body of [{}, { text: "", name: "a" }, { text: "a" }, { url: 42 }, { text: "a", name: "b", extra: 1 }])
      expect((await app.api("POST", `/v1/knowledge-bases/${kbId}/documents`, { token: c.apiKey, body })).status).toBe(
        400,
      );
    await expectNothingChanged();
  });

  it("the crawler refuses loopback and private addresses before it connects", async () => {
    let connections = 0;
    const listener = http.createServer((_req, res) => res.end("<html><body>secret admin page</body></html>"));
    listener.on("connection", () => connections++);
    await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
    const port = (listener.address() as AddressInfo).port;
    try {
      for (const url of [
        `http://127.0.0.1:${port}/`,
        `http://localhost:${port}/admin`,
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://2130706433/",
        "file:///etc/passwd",
      ]) {
        const r = await app.api("POST", `/v1/knowledge-bases/${kbId}/documents`, { token: c.apiKey, body: { url } });
        expect(r.status, url).toBe(url.startsWith("file:") ? 422 : 422);
        expect(r.body.code).toBe("URL_NOT_ALLOWED");
      }
      expect(connections).toBe(0);
    } finally {
      listener.close();
    }
    await expectNothingChanged();
  });
});

describe("deletion is permanent on disk", () => {
  it("after deleting a document with a unique string, no file under DATA_DIR contains it", async () => {
    const app = await startTestApp("sqlite");
    try {
      const c = await newCustomer(app);
      await grant(app, c.accountId, 100);
      const kb = (await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "kb" } })).body.id;
      const unique = "Zyxwvutqrs7731 Plumbago";
      const text = `${"Filler sentence about ordinary things. ".repeat(40)}\n\nThe vault phrase is ${unique} and nothing else.\n\n${"More ordinary filler here. ".repeat(40)}`;
      const doc = (
        await app.api("POST", `/v1/knowledge-bases/${kb}/documents`, {
          token: c.apiKey,
          body: { text, name: "vault.txt" },
        })
      ).body;
      expect(doc.status).toBe("ready");
      // A stored idempotent reply quotes the passage too.
      const q = await app.api("POST", `/v1/knowledge-bases/${kb}/query`, {
        token: c.apiKey,
        body: { query: "vault phrase Zyxwvutqrs7731" },
        headers: { "idempotency-key": "find-the-vault" },
      });
      expect(JSON.stringify(q.body)).toContain("Zyxwvutqrs7731");
      expect(scan(app.dataDir, ["Zyxwvutqrs7731", "zyxwvutqrs7731"]).length).toBeGreaterThan(0);

      const del = await app.api("DELETE", `/v1/knowledge-bases/${kb}/documents/${doc.id}`, { token: c.apiKey });
      expect(del.body.deleted.storedReplies).toBe(1);
      expect(scan(app.dataDir, ["Zyxwvutqrs7731", "zyxwvutqrs7731", "Plumbago", "plumbago"])).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

/** Files under `dir` whose bytes contain any of the needles (UTF-8 and UTF-16LE). */
function scan(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const bytes = readFileSync(p);
        for (const n of needles)
          if (bytes.includes(Buffer.from(n, "utf8")) || bytes.includes(Buffer.from(n, "utf16le")))
            hits.push(`${p}: ${n}`);
      }
    }
  };
  walk(dir);
  return hits;
}
