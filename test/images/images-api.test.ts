import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, grant, newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { OpenAiFake } from "./providers/fakes/openai.js";

async function png(width: number, height: number): Promise<Buffer> {
  // A gradient with a few shapes: something an upscaler has to work on.
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = (x + y) % 32 < 16 ? 200 : 40;
    }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

const b64 = (b: Buffer) => b.toString("base64");

describe("images offline: the local engine", () => {
  let app: TestApp;
  let c: TestCustomer;
  let other: TestCustomer;
  beforeAll(async () => {
    app = await startTestApp("sqlite");
    c = await newCustomer(app);
    other = await newCustomer(app);
    await grant(app, c.accountId, 100);
    await grant(app, other.accountId, 100);
  });
  afterAll(async () => {
    await app.close();
  });

  const balance = async (t: TestCustomer) => (await app.api("GET", "/v1/balance", { token: t.apiKey })).body;

  it("a 256×256 PNG upscaled ×2 comes back 512×512 for 10 credits; the stored result ×4 for 20", async () => {
    const r = await app.api("POST", "/v1/images/upscales", {
      token: c.apiKey,
      body: { image: `data:image/png;base64,${b64(await png(256, 256))}`, factor: 2 },
    });
    expect(r.status).toBe(200);
    expect(r.body.credits).toBe(10);
    expect(r.body.images[0]).toMatchObject({ width: 512, height: 512, operation: "upscale", provider: "local" });
    const bytes = await app.api("GET", `/v1/images/${r.body.images[0].id}/content`, { token: c.apiKey });
    expect(bytes.headers.get("content-type")).toBe("image/png");
    const meta = await sharp(
      Buffer.from(
        await (
          await fetch(`${app.url}/v1/images/${r.body.images[0].id}/content`, {
            headers: { authorization: `Bearer ${c.apiKey}` },
          })
        ).arrayBuffer(),
      ),
    ).metadata();
    expect([meta.width, meta.height]).toEqual([512, 512]);
    expect((await balance(c)).credits).toBe(90);

    const x4 = await app.api("POST", "/v1/images/upscales", {
      token: c.apiKey,
      body: { imageId: r.body.images[0].id, factor: 4, method: "fast" },
    });
    expect(x4.status).toBe(200);
    expect(x4.body).toMatchObject({
      credits: 20,
      images: [{ width: 2048, height: 2048, sourceImageId: r.body.images[0].id }],
    });
    expect((await balance(c)).credits).toBe(70);
    const usage = (await app.api("GET", "/v1/ledger?type=usage", { token: c.apiKey })).body.data;
    expect(usage[0]).toMatchObject({ operation: "images.upscale", credits: -20 });
    expect(usage[0].quantity).toMatchObject({ images: 1, factor: 4, provider: "local", model: "local:lanczos3" });
  });

  it("removes an object inside a mask (multipart) for the small edit price", async () => {
    const image = await png(128, 128);
    const maskRaw = Buffer.alloc(128 * 128);
    for (let y = 40; y < 70; y++) for (let x = 50; x < 80; x++) maskRaw[y * 128 + x] = 255;
    const mask = await sharp(maskRaw, { raw: { width: 128, height: 128, channels: 1 } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.set("mode", "remove");
    form.set("image", new Blob([new Uint8Array(image)], { type: "image/png" }), "photo.png");
    form.set("mask", new Blob([new Uint8Array(mask)], { type: "image/png" }), "mask.png");
    const before = (await balance(c)).credits;
    const r = await app.api("POST", "/v1/images/edits", { token: c.apiKey, rawBody: form });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ credits: 15, images: [{ width: 128, height: 128, operation: "edit" }] });
    expect((await balance(c)).credits).toBe(before - 15);
  });

  it("generation needs a provider: refused with PROVIDER_NOT_CONFIGURED, nothing charged or held", async () => {
    const before = await balance(c);
    const r = await app.api("POST", "/v1/images/generations", { token: c.apiKey, body: { prompt: "a red fox" } });
    expect(r.status).toBe(501);
    expect(r.body.code).toBe("PROVIDER_NOT_CONFIGURED");
    const inpaint = await app.api("POST", "/v1/images/edits", {
      token: c.apiKey,
      body: { image: b64(await png(64, 64)), mask: b64(await png(64, 64)), mode: "inpaint", prompt: "a hat" },
    });
    expect(inpaint.status).toBe(501);
    expect(await balance(c)).toEqual(before);
    const caps = await app.api("GET", "/v1/images/capabilities", { token: c.apiKey });
    expect(caps.body).toEqual({ providers: ["local"], capabilities: ["edit.remove", "upscale"] });
  });

  it("refuses hostile images before decoding them, and changes nothing", async () => {
    const before = await balance(c);
    const gif = Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1");
    const cases: [object, number, string][] = [
      [{ image: b64(gif), factor: 2 }, 415, "UNSUPPORTED_FILE_TYPE"],
      [{ image: "not base64 at all!!", factor: 2 }, 400, "VALIDATION_FAILED"],
      [{ image: b64(await png(64, 64)), factor: 3 }, 400, "VALIDATION_FAILED"],
      [{ image: b64(await png(64, 64)), imageId: "img_x", factor: 2 }, 400, "VALIDATION_FAILED"],
    ];
    for (const [body, status, code] of cases) {
      const r = await app.api("POST", "/v1/images/upscales", { token: c.apiKey, body });
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body.code).toBe(code);
    }
    // A tiny PNG that declares 100,000 × 100,000 pixels.
    const bomb = await png(8, 8);
    bomb.writeUInt32BE(100_000, 16);
    bomb.writeUInt32BE(100_000, 20);
    const r = await app.api("POST", "/v1/images/upscales", { token: c.apiKey, body: { image: b64(bomb), factor: 2 } });
    expect([400, 413]).toContain(r.status);
    const mismatch = await app.api("POST", "/v1/images/edits", {
      token: c.apiKey,
      body: { image: b64(await png(64, 64)), mask: b64(await png(32, 32)), mode: "remove" },
    });
    expect(mismatch.status).toBe(400);
    expect(await balance(c)).toEqual(before);
  });

  it("another account's image answers 404; a deleted image's bytes are gone from storage", async () => {
    const list = await app.api("GET", "/v1/images", { token: c.apiKey });
    const img = list.body.data[0];
    for (const [method, url, body] of [
      ["GET", `/v1/images/${img.id}`],
      ["GET", `/v1/images/${img.id}/content`],
      ["DELETE", `/v1/images/${img.id}`],
      ["POST", "/v1/images/upscales", { imageId: img.id, factor: 2 }],
    ] as [string, string, object?][]) {
      const r = await app.api(method, url, { token: other.apiKey, body });
      expect(r.status, `${method} ${url}`).toBe(404);
    }
    expect((await app.api("GET", "/v1/images", { token: other.apiKey })).body.data).toEqual([]);
    expect((await balance(other)).credits).toBe(100);

    const blobs = path.join(app.dataDir, "blobs", c.accountId, "images");
    const file = readdirSync(blobs).find((f) => f.startsWith(img.id))!;
    expect(file).toBeDefined();
    const del = await app.api("DELETE", `/v1/images/${img.id}`, { token: c.apiKey });
    expect(del.body.deleted.images).toBe(1);
    expect(existsSync(path.join(blobs, file))).toBe(false);
    expect((await app.api("GET", `/v1/images/${img.id}/content`, { token: c.apiKey })).status).toBe(404);
  });
});

