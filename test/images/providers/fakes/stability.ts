import { randomBytes } from "node:crypto";
import { makePng, shapeOf, sizeOf } from "./png.js";
import { FakeServer, formOf, type Recorded, type Reply, Rules } from "./server.js";

type Size = { width: number; height: number };

/** Fields each v2beta endpoint accepts (files and text), and which are required, from Stability's API reference. */
const ENDPOINTS: Record<string, { fields: string[]; required: string[]; async?: boolean }> = {
  "generate/core": {
    fields: ["prompt", "negative_prompt", "aspect_ratio", "seed", "style_preset", "output_format"],
    required: ["prompt"],
  },
  "generate/sd3": {
    fields: [
      "prompt",
      "mode",
      "image",
      "strength",
      "aspect_ratio",
      "model",
      "seed",
      "output_format",
      "negative_prompt",
      "cfg_scale",
      "style_preset",
    ],
    required: ["prompt"],
  },
  "generate/ultra": {
    fields: ["prompt", "negative_prompt", "aspect_ratio", "seed", "style_preset", "output_format", "image", "strength"],
    required: ["prompt"],
  },
  "edit/inpaint": {
    fields: ["image", "prompt", "mask", "negative_prompt", "grow_mask", "seed", "output_format", "style_preset"],
    required: ["image", "prompt"],
  },
  "edit/erase": { fields: ["image", "mask", "grow_mask", "seed", "output_format"], required: ["image"] },
  "edit/outpaint": {
    fields: ["image", "left", "right", "up", "down", "creativity", "prompt", "seed", "output_format", "style_preset"],
    required: ["image"],
  },
  "edit/remove-background": { fields: ["image", "output_format"], required: ["image"] },
  "edit/replace-background-and-relight": {
    fields: [
      "subject_image",
      "background_prompt",
      "background_reference",
      "foreground_prompt",
      "negative_prompt",
      "preserve_original_subject",
      "original_background_depth",
      "keep_original_background",
      "light_source_direction",
      "light_reference",
      "light_source_strength",
      "seed",
      "output_format",
    ],
    required: ["subject_image"],
    async: true,
  },
  "upscale/fast": { fields: ["image", "output_format"], required: ["image"] },
  "upscale/conservative": {
    fields: ["image", "prompt", "negative_prompt", "seed", "creativity", "output_format"],
    required: ["image", "prompt"],
  },
  "upscale/creative": {
    fields: ["image", "prompt", "negative_prompt", "seed", "creativity", "style_preset", "output_format"],
    required: ["image", "prompt"],
    async: true,
  },
};
const RATIOS = ["16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21"];
const SD3_MODELS = ["sd3.5-large", "sd3.5-large-turbo", "sd3.5-medium", "sd3.5-flash"];

export type StabilityRefusal = "moderation-403" | "finish-reason";

/**
 * Stability AI's v2beta REST API: multipart requests with `authorization: Bearer`, answers as image bytes with
 * `finish-reason` and `seed` headers (`accept: image/*`) or as JSON `{image, finish_reason, seed}`, and
 * asynchronous jobs answered with `{id}` and polled at /v2beta/results/{id} (202 while in progress).
 */
export class StabilityFake {
  readonly refusals: StabilityRefusal[] = [];
  readonly jobs = new Map<string, { size: Size; polls: number }>();
  readonly endpointsHit: string[] = [];
  /** How many times a new job answers 202 before its image. */
  jobPolls = 2;

  private constructor(
    readonly server: FakeServer,
    readonly apiKey: string,
  ) {}

  static async start(): Promise<StabilityFake> {
    let fake: StabilityFake | undefined;
    const server = await FakeServer.start((req) => fake!.route(req));
    fake = new StabilityFake(server, "sk-fake-stability");
    return fake;
  }

  refuseNext(times = 1, style: StabilityRefusal = "moderation-403") {
    for (let i = 0; i < times; i++) this.refusals.push(style);
  }

