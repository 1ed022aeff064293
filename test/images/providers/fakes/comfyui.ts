import { randomUUID } from "node:crypto";
import { makePng, sizeOf } from "./png.js";
import { FakeServer, formOf, jsonOf, type Recorded, type Reply, Rules } from "./server.js";

type Node = { class_type: string; inputs: Record<string, unknown> };
type Graph = Record<string, Node>;
type Shape = { width: number; height: number; batch: number };

/** The core nodes the shipped templates use, with their required inputs (ComfyUI's INPUT_TYPES). */
const NODES: Record<string, string[]> = {
  CheckpointLoaderSimple: ["ckpt_name"],
  EmptyLatentImage: ["width", "height", "batch_size"],
  CLIPTextEncode: ["text", "clip"],
  KSampler: [
    "seed",
    "steps",
    "cfg",
    "sampler_name",
    "scheduler",
    "denoise",
    "model",
    "positive",
    "negative",
    "latent_image",
  ],
  VAEDecode: ["samples", "vae"],
  VAEEncode: ["pixels", "vae"],
  VAEEncodeForInpaint: ["pixels", "vae", "mask", "grow_mask_by"],
  SetLatentNoiseMask: ["samples", "mask"],
  RepeatLatentBatch: ["samples", "amount"],
  SaveImage: ["images", "filename_prefix"],
  LoadImage: ["image"],
  LoadImageMask: ["image", "channel"],
  ImagePadForOutpaint: ["image", "left", "top", "right", "bottom", "feathering"],
  UpscaleModelLoader: ["model_name"],
  ImageUpscaleWithModel: ["upscale_model", "image"],
  ImageScale: ["image", "upscale_method", "width", "height", "crop"],
};
const CHECKPOINTS = ["sd_xl_base_1.0.safetensors"];
const UPSCALE_MODELS = ["RealESRGAN_x4plus.pth"];
const isLink = (v: unknown): v is [string, number] =>
  Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "number";

/**
 * A ComfyUI server: /upload/image (multipart `image`, `type`, `overwrite`), /prompt (`{prompt, client_id}` →
 * `{prompt_id, number, node_errors}` or 400 with node_errors), /history/{id} (empty until the run ends), /view.
 * It validates the graph like ComfyUI does and "runs" it by working out each SaveImage's size and batch.
 */
export class ComfyUiFake {
  readonly uploads = new Map<string, { width: number; height: number }>();
  readonly queued: Graph[] = [];
  private readonly runs = new Map<string, { polls: number; saved: string[]; error?: string }>();
  private readonly files = new Map<string, Buffer>();
  failNextRun = false;

  private constructor(readonly server: FakeServer) {}

  static async start(): Promise<ComfyUiFake> {
    let fake: ComfyUiFake | undefined;
    const server = await FakeServer.start((req) => fake!.route(req));
    fake = new ComfyUiFake(server);
    return fake;
  }

  private async route(req: Recorded): Promise<Reply> {
    if (req.path === "/upload/image" && req.method === "POST") return this.upload(req);
    if (req.path === "/prompt" && req.method === "POST") return this.prompt(req);
    const history = /^\/history\/([0-9a-f-]+)$/.exec(req.path);
    if (history && req.method === "GET") return this.history(history[1]!);
    if (req.path === "/view" && req.method === "GET") {
      if (req.query.get("type") !== "output") return this.server.violation("view: type must be output");
      const file = this.files.get(`${req.query.get("subfolder") ?? ""}/${req.query.get("filename")}`);
      return file
        ? { status: 200, headers: { "content-type": "image/png" }, body: file }
        : { status: 404, body: "not found" };
    }
    return this.server.violation(`unknown ${req.method} ${req.path}`);
  }

  private async upload(req: Recorded): Promise<Reply> {
    const rules = new Rules();
    rules.check(String(req.headers["content-type"]).startsWith("multipart/form-data"), "upload: multipart body");
    const form = await formOf(req);
    const file = form.get("image");
    rules.check(file instanceof File && file.name, "upload: a file part named image with a file name");
    rules.check(
      [null, "input", "temp", "output"].includes(form.get("type") as string | null),
      "upload: type input|temp|output",
    );
    rules.check(
      [null, "true", "false", "1", "0"].includes(form.get("overwrite") as string | null),
      "upload: overwrite true|false",
    );
    const size =
      file instanceof File ? await sizeOf(Buffer.from(await file.arrayBuffer())).catch(() => undefined) : undefined;
    rules.check(size, "upload: not a decodable image");
    if (rules.broken.length || !size || !(file instanceof File)) return this.server.violation(rules.broken.join("; "));
    this.uploads.set(file.name, size);
    return { status: 200, body: { name: file.name, subfolder: "", type: "input" } };
  }