describe("images through a provider (OpenAI's API, served by a local fake)", () => {
  let app: TestApp;
  let fake: OpenAiFake;
  let c: TestCustomer;
  beforeAll(async () => {
    fake = await OpenAiFake.start();
    app = await startTestApp("sqlite", {
      IMAGE_PROVIDER: "openai",
      OPENAI_API_KEY: fake.apiKey,
      OPENAI_BASE_URL: `${fake.server.url}/v1`,
      IMAGE_PROVIDER_ATTEMPTS: "2",
    });
    c = await newCustomer(app);
    await grant(app, c.accountId, 200);
  });
  afterAll(async () => {
    await app.close();
    await fake.server.close();
  });

  const balance = async () => (await app.api("GET", "/v1/balance", { token: c.apiKey })).body;

  it("charges per image returned, records the model, and stores the images", async () => {
    const r = await app.api("POST", "/v1/images/generations", {
      token: c.apiKey,
      body: { prompt: "a lighthouse at dawn", count: 2, quality: "fast" },
    });
    expect(r.status).toBe(200);
    expect(r.body.credits).toBe(20);
    expect(r.body.images.length).toBe(2);
    expect(fake.server.violations).toEqual([]);
    expect(await balance()).toEqual({ credits: 180, reservedCredits: 0 });
    const entry = (await app.api("GET", "/v1/ledger?type=usage", { token: c.apiKey })).body.data[0];
    expect(entry.quantity).toMatchObject({ images: 2, provider: "openai", model: "gpt-image-1", quality: "fast" });
  });

  it("a 5xx, a timeout-free retry of 429, and a safety refusal: failures cost nothing and leave nothing reserved", async () => {
    fake.server.script({ status: 429, body: { error: { message: "slow down" } }, headers: { "retry-after": "0" } });
    const retried = await app.api("POST", "/v1/images/generations", { token: c.apiKey, body: { prompt: "a cat" } });
    expect(retried.status).toBe(200);
    expect(retried.body.credits).toBe(20);
    const before = await balance();
    fake.server.script({ status: 503, body: { error: { message: "overloaded" } } }, 2);
    const failed = await app.api("POST", "/v1/images/generations", { token: c.apiKey, body: { prompt: "a dog" } });
    expect(failed.status).toBe(502);
    expect(failed.body.code).toBe("PROVIDER_ERROR");
    fake.refuseNext();
    const refused = await app.api("POST", "/v1/images/generations", {
      token: c.apiKey,
      body: { prompt: "something bad" },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe("CONTENT_FILTERED");
    expect(await balance()).toEqual(before);
  });

  it("2K output is refused up front when the provider cannot make it", async () => {
    const before = await balance();
    const r = await app.api("POST", "/v1/images/generations", { token: c.apiKey, body: { prompt: "x", size: "2K" } });
    expect(r.status).toBe(501);
    expect(await balance()).toEqual(before);
  });

  it("no overdraft under concurrent generations", async () => {
    const d = await newCustomer(app);
    await grant(app, d.accountId, 50);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        app.api("POST", "/v1/images/generations", { token: d.apiKey, body: { prompt: "waves", quality: "standard" } }),
      ),
    );
    expect(results.filter((r) => r.status === 200).length).toBe(2);
    expect(results.filter((r) => r.status === 402).length).toBe(8);
    expect((await app.api("GET", "/v1/balance", { token: d.apiKey })).body).toEqual({
      credits: 10,
      reservedCredits: 0,
    });
  });

  it("the same idempotency key returns the same images and charges once", async () => {
    const before = await balance();
    const send = () =>
      app.api("POST", "/v1/images/generations", {
        token: c.apiKey,
        body: { prompt: "a blue bird", quality: "fast" },
        headers: { "idempotency-key": "gen-bird-1" },
      });
    const a = await send();
    const b = await send();
    expect(b.body).toEqual(a.body);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect((await balance()).credits).toBe(before.credits - 10);
  });
});

