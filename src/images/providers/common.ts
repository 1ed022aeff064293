import { z } from "zod";
import { ApiError } from "../../errors.js";
import { providerFetch, readJson } from "../../lib/provider-http.js";
import type {
  AspectRatio,
  Capability,
  EditRequest,
  GeneratedImage,
  GenerateRequest,
  ProviderContext,
  ProviderResult,
} from "./provider.js";

/** Network knobs every adapter takes: per-attempt timeout, retries, and how long an asynchronous job may be polled. */
export interface ProviderOptions {
  timeoutMs: number;
  attempts: number;
  backoffMs: number;
  pollIntervalMs: number;
  maxWaitMs: number;
}

export const DEFAULT_PROVIDER_OPTIONS: ProviderOptions = {
  timeoutMs: 120_000,
  attempts: 3,
  backoffMs: 500,
  pollIntervalMs: 1_000,
  maxWaitMs: 600_000,
};

/** providerFetch bound to one provider's name and options, plus the polling loop for asynchronous jobs. */
export class ProviderHttp {
  constructor(
    readonly provider: string,
    readonly options: ProviderOptions,
  ) {}

  fetch(url: string, init: RequestInit, ctx: ProviderContext): Promise<Response> {
    return providerFetch(url, init, {
      provider: this.provider,
      attempts: this.options.attempts,
      timeoutMs: this.options.timeoutMs,
      backoffMs: this.options.backoffMs,
      signal: ctx.signal,
    });
  }

  /** A JSON answer from a 2xx response; anything else becomes PROVIDER_ERROR via `onError` or a generic message. */
  async json<T>(
    url: string,
    init: RequestInit,
    ctx: ProviderContext,
    onError?: (res: Response, body: string) => ApiError,
  ): Promise<T> {
    const res = await this.fetch(url, init, ctx);
    if (!res.ok) {
      const body = await res.text().catch(() => "");
      throw onError?.(res, body) ?? this.error(res.status, body);
    }
    return readJson<T>(res, this.provider);
  }

  error(status: number, body: string, detail?: string): ApiError {
    const text = detail ?? body.slice(0, 300);
    return new ApiError("PROVIDER_ERROR", `${this.provider} answered ${status}${text ? `: ${text}` : ""}`, {
      upstreamStatus: status,
    });
  }

  /** Calls `check` every pollIntervalMs until it returns a value, the job's deadline passes, or the caller aborts. */
  async poll<T>(ctx: ProviderContext, what: string, check: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + this.options.maxWaitMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() + this.options.pollIntervalMs > deadline) {
        throw new ApiError(
          "PROVIDER_TIMEOUT",
          `${this.provider}: ${what} did not finish within ${this.options.maxWaitMs} ms`,
        );
      }
      await sleep(this.options.pollIntervalMs, ctx.signal, this.provider);
    }
  }
}