  private async prompt(req: Recorded): Promise<Reply> {
    const rules = new Rules();
    const body = jsonOf<{ prompt?: Graph; client_id?: unknown }>(req);
    rules.check(typeof body.client_id === "string", "prompt: client_id");
    const graph = body.prompt ?? {};
    rules.check(!JSON.stringify(graph).includes("{{"), "prompt: an unfilled {{placeholder}} was sent");
    const nodeErrors: Record<string, unknown> = {};
    for (const [id, node] of Object.entries(graph)) {
      const required = NODES[node.class_type];
      rules.check(required, `prompt: node ${id} has unknown class_type ${node.class_type}`);
      for (const input of required ?? [])
        rules.check(input in node.inputs, `prompt: node ${id} (${node.class_type}) lacks ${input}`);
      for (const value of Object.values(node.inputs))
        if (isLink(value)) rules.check(graph[value[0]], `prompt: node ${id} links to missing node ${value[0]}`);
      const bad = (input: string, list: string[]) => {
        nodeErrors[id] = {
          errors: [
            {
              type: "value_not_in_list",
              message: "Value not in list",
              details: `${input}: '${String(node.inputs[input])}' not in ${JSON.stringify(list)}`,
              extra_info: {},
            },
          ],
          dependent_outputs: ["9"],
          class_type: node.class_type,
        };
      };
      if (node.class_type === "CheckpointLoaderSimple" && !CHECKPOINTS.includes(String(node.inputs.ckpt_name)))
        bad("ckpt_name", CHECKPOINTS);
      if (node.class_type === "UpscaleModelLoader" && !UPSCALE_MODELS.includes(String(node.inputs.model_name)))
        bad("model_name", UPSCALE_MODELS);
      if (node.class_type === "LoadImage" || node.class_type === "LoadImageMask") {
        rules.check(
          this.uploads.has(String(node.inputs.image)),
          `prompt: ${node.class_type} refers to ${String(node.inputs.image)}, which was not uploaded`,
        );
      }
      if (node.class_type === "KSampler") {
        const k = node.inputs;
        rules.check(Number.isInteger(k.seed) && Number(k.seed) >= 0, "KSampler: seed must be a whole number ≥ 0");
        rules.check(Number.isInteger(k.steps) && Number(k.steps) >= 1, "KSampler: steps ≥ 1");
        rules.check(typeof k.denoise === "number" && k.denoise >= 0 && k.denoise <= 1, "KSampler: denoise 0-1");
      }
      if (node.class_type === "EmptyLatentImage") {
        rules.check(
          [node.inputs.width, node.inputs.height].every((v) => Number.isInteger(v) && Number(v) % 8 === 0),
          "EmptyLatentImage: sizes multiple of 8",
        );
      }
    }
    const outputs = Object.entries(graph).filter(([, n]) => n.class_type === "SaveImage");
    rules.check(outputs.length > 0, "prompt: no output node");
    if (rules.broken.length) return this.server.violation(rules.broken.join("; "));
    if (Object.keys(nodeErrors).length) {
      return {
        status: 400,
        body: {
          error: {
            type: "prompt_outputs_failed_validation",
            message: "Prompt outputs failed validation",
            details: "",
            extra_info: {},
          },
          node_errors: nodeErrors,
        },
      };
    }
    this.queued.push(graph);
    const id = randomUUID();
    const saved: string[] = [];
    for (const [nodeId] of outputs) {
      const shape = this.shape(graph, (graph[nodeId]!.inputs.images as [string, number])[0]);
      for (let i = 0; i < shape.batch; i++) {
        const name = `api-credits_${String(this.files.size + 1).padStart(5, "0")}_.png`;
        this.files.set(`/${name}`, await makePng(shape.width, shape.height));
        saved.push(name);
      }
    }
    this.runs.set(id, {
      polls: 1,
      saved,
      error: this.failNextRun ? "CUDA out of memory. Tried to allocate 2.00 GiB" : undefined,
    });
    this.failNextRun = false;
    return { status: 200, body: { prompt_id: id, number: this.queued.length, node_errors: {} } };
  }

  private history(id: string): Reply {
    const run = this.runs.get(id);
    if (!run || run.polls-- > 0) return { status: 200, body: {} };
    const status = run.error
      ? {
          status_str: "error",
          completed: false,
          messages: [
            ["execution_start", { prompt_id: id }],
            [
              "execution_error",
              {
                prompt_id: id,
                node_id: "3",
                node_type: "KSampler",
                exception_message: run.error,
                exception_type: "torch.OutOfMemoryError",
              },
            ],
          ],
        }
      : { status_str: "success", completed: true, messages: [["execution_success", { prompt_id: id }]] };
    const outputs = run.error
      ? {}
      : { "9": { images: run.saved.map((filename) => ({ filename, subfolder: "", type: "output" })) } };
    return { status: 200, body: { [id]: { prompt: [], outputs, status, meta: {} } } };
  }

  /** Size and batch of a node's IMAGE or LATENT output, following the graph back to its sources. */
  private shape(graph: Graph, id: string): Shape {
    const node = graph[id]!;
    const input = (name: string) => this.shape(graph, (node.inputs[name] as [string, number])[0]);
    switch (node.class_type) {
      case "EmptyLatentImage":
        return {
          width: Number(node.inputs.width) / 16,
          height: Number(node.inputs.height) / 16,
          batch: Number(node.inputs.batch_size),
        };
      case "LoadImage":
        return { ...this.uploads.get(String(node.inputs.image))!, batch: 1 };
      case "ImagePadForOutpaint": {
        const s = input("image");
        const pad = (k: string) => Number(node.inputs[k]);
        return {
          width: s.width + pad("left") + pad("right"),
          height: s.height + pad("top") + pad("bottom"),
          batch: s.batch,
        };
      }
      case "RepeatLatentBatch":
        return { ...input("samples"), batch: Number(node.inputs.amount) };
      case "ImageUpscaleWithModel": {
        const s = input("image");
        return { width: s.width * 4, height: s.height * 4, batch: s.batch };
      }
      case "ImageScale":
        return { width: Number(node.inputs.width), height: Number(node.inputs.height), batch: input("image").batch };
      case "KSampler":
        return input("latent_image");
      case "VAEDecode":
      case "SetLatentNoiseMask":
        return input("samples");
      case "VAEEncode":
      case "VAEEncodeForInpaint":
        return input("pixels");
      default:
        throw new Error(`cannot size ${node.class_type}`);
    }
  }
}
