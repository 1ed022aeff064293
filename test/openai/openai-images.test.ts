import OpenAI, { toFile } from "openai";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAiFake } from "../images/providers/fakes/openai.js";
import { makePng } from "../images/providers/fakes/png.js";
import { grant, newCustomer, startTestApp, type TestApp, type TestCustomer } from "../support/app.js";
import { ENGINES } from "../support/db.js";

/** An RGBA mask in OpenAI's convention: opaque everywhere but a transparent square hole (where to edit). */
async function holeMask(size: number, hole: { left: number; top: number; side: number }): Promise<Buffer> {
  const px = Buffer.alloc(size * size * 4, 255);
  for (let y = hole.top; y < hole.top + hole.side; y++)
    for (let x = hole.left; x < hole.left + hole.side; x++) px[(y * size + x) * 4 + 3] = 0;
  return sharp(px, { raw: { width: size, height: size, channels: 4 } })
    .png()
    .toBuffer();
}

describe.each(ENGINES)("images through the openai SDK, a provider served by a local fake (%s)", (engine) => {
  let fake: OpenAiFake;
  let app: TestApp;
  let c: TestCustomer;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await OpenAiFake.start();
    app = await startTestApp(engine, {
      IMAGE_PROVIDER: "openai",
      OPENAI_API_KEY: fake.apiKey,
      OPENAI_BASE_URL: `${fake.server.url}/v1`,
    });
    c = await newCustomer(app);
    await grant(app, c.accountId, 200);
    client = new OpenAI({ apiKey: c.apiKey, baseURL: `${app.url}/openai/v1`, maxRetries: 0 });
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await fake.server.close();
  });

  const balance = async () => (await app.api("GET", "/v1/balance", { token: c.apiKey })).body.credits;

  it("generates b64_json and signed URLs a client fetches without a key; charged the quoted price per image", async () => {
    const quote = await app.api("POST", "/v1/quotes", {
      token: c.apiKey,
      body: { operation: "images.generate", quality: "standard", count: 2 },
    });
    const before = await balance();
    const { data: res, response } = await client.images
      .generate({ model: "gpt-image-1", prompt: "a red shoe", n: 2, size: "1024x1024", quality: "medium" })
      .withResponse();
    expect(res.data).toHaveLength(2);
    const bytes = Buffer.from(res.data![0]!.b64_json!, "base64");
    expect((await sharp(bytes).metadata()).format).toBe("png");
    expect(response.headers.get("x-credits-charged")).toBe(String(quote.body.credits));
    expect(before - (await balance())).toBe(quote.body.credits);

    const linked = await client.images.generate({ model: "dall-e-3", prompt: "a blue shoe", response_format: "url" });
    // PUBLIC_URL is not the test's random port: the same path and query on the app's address.
    const signed = new URL(linked.data![0]!.url!);
    expect(signed.pathname.startsWith("/openai/v1/images/content/")).toBe(true);
    const url = `${app.url}${signed.pathname}${signed.search}`;
    const got = await fetch(url);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("image/png");
    const forged = await fetch(url.replace(/signature=.{4}/, "signature=AAAA"));
    expect(forged.status).toBe(404);
    expect(fake.server.violations).toEqual([]);
  });

  it("edits where OpenAI's mask is transparent: the provider receives the hole as the area to edit", async () => {
    fake.edits.length = 0;
    const before = await balance();
    const res = await client.images.edit({
      model: "gpt-image-1",
      image: await toFile(await makePng(64, 64), "photo.png", { type: "image/png" }),
      mask: await toFile(await holeMask(64, { left: 8, top: 16, side: 10 }), "mask.png", { type: "image/png" }),
      prompt: "put a flower here",
    });
    expect(res.data).toHaveLength(1);
    expect(fake.server.violations).toEqual([]);
    const sent = fake.edits[0]!.mask!;
    const { data, info } = await sharp(sent).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const alpha = (x: number, y: number) => data[(y * info.width + x) * info.channels + 3];
    expect(alpha(12, 20)).toBe(0); // inside the hole: edited
    expect(alpha(40, 40)).toBe(255); // outside: kept
    expect(alpha(2, 2)).toBe(255);
    expect(before - (await balance())).toBe(15);
  });

  it("an unknown size or model is refused before anything is charged", async () => {
    const before = await balance();
    expect((await client.images.generate({ prompt: "x", size: "1000x333" as never }).catch((e) => e)).status).toBe(400);
    expect((await client.images.generate({ prompt: "x", model: "midjourney" }).catch((e) => e)).code).toBe(
      "model_not_found",
    );
    expect(await balance()).toBe(before);
  });
});
