import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_TOKEN,
  type ApiResponse,
  grant,
  newCustomer,
  type RequestOptions,
  startTestApp,
  type TestApp,
  type TestCustomer,
} from "../support/app.js";
import { ENGINES } from "../support/db.js";
import { makePdfWithNul } from "../support/pdf.js";

describe("hostile input gets a clear 4xx problem and changes nothing", () => {
  let app: TestApp;
  let c: TestCustomer;
  let other: TestCustomer;

  beforeAll(async () => {
    app = await startTestApp("sqlite", { BODY_LIMIT_BYTES: "65536" });
    c = await newCustomer(app);
    other = await newCustomer(app);
    await grant(app, c.accountId, 50);
  });
  afterAll(async () => {
    await app.close();
  });

  async function unchanged() {
    expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body).toEqual({
      credits: 50,
      reservedCredits: 0,
    });
    expect((await app.api("GET", "/v1/ledger", { token: c.apiKey })).body.data.length).toBe(1);
  }

  function expectProblem(r: { status: number; body: any; headers: Headers }, status: number, code: string) {
    expect(r.status).toBe(status);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    expect(r.body).toMatchObject({ status, code, type: `urn:api-credits:error:${code}` });
    expect(typeof r.body.detail).toBe("string");
    expect(r.body.requestId).toBe(r.headers.get("x-request-id"));
  }

  const grants = () => `/v1/admin/accounts/${c.accountId}/grants`;

  it("malformed JSON", async () => {
    const r = await app.api("POST", grants(), {
      token: ADMIN_TOKEN,
      rawBody: '{"credits": -5, "reason": ',
      headers: { "content-type": "application/json" },
    });
    expectProblem(r, 400, "VALIDATION_FAILED");
    await unchanged();
  });

  it("wrong types and values name the field", async () => {
    for (const body of [
      { credits: "-5", reason: "x" },
      { credits: -5 },
      { credits: 0, reason: "zero" },
      { credits: 1.0001, reason: "too precise" },
      { credits: -5, reason: "" },
      [],
      null,
    ]) {
      const r = await app.admin("POST", grants(), body);
      expectProblem(r, 400, "VALIDATION_FAILED");
    }
    const r = await app.admin("POST", grants(), { credits: "-5", reason: "x" });
    expect(r.body.errors[0].field).toContain("credits");
    await unchanged();
  });

  it("a body over the limit", async () => {
    const r = await app.api("POST", "/v1/quotes", {
      token: c.apiKey,
      body: { operation: "training.embed", text: "x".repeat(70_000) },
    });
    expectProblem(r, 413, "PAYLOAD_TOO_LARGE");
    await unchanged();
  });

  it("a content type the route does not take", async () => {
    const r = await app.api("POST", "/v1/quotes", {
      token: c.apiKey,
      rawBody: "operation=training.query",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectProblem(r, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("forged, malformed and revoked keys are unauthenticated", async () => {
    const forged = `${c.apiKey.slice(0, -4)}zzzz`;
    for (const token of [forged, "ak_short", `lk_${c.apiKey.slice(3)}`, "Bearer", ADMIN_TOKEN]) {
      expectProblem(await app.api("GET", "/v1/balance", { token }), 401, "UNAUTHENTICATED");
    }
    expectProblem(await app.api("GET", "/v1/balance"), 401, "UNAUTHENTICATED");
    // A customer's key is not the operator's.
    expectProblem(
      await app.api("POST", grants(), { token: c.apiKey, body: { credits: 5, reason: "me" } }),
      401,
      "UNAUTHENTICATED",
    );
    await unchanged();
  });

  it("another account's ids answer 404, exactly like ids that do not exist", async () => {
    const keys = await app.api("GET", "/v1/api-keys", { token: other.apiKey });
    const otherKeyId = keys.body.data[0].id;
    const revokeOthers = await app.api("DELETE", `/v1/api-keys/${otherKeyId}`, { token: c.apiKey });
    const revokeMissing = await app.api("DELETE", "/v1/api-keys/key_doesnotexist", { token: c.apiKey });
    expectProblem(revokeOthers, 404, "NOT_FOUND");
    expect(revokeMissing.status).toBe(404);
    expect((await app.api("GET", "/v1/balance", { token: other.apiKey })).status).toBe(200);
    const siteOfOther = await app.api("POST", "/v1/api-keys", {
      token: c.apiKey,
      body: { name: "x", siteId: other.siteId },
    });
    expectProblem(siteOfOther, 404, "NOT_FOUND");
  });

  it("garbage cursors and dates", async () => {
    expectProblem(await app.api("GET", "/v1/ledger?cursor=led_x';--", { token: c.apiKey }), 400, "VALIDATION_FAILED");
    expectProblem(await app.api("GET", "/v1/ledger?limit=100000", { token: c.apiKey }), 400, "VALIDATION_FAILED");
    expectProblem(await app.api("GET", "/v1/usage?from=2026-02-30", { token: c.apiKey }), 400, "VALIDATION_FAILED");
    expectProblem(await app.api("GET", "/v1/usage?from=yesterday", { token: c.apiKey }), 400, "VALIDATION_FAILED");
  });

  it("unknown routes and methods are problems too, and the service keeps serving", async () => {
    expectProblem(await app.api("GET", "/v1/nothing-here"), 404, "NOT_FOUND");
    expect((await app.api("GET", "/healthz")).body.status).toBe("ok");
  });
});

describe("guessing the operator token is slowed down", () => {
  it("ten wrong tokens from one address, then 429 for a minute (even for the right one)", async () => {
    const app = await startTestApp("sqlite");
    try {
      for (let i = 0; i < 10; i++)
        expect((await app.api("GET", "/v1/admin/licenses", { token: `wrong-token-number-${i}-xxxxxx` })).status).toBe(
          401,
        );
      const limited = await app.api("GET", "/v1/admin/licenses", { token: "wrong-token-number-11-xxxxxx" });
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe("RATE_LIMITED");
      expect((await app.api("POST", "/v1/admin/sessions", { body: { token: ADMIN_TOKEN } })).status).toBe(429);
      expect((await app.admin("GET", "/v1/admin/licenses")).status).toBe(429);
    } finally {
      await app.close();
    }
  });
});

/** A multipart body built byte by byte, so that names and values can carry bytes FormData would never send. */
function multipart(parts: { name: string; value: string | Buffer; filename?: string | Buffer; type?: string }[]) {
  const boundary = "----hostile-input-boundary-7f3a";
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`));
    if (p.filename !== undefined) chunks.push(Buffer.from('; filename="'), Buffer.from(p.filename), Buffer.from('"'));
    chunks.push(Buffer.from(p.type ? `\r\nContent-Type: ${p.type}\r\n\r\n` : "\r\n\r\n"));
    chunks.push(Buffer.from(p.value), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { rawBody: Buffer.concat(chunks), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

/** JSON text with raw bytes spliced in where `\uFFFF` stands (the bytes are no valid UTF-8 on their own). */
function jsonWithBytes(template: string, bytes: number[]) {
  const [before, after] = template.split("\uFFFF");
  return {
    rawBody: Buffer.concat([Buffer.from(before!), Buffer.from(bytes), Buffer.from(after!)]),
    headers: { "content-type": "application/json" },
  };
}

for (const engine of ENGINES) {
  describe(`text a database cannot store is refused at the edge, naming the field, on ${engine}`, () => {
    let app: TestApp;
    let c: TestCustomer;
    let kbId: string;

    beforeAll(async () => {
      app = await startTestApp(engine);
      c = await newCustomer(app);
      await grant(app, c.accountId, 100);
      kbId = (await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "Handbook" } })).body.id;
    });
    afterAll(async () => {
      await app.close();
    });

    /** What a refused request must leave untouched: the balance, the ledger, the knowledge bases and documents. */
    async function state() {
      const get = async (path: string) => (await app.api("GET", path, { token: c.apiKey })).body;
      return {
        balance: await get("/v1/balance"),
        ledger: (await get("/v1/ledger?limit=200")).data.length,
        knowledgeBases: (await get("/v1/knowledge-bases")).data.map((kb: { name: string }) => kb.name),
        documents: (await get(`/v1/knowledge-bases/${kbId}/documents`)).data.length,
      };
    }

    async function expectRefused(r: Promise<ApiResponse>, field: string) {
      const res = await r;
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.code).toBe("VALIDATION_FAILED");
      expect(res.body.errors?.[0]?.field).toBe(field);
      expect(res.body.detail).toContain(field);
    }

    const post = (path: string, options: RequestOptions) => app.api("POST", path, { token: c.apiKey, ...options });
    const docs = () => `/v1/knowledge-bases/${kbId}/documents`;

    it("a NUL or an unpaired surrogate in a JSON string", async () => {
      const before = await state();
      await expectRefused(post("/v1/knowledge-bases", { body: { name: "Hand\u0000book" } }), "body.name");
      await expectRefused(post("/v1/knowledge-bases", { body: { name: "Hand\ud800book" } }), "body.name");
      await expectRefused(post(docs(), { body: { text: "Some text", name: "notes\u0000.txt" } }), "body.name");
      await expectRefused(post(docs(), { body: { text: "Some\u0000 text", name: "notes.txt" } }), "body.text");
      await expectRefused(
        post(docs(), { body: { text: "Some text", name: "n", metadata: { author: "Ada\u0000" } } }),
        "body.metadata.author",
      );
      await expectRefused(
        post(docs(), { body: { text: "Some text", name: "n", metadata: { "auth\u0000or": "Ada" } } }),
        "body.metadata",
      );
      await expectRefused(
        post(`/v1/knowledge-bases/${kbId}/query`, { body: { query: "volcano\u0000" } }),
        "body.query",
      );
      await expectRefused(
        app.admin("POST", `/v1/admin/accounts/${c.accountId}/grants`, { credits: 5, reason: "gift\u0000" }),
        "body.reason",
      );
      expect(await state()).toEqual(before);
    });

    it("invalid UTF-8 bytes inside a JSON body are refused, not replaced by U+FFFD", async () => {
      const before = await state();
      await expectRefused(post("/v1/knowledge-bases", jsonWithBytes('{"name":"Hand\uFFFFbook"}', [0xff])), "body.name");
      await expectRefused(
        post(docs(), jsonWithBytes('{"name":"notes.txt","text":"caf\uFFFF au lait"}', [0xc3, 0x28])),
        "body.text",
      );
      await expectRefused(
        post(docs(), jsonWithBytes('{"name":"n","text":"t","metadata":{"author":"\uFFFF"}}', [0xc0, 0xaf])),
        "body.metadata.author",
      );
      // An encoded surrogate (CESU-8) is not UTF-8 either.
      await expectRefused(
        post(`/v1/knowledge-bases/${kbId}/query`, jsonWithBytes('{"query":"x\uFFFF"}', [0xed, 0xa0, 0x80])),
        "body.query",
      );
      expect(await state()).toEqual(before);
    });

    it("multipart fields, metadata and file names", async () => {
      const before = await state();
      const file = { name: "file", filename: "notes.txt", type: "text/plain", value: "Plain words about volcanoes." };
      await expectRefused(post(docs(), multipart([{ name: "name", value: "notes\u0000" }, file])), "name");
      await expectRefused(post(docs(), multipart([{ name: "name", value: Buffer.from([0x6e, 0xff]) }, file])), "name");
      await expectRefused(
        post(docs(), multipart([{ name: "metadata", value: '{"author":"Ada\\u0000"}' }, file])),
        "metadata.author",
      );
      await expectRefused(
        post(docs(), multipart([{ name: "metadata", value: Buffer.from([0x7b, 0x22, 0xfe, 0x22, 0x7d]) }, file])),
        "metadata",
      );
      await expectRefused(post(docs(), multipart([{ ...file, filename: "notes\u0000.txt" }])), "file.filename");
      await expectRefused(
        post(docs(), multipart([{ ...file, filename: Buffer.from([0x6e, 0xc3, 0x28, 0x2e, 0x74, 0x78, 0x74]) }])),
        "file.filename",
      );
      // The quote of an upload reads the same form.
      await expectRefused(
        post("/v1/quotes", multipart([{ ...file, filename: Buffer.from([0x6e, 0xff, 0x2e, 0x74, 0x78, 0x74]) }])),
        "file.filename",
      );
      expect(await state()).toEqual(before);
    });

    it("query strings, path parameters and the Idempotency-Key header", async () => {
      const before = await state();
      const get = (path: string) => app.api("GET", path, { token: c.apiKey });
      await expectRefused(get(`${docs()}?cursor=doc_%00`), "querystring.cursor");
      await expectRefused(get(`${docs()}?cursor=doc_%FF`), "querystring.cursor");
      await expectRefused(
        app.api("GET", "/v1/admin/accounts?email=a%00b", { token: ADMIN_TOKEN }),
        "querystring.email",
      );
      await expectRefused(
        app.api("GET", "/v1/admin/accounts?email=a%C3%28", { token: ADMIN_TOKEN }),
        "querystring.email",
      );
      await expectRefused(get("/v1/knowledge-bases/kb_%00x"), "params.id");
      await expectRefused(get("/v1/knowledge-bases/kb_%FFx"), "params.id");
      await expectRefused(app.api("DELETE", `/v1/knowledge-bases/kb_%00x`, { token: c.apiKey }), "params.id");
      await expectRefused(get(`${docs()}/doc_%ED%A0%80`), "params.docId");
      const key = post(docs(), { body: { text: "Some text", name: "n" }, headers: { "idempotency-key": "k\xff" } });
      await expectRefused(key, "headers.idempotency-key");
      expect(await state()).toEqual(before);
    });

    it("a NUL inside an uploaded text, CSV, Markdown or HTML file or a PDF's text is dropped like any control character", async () => {
      // Past the first 8 KiB, where a NUL no longer marks the file as binary (the padding is blank: it costs nothing).
      const pad = " ".repeat(8300);
      const files: { filename: string; type: string; value: string | Buffer }[] = [
        { filename: "a.txt", type: "text/plain", value: `${pad}\nGlaciers\u0000 carve valleys.` },
        { filename: "b.csv", type: "text/csv", value: `river,notes\n"${pad}",x\nNile\u0000,long\n` },
        { filename: "c.md", type: "text/markdown", value: `# Bees\n${pad}\nHoneybees\u0000 dance.` },
        {
          filename: "d.html",
          type: "text/html",
          value: `<html><body><p>${pad}</p><p>Penguins\u0000 huddle.</p></body></html>`,
        },
      ];
      files.push({ filename: "e.pdf", type: "application/pdf", value: await makePdfWithNul() });
      for (const f of files) {
        const r = await post(docs(), multipart([{ name: "file", ...f }]));
        expect(r.status, `${f.filename}: ${JSON.stringify(r.body)}`).toBe(201);
        expect(r.body.status).toBe("ready");
      }
      for (const word of ["Glaciers", "Nile", "Honeybees", "Penguins", "Lava"]) {
        const found = await post(`/v1/knowledge-bases/${kbId}/query`, { body: { query: word, mode: "keyword" } });
        expect(found.status).toBe(200);
        const hit = found.body.results.find((r: { text: string }) => r.text.includes(word));
        expect(hit, word).toBeDefined();
        expect(hit.text).not.toContain("\u0000");
      }
    });

    it("a NUL in the first 8 KiB marks a binary file: refused with 415, never a 500", async () => {
      const before = await state();
      const r = await post(docs(), multipart([{ name: "file", filename: "a.txt", value: "Glaciers\u0000 carve." }]));
      expect(r.status).toBe(415);
      expect(r.body.code).toBe("UNSUPPORTED_FILE_TYPE");
      expect(await state()).toEqual(before);
    });

    it("valid text outside ASCII passes unchanged, U+FFFD sent on purpose included", async () => {
      const kb = await post("/v1/knowledge-bases", { body: { name: "Café ☕ 𝄞 \uFFFD" } });
      expect(kb.status).toBe(201);
      expect(kb.body.name).toBe("Café ☕ 𝄞 \uFFFD");
      const up = await post(
        docs(),
        multipart([
          { name: "name", value: "Notes – ü 𝄞", type: "text/plain; charset=utf-8" },
          { name: "metadata", value: JSON.stringify({ author: "Zoë" }) },
          { name: "file", filename: "résumé.txt", type: "text/plain", value: "Zoë writes about fjords." },
        ]),
      );
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      expect(up.body).toMatchObject({ name: "Notes – ü 𝄞", metadata: { author: "Zoë" } });
    });

    it("a form field over 100,000 bytes is refused (413), not cut short", async () => {
      const before = await state();
      const file = { name: "file", filename: "notes.txt", type: "text/plain", value: "Plain words." };
      const r = await post(docs(), multipart([{ name: "name", value: "n".repeat(100_001) }, file]));
      expect(r.status).toBe(413);
      expect(r.body.code).toBe("PAYLOAD_TOO_LARGE");
      expect(await state()).toEqual(before);
    });

    it("the service keeps serving", async () => {
      expect((await app.api("GET", "/healthz")).body.status).toBe("ok");
      expect((await app.api("GET", `/v1/knowledge-bases/${kbId}`, { token: c.apiKey })).status).toBe(200);
    });
  });
}