describe("a fallback provider takes over when the first fails upstream", () => {
  it("OpenAI answers 503: Stability serves the generation, charged once", async () => {
    const { StabilityFake } = await import("./providers/fakes/stability.js");
    const openai = await OpenAiFake.start();
    const stability = await StabilityFake.start();
    const app = await startTestApp("sqlite", {
      IMAGE_PROVIDER: "openai",
      OPENAI_API_KEY: openai.apiKey,
      OPENAI_BASE_URL: `${openai.server.url}/v1`,
      IMAGE_FALLBACK_PROVIDER: "stability",
      STABILITY_API_KEY: stability.apiKey,
      STABILITY_BASE_URL: stability.server.url,
      IMAGE_PROVIDER_ATTEMPTS: "2",
    });
    try {
      const c = await newCustomer(app);
      await grant(app, c.accountId, 100);
      openai.server.script({ status: 503, body: { error: { message: "overloaded" } } }, 2);
      const r = await app.api("POST", "/v1/images/generations", {
        token: c.apiKey,
        body: { prompt: "a harbour at night", quality: "fast" },
      });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ credits: 10, images: [{ provider: "stability" }] });
      expect(openai.server.apiCalls().length).toBe(2);
      expect(stability.server.violations).toEqual([]);
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body).toEqual({
        credits: 90,
        reservedCredits: 0,
      });
      const caps = (await app.api("GET", "/v1/images/capabilities", { token: c.apiKey })).body;
      expect(caps.providers).toEqual(["openai", "stability", "local"]);
    } finally {
      await app.close();
      await openai.server.close();
      await stability.server.close();
    }
  });
});

describe("provider failures in the customer's words", () => {
  it("the operator's Stability account out of credit: 503 'temporarily unavailable', nothing charged, the operator's metric counts it; a moderation refusal keeps the provider's reason", async () => {
    const { StabilityFake } = await import("./providers/fakes/stability.js");
    const stability = await StabilityFake.start();
    const app = await startTestApp("sqlite", {
      IMAGE_PROVIDER: "stability",
      STABILITY_API_KEY: stability.apiKey,
      STABILITY_BASE_URL: stability.server.url,
    });
    try {
      const c = await newCustomer(app);
      await grant(app, c.accountId, 100);
      stability.server.script({
        status: 402,
        body: { id: "x", name: "payment_required", errors: ["You lack sufficient credits to make this request."] },
      });
      const generate = () =>
        app.api("POST", "/v1/images/generations", {
          token: c.apiKey,
          body: { prompt: "a lighthouse", quality: "fast" },
        });
      const broke = await generate();
      expect(broke.status).toBe(503);
      expect(broke.body).toMatchObject({ code: "SERVICE_UNAVAILABLE", charged: false });
      expect(broke.body.detail).toBe(
        "Image generation is temporarily unavailable. Nothing was charged; please try again later.",
      );
      expect(Number(broke.headers.get("retry-after"))).toBeGreaterThan(0);
      const metrics = await app.api("GET", "/metrics", { token: ADMIN_TOKEN });
      expect(metrics.body).toMatch(/provider_account_failures_total\{provider="stability",status="402"\} 1/);
      const status = (await app.admin("GET", "/v1/admin/images")).body;
      expect(status).toMatchObject({ providers: expect.arrayContaining(["stability"]), canGenerate: true });
      expect(status.accountFailures).toEqual([
        expect.objectContaining({ provider: "stability", status: "402", count: 1 }),
      ]);
      expect(status.accountFailures[0].lastDetail).toContain("You lack sufficient credits");

      stability.refuseNext(1, "moderation-403");
      const refused = await generate();
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe("CONTENT_FILTERED");
      expect(refused.body.detail).toContain("flagged by our content moderation system");
      expect((await app.api("GET", "/v1/balance", { token: c.apiKey })).body).toEqual({
        credits: 100,
        reservedCredits: 0,
      });
    } finally {
      await app.close();
      await stability.server.close();
    }
  });
});