  private async route(req: Recorded): Promise<Reply> {
    const rules = new Rules();
    rules.check(
      req.headers.authorization === `Bearer ${this.apiKey}`,
      "authorization must be Bearer <STABILITY_API_KEY>",
    );
    const accept = String(req.headers.accept ?? "");
    rules.check(
      accept === "image/*" || accept === "application/json",
      `accept must be image/* or application/json, not ${accept}`,
    );
    const result = /^\/v2beta\/results\/([0-9a-f]{64})$/.exec(req.path);
    if (result && req.method === "GET") {
      const job = this.jobs.get(result[1]!);
      if (!job) return { status: 404, body: { id: result[1], name: "not_found", errors: ["no such generation"] } };
      if (job.polls-- > 0) return { status: 202, body: { id: result[1], status: "in-progress" } };
      this.jobs.delete(result[1]!);
      return this.image(job.size, accept, "SUCCESS");
    }
    const endpoint = /^\/v2beta\/stable-image\/(.+)$/.exec(req.path)?.[1] ?? "";
    const spec = ENDPOINTS[endpoint];
    if (!spec || req.method !== "POST") return this.server.violation(`unknown endpoint ${req.method} ${req.path}`);
    this.endpointsHit.push(endpoint);
    rules.check(
      String(req.headers["content-type"]).startsWith("multipart/form-data"),
      `${endpoint}: multipart/form-data body`,
    );
    const form = await formOf(req);
    const text = (name: string) => (typeof form.get(name) === "string" ? (form.get(name) as string) : undefined);
    const file = async (name: string) => {
      const part = form.get(name);
      return part instanceof File ? sizeOf(Buffer.from(await part.arrayBuffer())).catch(() => undefined) : undefined;
    };
    form.forEach((_, name) => {
      rules.check(spec.fields.includes(name), `${endpoint}: unknown field ${name}`);
    });
    for (const name of spec.required) rules.check(form.has(name), `${endpoint}: ${name} is required`);
    rules.check(["png", "jpeg", "webp", undefined].includes(text("output_format")), "output_format png|jpeg|webp");
    const seed = text("seed");
    rules.check(seed === undefined || (/^\d+$/.test(seed) && Number(seed) <= 4294967294), `seed ${seed}`);
    const ratio = text("aspect_ratio");
    rules.check(ratio === undefined || RATIOS.includes(ratio), `aspect_ratio ${ratio}`);
    if (endpoint === "generate/sd3")
      rules.check(SD3_MODELS.includes(text("model") ?? "sd3.5-large"), `model ${text("model")}`);

    let size: Size | undefined;
    if (endpoint.startsWith("generate/")) size = shapeOf(ratio ?? "1:1");
    else {
      const image = await file(endpoint.endsWith("relight") ? "subject_image" : "image");
      rules.check(image, `${endpoint}: the image must be a decodable file part`);
      if (form.has("mask")) {
        const mask = await file("mask");
        rules.check(
          mask && mask.width === image?.width && mask.height === image?.height,
          `${endpoint}: mask must be an image of the same size`,
        );
      }
      if (endpoint === "edit/outpaint") {
        const pads = ["left", "right", "up", "down"].map((k) => Number(text(k) ?? 0));
        rules.check(
          pads.every((p) => Number.isInteger(p) && p >= 0 && p <= 2000) && pads.some((p) => p > 0),
          "outpaint: left/right/up/down 0-2000, one above 0",
        );
        if (image) size = { width: image.width + pads[0]! + pads[1]!, height: image.height + pads[2]! + pads[3]! };
      } else if (endpoint === "upscale/fast") size = image && { width: image.width * 4, height: image.height * 4 };
      else if (endpoint.startsWith("upscale/")) size = image && { width: image.width * 3, height: image.height * 3 };
      else size = image;
      if (endpoint === "edit/replace-background-and-relight") {
        rules.check(
          form.has("background_prompt") || form.has("background_reference"),
          "relight: background_prompt or background_reference",
        );
      }
    }
    if (rules.broken.length || !size) return this.server.violation(rules.broken.join("; ") || "no size");

    const refusal = this.refusals.shift();
    if (refusal === "moderation-403") {
      return {
        status: 403,
        body: {
          id: randomBytes(16).toString("hex"),
          name: "content_moderation",
          errors: [
            "Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.",
          ],
        },
      };
    }
    if (spec.async) {
      const id = randomBytes(32).toString("hex");
      this.jobs.set(id, { size, polls: this.jobPolls });
      return { status: 200, body: { id } };
    }
    return this.image(size, accept, refusal === "finish-reason" ? "CONTENT_FILTERED" : "SUCCESS");
  }

  private async image(size: Size, accept: string, finishReason: string): Promise<Reply> {
    const png = await makePng(size.width, size.height);
    const seed = String(Math.floor(Math.random() * 1e9));
    if (accept === "application/json")
      return { status: 200, body: { image: png.toString("base64"), finish_reason: finishReason, seed } };
    return { status: 200, headers: { "content-type": "image/png", "finish-reason": finishReason, seed }, body: png };
  }
}
