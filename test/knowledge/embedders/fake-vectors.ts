import { createHash } from "node:crypto";

/**
 * The vector the fake providers return for a text: deterministic, derived from the text (and a salt such as the
 * task type), with components in [-1, 1) — not unit length, so normalisation by the adapter is visible.
 */
export function fakeVector(text: string, dimensions: number, salt = ""): number[] {
  const out: number[] = [];
  for (let block = 0; out.length < dimensions; block++) {
    const digest = createHash("sha256").update(`${salt}\u0000${block}\u0000${text}`).digest();
    for (let i = 0; i + 1 < digest.length && out.length < dimensions; i += 2) {
      out.push(digest.readUInt16LE(i) / 32768 - 1);
    }
  }
  return out;
}

export function unit(values: ArrayLike<number>): Float32Array {
  const v = Float32Array.from(values);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

export function norm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  return Math.sqrt(sum);
}

/** Largest absolute difference between two vectors of equal length. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
