import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import inpaint from "./comfyui-workflows/inpaint.json" with { type: "json" };
import outpaint from "./comfyui-workflows/outpaint.json" with { type: "json" };
import txt2img from "./comfyui-workflows/txt2img.json" with { type: "json" };
import upscale from "./comfyui-workflows/upscale.json" with { type: "json" };

/** A ComfyUI workflow in API format: node id → `{class_type, inputs}`; links are `[nodeId, outputIndex]`. */
export type Workflow = Record<string, { class_type: string; inputs: Record<string, unknown>; _meta?: unknown }>;

export type WorkflowKind = "txt2img" | "inpaint" | "outpaint" | "upscale";
export type Workflows = Record<WorkflowKind, Workflow>;

/**
 * Placeholders a template may use, per workflow. A JSON string that is exactly `"{{NAME}}"` becomes the typed value
 * (a number stays a number); `{{NAME}}` inside a longer string is replaced as text. Images are uploaded first and
 * the placeholder receives the uploaded file name.
 */
export const PLACEHOLDERS: Record<WorkflowKind, { required: string[]; optional: string[] }> = {
  txt2img: {
    required: ["PROMPT"],
    optional: ["NEGATIVE_PROMPT", "SEED", "STEPS", "CFG", "WIDTH", "HEIGHT", "BATCH_SIZE", "CHECKPOINT"],
  },
  inpaint: {
    required: ["IMAGE", "MASK"],
    optional: [
      "PROMPT",
      "NEGATIVE_PROMPT",
      "SEED",
      "STEPS",
      "CFG",
      "BATCH_SIZE",
      "CHECKPOINT",
      "DENOISE",
      "WIDTH",
      "HEIGHT",
    ],
  },
  outpaint: {
    required: ["IMAGE", "PAD_LEFT", "PAD_TOP", "PAD_RIGHT", "PAD_BOTTOM"],
    optional: ["PROMPT", "NEGATIVE_PROMPT", "SEED", "STEPS", "CFG", "BATCH_SIZE", "CHECKPOINT", "WIDTH", "HEIGHT"],
  },
  upscale: {
    required: ["IMAGE"],
    optional: ["UPSCALE_MODEL", "FACTOR", "TARGET_WIDTH", "TARGET_HEIGHT", "WIDTH", "HEIGHT"],
  },
};

const SHIPPED: Workflows = { txt2img, inpaint, outpaint, upscale } as Workflows;
const TOKEN = /\{\{([A-Z0-9_]+)\}\}/g;

/** The shipped templates, each replaced by `{dir}/{kind}.json` when the operator's directory has one. */
export function loadWorkflows(dir?: string): Workflows {
  const workflows = { ...SHIPPED };
  for (const kind of Object.keys(SHIPPED) as WorkflowKind[]) {
    const file = dir ? path.join(dir, `${kind}.json`) : undefined;
    if (file && existsSync(file)) {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(file, "utf8"));
      } catch (error) {
        throw new Error(`COMFYUI_WORKFLOWS_DIR: ${file} is not valid JSON: ${(error as Error).message}`);
      }
      workflows[kind] = checkWorkflow(kind, json, file);
    } else {
      checkWorkflow(kind, SHIPPED[kind], `shipped ${kind}.json`);
    }
  }
  return workflows;
}

/** Refuses a template that is not in API format or that uses placeholders the workflow cannot fill. */
function checkWorkflow(kind: WorkflowKind, json: unknown, source: string): Workflow {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new Error(`${source}: a ComfyUI workflow in API format is an object of nodes ("Save (API)" in ComfyUI)`);
  }
  for (const [id, node] of Object.entries(json)) {
    const n = node as { class_type?: unknown; inputs?: unknown };
    if (typeof n?.class_type !== "string" || typeof n.inputs !== "object" || n.inputs === null) {
      throw new Error(`${source}: node ${id} needs a class_type and inputs (is this the API format?)`);
    }
  }
  const used = new Set([...JSON.stringify(json).matchAll(TOKEN)].map((m) => m[1]!));
  const { required, optional } = PLACEHOLDERS[kind];
  const unknown = [...used].filter((p) => !required.includes(p) && !optional.includes(p));
  if (unknown.length) throw new Error(`${source}: unknown placeholder(s) ${unknown.map((p) => `{{${p}}}`).join(", ")}`);
  const missing = required.filter((p) => !used.has(p));
  if (missing.length) throw new Error(`${source}: needs placeholder(s) ${missing.map((p) => `{{${p}}}`).join(", ")}`);
  return json as Workflow;
}

/** A copy of the template with every placeholder replaced. */
export function fillWorkflow(template: Workflow, values: Record<string, string | number>): Workflow {
  const fill = (value: unknown): unknown => {
    if (typeof value === "string") {
      const whole = /^\{\{([A-Z0-9_]+)\}\}$/.exec(value);
      if (whole) return lookup(whole[1]!);
      return value.replace(TOKEN, (_, name: string) => String(lookup(name)));
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    }
    return value;
  };
  const lookup = (name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`ComfyUI workflow placeholder {{${name}}} has no value`);
    return v;
  };
  return fill(template) as Workflow;
}
