import { b64, makePng, sizeOf } from "./png.js";
import { FakeServer, jsonOf, type Recorded, type Reply, Rules } from "./server.js";

type Json = Record<string, unknown>;

// Fields of A1111's StableDiffusionProcessingTxt2Img / Img2Img API models that the adapter may send.
const COMMON = [
  "prompt",
  "negative_prompt",
  "seed",
  "batch_size",
  "n_iter",
  "steps",
  "cfg_scale",
  "width",
  "height",
  "sampler_name",
  "override_settings",
  "send_images",
  "save_images",
  "do_not_save_grid",
  "denoising_strength",
];
const TXT2IMG = new Set([...COMMON, "enable_hr", "hr_scale", "hr_upscaler", "hr_second_pass_steps"]);
const IMG2IMG = new Set([
  ...COMMON,
  "init_images",
  "mask",
  "resize_mode",
  "inpainting_fill",
  "inpaint_full_res",
  "inpaint_full_res_padding",
  "inpainting_mask_invert",
  "mask_blur",
]);

const isInt = (v: unknown, min: number, max: number) => Number.isInteger(v) && Number(v) >= min && Number(v) <= max;

/**
 * The Automatic1111 / Forge web UI API (`--api`, optional `--api-auth user:pass`): /sdapi/v1/txt2img, /img2img and
 * /extra-single-image, JSON in and `{images: [base64…], parameters, info}` (or `{image, html_info}`) out. Like the
 * real server it prepends a grid image to a batch unless `do_not_save_grid` is set.
 */
export class Automatic1111Fake {
  private constructor(
    readonly server: FakeServer,
    readonly auth: string | undefined,
  ) {}

  static async start(auth?: string): Promise<Automatic1111Fake> {
    let fake: Automatic1111Fake | undefined;
    const server = await FakeServer.start((req) => fake!.route(req));
    fake = new Automatic1111Fake(server, auth);
    return fake;
  }

  private async route(req: Recorded): Promise<Reply> {
    const rules = new Rules();
    const expected = this.auth ? `Basic ${Buffer.from(this.auth).toString("base64")}` : undefined;
    if (req.headers.authorization !== expected)
      return { status: 401, body: { detail: "Incorrect username or password" } };
    rules.check(
      req.method === "POST" && String(req.headers["content-type"]).startsWith("application/json"),
      "POST with a JSON body",
    );
    const body = jsonOf<Json>(req);
    let reply: Reply | undefined;
    if (req.path === "/sdapi/v1/txt2img" || req.path === "/sdapi/v1/img2img") {
      const allowed = req.path.endsWith("txt2img") ? TXT2IMG : IMG2IMG;
      for (const key of Object.keys(body)) rules.check(allowed.has(key), `${req.path}: unknown field ${key}`);
      rules.check(typeof body.prompt === "string", "prompt must be a string");
      rules.check(body.seed === -1 || isInt(body.seed, 0, 2 ** 32 - 1), "seed -1 or a whole number");
      rules.check(isInt(body.batch_size, 1, 8), "batch_size 1-8");
      rules.check(isInt(body.steps, 1, 150), "steps 1-150");
      rules.check(typeof body.cfg_scale === "number", "cfg_scale");
      rules.check(
        isInt(body.width, 8, 4096) && Number(body.width) % 8 === 0,
        `width ${String(body.width)} must be a multiple of 8`,
      );
      rules.check(
        isInt(body.height, 8, 4096) && Number(body.height) % 8 === 0,
        `height ${String(body.height)} must be a multiple of 8`,
      );
      if (body.denoising_strength !== undefined) {
        rules.check(
          typeof body.denoising_strength === "number" && body.denoising_strength >= 0 && body.denoising_strength <= 1,
          "denoising_strength 0-1",
        );
      }
      let width = Number(body.width);
      let height = Number(body.height);
      if (req.path.endsWith("txt2img")) {
        // The fake draws at 1/16 of the requested size to stay small.
        width /= 16;
        height /= 16;
        if (body.enable_hr) {
          rules.check(
            typeof body.hr_scale === "number" && typeof body.hr_upscaler === "string",
            "hires fix needs hr_scale and hr_upscaler",
          );
          width *= Number(body.hr_scale);
          height *= Number(body.hr_scale);
        }
      } else {
        const init = body.init_images as unknown[] | undefined;
        rules.check(Array.isArray(init) && init.length === 1, "init_images: one base64 image");
        const image = await sizeOf(Buffer.from(String(init?.[0] ?? ""), "base64")).catch(() => undefined);
        const mask = await sizeOf(Buffer.from(String(body.mask ?? ""), "base64")).catch(() => undefined);
        rules.check(image, "init_images[0] must decode");
        rules.check(
          mask && mask.width === image?.width && mask.height === image?.height,
          "mask must decode and match the image",
        );
        rules.check(isInt(body.inpainting_fill, 0, 3), "inpainting_fill 0-3");
        rules.check(typeof body.inpaint_full_res === "boolean", "inpaint_full_res boolean");
      }
      if (rules.broken.length) return this.server.violation(rules.broken.join("; "));
      const count = Number(body.batch_size);
      const images = await Promise.all(Array.from({ length: count }, async () => b64(await makePng(width, height))));
      // A1111 prepends the grid of a batch unless told not to save one.
      if (count > 1 && body.do_not_save_grid !== true) images.unshift(b64(await makePng(width * 2, height * 2)));
      const info = JSON.stringify({ sd_model_name: "sd_xl_base_1.0", seed: body.seed });
      reply = { status: 200, body: { images, parameters: body, info } };
    } else if (req.path === "/sdapi/v1/extra-single-image") {
      const image = await sizeOf(Buffer.from(String(body.image ?? ""), "base64")).catch(() => undefined);
      rules.check(image, "image must decode");
      rules.check(
        typeof body.upscaling_resize === "number" && body.upscaling_resize >= 1 && body.upscaling_resize <= 8,
        "upscaling_resize 1-8",
      );
      rules.check(typeof body.upscaler_1 === "string", "upscaler_1 names an upscaler");
      rules.check(body.resize_mode === 0, "resize_mode 0 (scale by upscaling_resize)");
      if (rules.broken.length || !image) return this.server.violation(rules.broken.join("; "));
      const f = Number(body.upscaling_resize);
      reply = { status: 200, body: { html_info: "", image: b64(await makePng(image.width * f, image.height * f)) } };
    } else {
      return this.server.violation(`unknown path ${req.path}`);
    }
    return reply;
  }
}
