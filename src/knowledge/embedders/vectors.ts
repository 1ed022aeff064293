import { ApiError } from "../../errors.js";

/**
 * Scales a vector to unit length. Every adapter ends here, whatever the model promises: a vector that cannot be
 * normalised (all zeros, NaN) means the upstream answer is broken and is refused rather than indexed.
 */
export function toUnitVector(values: ArrayLike<number>, provider: string): Float32Array {
  const out = Float32Array.from(values);
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += out[i]! * out[i]!;
  const norm = Math.sqrt(sum);
  if (!Number.isFinite(norm) || norm === 0) {
    throw new ApiError("PROVIDER_ERROR", `${provider} returned a vector that cannot be normalised`);
  }
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

/** Checks a provider's vector against the dimensions the adapter announced, then normalises it. */
export function checkedUnitVector(values: unknown, dimensions: number, provider: string): Float32Array {
  if (!Array.isArray(values) && !(values instanceof Float32Array)) {
    throw new ApiError("PROVIDER_ERROR", `${provider} returned an embedding that is not a list of numbers`);
  }
  if (values.length !== dimensions) {
    throw new ApiError("PROVIDER_ERROR", `${provider} returned ${values.length} dimensions, expected ${dimensions}`);
  }
  for (const v of values) {
    if (typeof v !== "number") throw new ApiError("PROVIDER_ERROR", `${provider} returned a non-numeric embedding`);
  }
  return toUnitVector(values as ArrayLike<number>, provider);
}

/** OpenAI's `encoding_format: "base64"`: the little-endian float32 bytes of the vector. */
export function decodeBase64Floats(encoded: string, provider: string): Float32Array {
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.length % 4 !== 0) throw new ApiError("PROVIDER_ERROR", `${provider} returned a truncated base64 vector`);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

/** Throws the signal's reason when it has fired: adapters call it between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

/**
 * Splits items into consecutive groups that respect a provider's per-request limits: at most `maxItems` items and
 * at most `maxCost` in total (an item that alone exceeds `maxCost` travels alone; callers truncate before packing).
 */
export function packBatches<T>(items: T[], limits: { maxItems: number; maxCost: number }, cost: (item: T) => number) {
  const batches: { start: number; items: T[] }[] = [];
  let current: T[] = [];
  let currentCost = 0;
  let start = 0;
  items.forEach((item, index) => {
    const c = cost(item);
    if (current.length > 0 && (current.length >= limits.maxItems || currentCost + c > limits.maxCost)) {
      batches.push({ start, items: current });
      current = [];
      currentCost = 0;
      start = index;
    }
    current.push(item);
    currentCost += c;
  });
  if (current.length > 0) batches.push({ start, items: current });
  return batches;
}

/** Runs `task` over `inputs` with at most `limit` in flight, keeping results in input order; the first failure wins. */
export async function mapLimited<T, R>(inputs: T[], limit: number, task: (input: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(inputs.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < inputs.length) {
      const index = next++;
      try {
        results[index] = await task(inputs[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}
