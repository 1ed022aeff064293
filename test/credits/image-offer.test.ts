import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageOffer, imageOfferWords } from "../../src/credits/catalogue.js";
import { startTestApp, type TestApp } from "../support/app.js";

/** The price list and the pricing page sell only the image operations this deployment can run. */
describe("what is on sale follows the image providers configured", () => {
  let local: TestApp;
  let generating: TestApp;
  beforeAll(async () => {
    local = await startTestApp("sqlite");
    // The provider is never called here: only its capabilities are read.
    generating = await startTestApp("sqlite", {
      IMAGE_PROVIDER: "stability",
      STABILITY_API_KEY: "sk-test",
      STABILITY_BASE_URL: "http://127.0.0.1:9",
    });
  });
  afterAll(async () => {
    await local?.close();
    await generating?.close();
  });

  const operations = async (app: TestApp) =>
    ((await app.api("GET", "/v1/pricing")).body.operations as { operation: string }[]).map((o) => o.operation);

  it("without a generation provider, no generated images are priced or sold; upscaling and object removal are", async () => {
    const ops = await operations(local);
    expect(ops.filter((o) => o.startsWith("images.generate"))).toEqual([]);
    expect(ops).toEqual(expect.arrayContaining(["images.upscale.x2", "images.upscale.x4", "images.edit.small"]));
    expect(ops).toContain("training.embed");

    const page = (await local.api("GET", "/pricing")).body as string;
    expect(page).not.toContain("Generate, fast");
    expect(page).not.toContain("Images, fast");
    expect(page).not.toContain("image generation");
    expect(page).toContain("Upscale ×2");
    expect(page).toContain("Edit (remove objects)");
    expect(page).toContain("upscale images and remove objects from them");

    const status = (await local.admin("GET", "/v1/admin/images")).body;
    expect(status).toMatchObject({ providers: ["local"], canGenerate: false, accountFailures: [] });
  });

  it("with one, generation is priced and compared too", async () => {
    const ops = await operations(generating);
    expect(ops).toEqual(expect.arrayContaining(["images.generate.fast", "images.generate.ultra", "images.edit.small"]));
    const page = (await generating.api("GET", "/pricing")).body as string;
    expect(page).toContain("Generate, fast");
    expect(page).toContain("Images, fast");
    expect((await generating.admin("GET", "/v1/admin/images")).body.canGenerate).toBe(true);
  });

  it("names what a deployment offers in a customer's words", () => {
    expect(imageOfferWords(imageOffer(["upscale", "edit.remove"]))).toBe("upscale images and remove objects from them");
    expect(imageOfferWords(imageOffer(["generate", "edit.inpaint", "edit.remove", "upscale"]))).toBe(
      "generate, edit and upscale images",
    );
    expect(imageOfferWords(imageOffer([]))).toBe("");
  });
});
