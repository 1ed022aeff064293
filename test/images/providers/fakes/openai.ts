import { b64, makePng, sizeOf } from "./png.js";
import { FakeServer, formOf, jsonOf, type Recorded, type Reply, Rules } from "./server.js";

const GPT_IMAGE_SIZES = new Set(["1024x1024", "1536x1024", "1024x1536", "auto"]);
const GENERATION_FIELDS = new Set([
  "model",
  "prompt",
  "n",
  "size",
  "quality",
  "output_format",
  "output_compression",
  "background",
  "moderation",
  "user",
]);

/** Received edit uploads, for tests that look at the mask OpenAI was sent. */
export interface ReceivedEdit {
  image: Buffer;
  mask?: Buffer;
  fields: Record<string, string>;
}

/**
 * OpenAI's Images API for GPT image models: /v1/images/generations (JSON) and /v1/images/edits (multipart `image`
 * or `image[]`, optional PNG `mask` with an alpha channel of the image's size). Answers `data[].b64_json`.
 */
export class OpenAiFake {
  refusals = 0;
  /** How long each answer waits, to play a slow provider. */
  latencyMs = 0;
  readonly edits: ReceivedEdit[] = [];

  private constructor(
    readonly server: FakeServer,
    readonly apiKey: string,
  ) {}

  static async start(): Promise<OpenAiFake> {
    let fake: OpenAiFake | undefined;
    const server = await FakeServer.start((req) => fake!.route(req));
    fake = new OpenAiFake(server, "sk-fake-openai");
    return fake;
  }

  refuseNext(times = 1) {
    this.refusals += times;
  }

  private async route(req: Recorded): Promise<Reply> {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const rules = new Rules();
    rules.check(req.method === "POST", "must be POST");
    rules.check(req.headers.authorization === `Bearer ${this.apiKey}`, "authorization must be Bearer <OPENAI_API_KEY>");
    let images: { width: number; height: number }[] = [];
    if (req.path === "/v1/images/generations") {
      rules.check(String(req.headers["content-type"]).startsWith("application/json"), "generations: JSON body");
      const body = jsonOf(req);
      for (const key of Object.keys(body))
        rules.check(GENERATION_FIELDS.has(key), `generations: ${key} is not a gpt-image parameter`);
      rules.check(body.model === "gpt-image-1", `generations: model ${String(body.model)}`);
      rules.check(
        typeof body.prompt === "string" && body.prompt.length > 0 && body.prompt.length <= 32000,
        "generations: prompt",
      );
      images = this.common(body, rules);
    } else if (req.path === "/v1/images/edits") {
      rules.check(String(req.headers["content-type"]).startsWith("multipart/form-data"), "edits: multipart body");
      const form = await formOf(req);
      const fields: Record<string, string> = {};
      form.forEach((value, key) => {
        if (typeof value === "string") fields[key] = value;
      });
      const file = (form.get("image") ?? form.get("image[]")) as File | null;
      rules.check(file instanceof File, "edits: an image file part named image or image[]");
      const image = file ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
      const imageSize = await sizeOf(image).catch(() => undefined);
      rules.check(
        imageSize && ["png", "jpeg", "webp"].includes(imageSize.format),
        "edits: image must be png, webp or jpg",
      );
      const maskFile = form.get("mask") as File | null;
      let mask: Buffer | undefined;
      if (maskFile) {
        mask = Buffer.from(await maskFile.arrayBuffer());
        const maskSize = await sizeOf(mask).catch(() => undefined);
        rules.check(maskSize?.format === "png", "edits: mask must be a PNG");
        rules.check(maskSize?.channels === 4, "edits: mask needs an alpha channel (transparent = edit)");
        rules.check(
          maskSize?.width === imageSize?.width && maskSize?.height === imageSize?.height,
          "edits: mask must match the image's size",
        );
      }
      rules.check(fields.model === "gpt-image-1", `edits: model ${fields.model}`);
      rules.check(typeof fields.prompt === "string" && fields.prompt.length > 0, "edits: prompt required");
      this.edits.push({ image, mask, fields });
      this.common({ ...fields, n: Number(fields.n ?? 1) }, rules);
      images = Array.from({ length: Number(fields.n ?? 1) }, () => imageSize ?? { width: 1, height: 1 });
    } else {
      rules.check(false, `unknown path ${req.path}`);
    }
    if (rules.broken.length) return this.server.violation(rules.broken.join("; "));
    if (this.refusals > 0) {
      this.refusals--;
      return {
        status: 400,
        body: {
          error: {
            message: "Your request was rejected by the safety system. safety_violations=[violence].",
            type: "image_generation_user_error",
            param: null,
            code: "moderation_blocked",
          },
        },
      };
    }
    const data = await Promise.all(images.map(async (s) => ({ b64_json: b64(await makePng(s.width, s.height)) })));
    return { status: 200, body: { created: Math.floor(Date.now() / 1000), data, usage: { total_tokens: 100 } } };
  }

  /** n, size, quality and output_format as gpt-image-1 accepts them; the fake draws size/32. */
  private common(body: Record<string, unknown>, rules: Rules) {
    const n = Number(body.n ?? 1);
    rules.check(Number.isInteger(n) && n >= 1 && n <= 10, "n must be 1-10");
    rules.check(body.size === undefined || GPT_IMAGE_SIZES.has(String(body.size)), `size ${String(body.size)}`);
    rules.check(
      body.quality === undefined || ["low", "medium", "high", "auto"].includes(String(body.quality)),
      `quality ${String(body.quality)}`,
    );
    rules.check(
      body.output_format === undefined || ["png", "jpeg", "webp"].includes(String(body.output_format)),
      "output_format",
    );
    rules.check(body.response_format === undefined, "response_format is not supported for gpt-image models");
    const [w, h] = String(body.size && body.size !== "auto" ? body.size : "1024x1024")
      .split("x")
      .map(Number);
    return Array.from({ length: n }, () => ({ width: w! / 32, height: h! / 32 }));
  }
}