function sleep(ms: number, signal: AbortSignal, provider: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => new ApiError("PROVIDER_TIMEOUT", `${provider}: the request was cancelled`);
    if (signal.aborted) return reject(cancelled());
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The refusal for an operation the configured provider does not offer; nothing was sent, nothing is charged. */
export function unsupported(provider: string, capability: Capability): ApiError {
  return new ApiError(
    "PROVIDER_NOT_CONFIGURED",
    `the configured image provider (${provider}) cannot do ${capability}; configure a provider that can`,
    { provider, capability },
  );
}

export function contentFiltered(provider: string, detail: string, filtered = 1): ApiError {
  return new ApiError("CONTENT_FILTERED", `${provider}: ${detail}`, { filtered });
}

function invalid(detail: string, field?: string): ApiError {
  return new ApiError("VALIDATION_FAILED", detail, field ? { field } : {});
}

/**
 * Closes an operation: images with the filtered count, or the error the port promises when nothing came back —
 * CONTENT_FILTERED when a safety filter took every image, PROVIDER_ERROR when the provider simply returned none.
 */
export function finishResult(
  provider: string,
  model: string,
  images: GeneratedImage[],
  filtered: number,
  why?: string,
): ProviderResult {
  if (images.length > 0) return { images, filtered, model };
  if (filtered > 0) throw contentFiltered(provider, why ?? "the safety filter refused every image", filtered);
  throw new ApiError("PROVIDER_ERROR", `${provider} returned no image${why ? ` (${why})` : ""}`);
}

/** Refuses what the adapter cannot do before anything is sent. */
export function checkGenerate(provider: string, capabilities: ReadonlySet<Capability>, request: GenerateRequest) {
  if (!capabilities.has("generate")) throw unsupported(provider, "generate");
  if (request.size === "2K" && !capabilities.has("generate.2k")) throw unsupported(provider, "generate.2k");
}

/** Capability, mask and outpaint checks shared by every adapter, so a bad edit costs no upstream call. */
export function checkEdit(provider: string, capabilities: ReadonlySet<Capability>, request: EditRequest) {
  if (!capabilities.has(`edit.${request.mode}`)) throw unsupported(provider, `edit.${request.mode}`);
  const { image, mask } = request;
  if ((request.mode === "inpaint" || request.mode === "remove") && !mask) {
    throw invalid(`a mask is required for ${request.mode}`, "mask");
  }
  if (mask && (mask.width !== image.width || mask.height !== image.height)) {
    throw invalid(
      `mask is ${mask.width}×${mask.height} but the image is ${image.width}×${image.height}; they must be the same size`,
      "mask",
    );
  }
  if (request.mode === "outpaint") {
    const pads = request.outpaint;
    const values = pads ? [pads.left, pads.right, pads.top, pads.bottom] : [];
    if (!pads || values.some((v) => !Number.isInteger(v) || v < 0) || values.every((v) => v === 0)) {
      throw invalid("outpaint needs non-negative whole pixel counts with at least one side above zero", "outpaint");
    }
  }
  if ((request.mode === "instruct" || request.mode === "inpaint") && !request.prompt?.trim()) {
    throw invalid(`a prompt is required for ${request.mode}`, "prompt");
  }
}

export function ratioOf(aspectRatio: string): number {
  const [w, h] = aspectRatio.split(":").map(Number);
  return w! / h!;
}

/** The allowed ratio closest to `target` (compared on a log scale, so 2:1 and 1:2 are equally far from 1:1). */
export function nearestAspectRatio<T extends string>(target: AspectRatio | number, allowed: readonly T[]): T {
  const want = typeof target === "number" ? target : ratioOf(target);
  let best = allowed[0]!;
  for (const candidate of allowed) {
    if (Math.abs(Math.log(ratioOf(candidate) / want)) < Math.abs(Math.log(ratioOf(best) / want))) best = candidate;
  }
  return best;
}

/** Width and height near `pixels` in total with the given ratio, each a multiple of `multiple`. */
export function dimensionsFor(
  aspectRatio: AspectRatio,
  pixels: number,
  multiple = 64,
): { width: number; height: number } {
  const ratio = ratioOf(aspectRatio);
  const round = (v: number) => Math.max(multiple, Math.round(v / multiple) * multiple);
  return { width: round(Math.sqrt(pixels * ratio)), height: round(Math.sqrt(pixels / ratio)) };
}

/** A random seed in [0, 2^31) for providers that want one explicitly; seeds vary per image of a batch. */
export function seedFor(seed: number | undefined, index: number, max = 2_147_483_647): number {
  const base = seed ?? Math.floor(Math.random() * max);
  return (base + index) % max;
}

/** Runs `count` single-image calls at once; keeps what succeeded, and rethrows only when every call failed. */
export async function eachImage<T>(count: number, call: (index: number) => Promise<T>): Promise<T[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, (_, i) => call(i)));
  const ok = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  if (ok.length === 0) throw (settled[0] as PromiseRejectedResult).reason;
  return ok;
}

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** An optional trimmed string; an empty variable counts as unset. */
export const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());
/** A required variable, with a message that says so. */
export const requiredText = z.preprocess(blankToUndefined, z.string({ error: "is required" }).trim().min(1));
/** An optional http(s) URL without its trailing slash. */
export const optionalUrl = z.preprocess(
  blankToUndefined,
  z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .transform((v) => v.replace(/\/+$/, ""))
    .optional(),
);

/** Parses one provider's variable group; a bad or missing value throws an Error naming the variable. */
export function parseProviderEnv<S extends z.ZodType>(
  provider: string,
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(environment)"}: ${i.message}`);
  throw new Error(`the ${provider} image provider is not configured correctly:\n${lines.join("\n")}`);
}
