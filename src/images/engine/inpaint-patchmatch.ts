import { buildPyramid, holeCounts, type Level, upsampleHole, validSources } from "./inpaint-pyramid.js";
import { inpaintTelea } from "./inpaint-telea.js";

/**
 * Exemplar-based inpainting in the manner of Wexler, Shechtman & Irani ("Space-Time Completion of Video", 2007) with
 * Barnes et al.'s PatchMatch (2009) as the nearest-neighbour search: at each scale of an image pyramid, every patch
 * that overlaps the hole is matched to its most similar patch of known pixels, and each hole pixel becomes the
 * similarity-weighted vote of the matched patches covering it; match and vote alternate. Coarse scales settle the
 * structure (the coarsest starts from Telea's fill), fine scales copy texture. Deterministic for a given seed.
 */
export interface PatchMatchOptions {
  /** Patch half-size: patches are (2r+1)². */
  radius?: number;
  seed?: number;
  shouldStop?: () => boolean;
}

interface Field {
  targets: Int32Array;
  /** Source patch centre (pixel index) per target. */
  nnf: Int32Array;
  dist: Float32Array;
}

/** Fills `hole` pixels (non-zero) of an interleaved float image in place. */
export function inpaintPatchMatch(
  image: Float32Array,
  width: number,
  height: number,
  channels: number,
  hole: Uint8Array,
  options: PatchMatchOptions = {},
): void {
  const r = options.radius ?? 3;
  const random = xorshift(options.seed ?? 0x9e3779b9);
  const levels = buildPyramid({ image, hole, width, height }, r);
  if (levels.length === 0) {
    inpaintTelea(image, width, height, channels, hole);
    return;
  }
  let coarser: { level: Level; field: Field } | undefined;
  for (let l = levels.length - 1; l >= 0; l--) {
    const level = levels[l]!;
    const sources = validSources(level, r);
    if (!coarser) inpaintTelea(level.image, level.width, level.height, channels, level.hole);
    else upsampleHole(coarser.level, level, channels);
    const field = initialField(level, r, sources, random, coarser);
    const em = coarser ? (l === 0 ? 2 : 3) : 6;
    for (let i = 0; i < em; i++) {
      if (options.shouldStop?.()) throw Object.assign(new Error("inpaint aborted"), { name: "AbortError" });
      const search = new Search(level, channels, r, sources, random);
      search.improve(field, coarser ? 2 : 3);
      vote(level, channels, r, field);
    }
    coarser = { level, field };
  }
}

function initialField(
  level: Level,
  r: number,
  sources: Int32Array,
  random: () => number,
  coarser?: { level: Level; field: Field },
): Field {
  const { width, height } = level;
  const counts = holeCounts(level, r);
  const targets: number[] = [];
  for (let p = 0; p < width * height; p++) if (counts[p]! > 0) targets.push(p);
  const field: Field = {
    targets: Int32Array.from(targets),
    nnf: new Int32Array(targets.length),
    dist: new Float32Array(targets.length).fill(Number.POSITIVE_INFINITY),
  };
  const isSource = new Uint8Array(width * height);
  for (const s of sources) isSource[s] = 1;
  const coarseSlot = coarser ? slotIndex(coarser.level, coarser.field) : undefined;
  for (let k = 0; k < targets.length; k++) {
    const p = targets[k]!;
    let source = -1;
    if (coarser && coarseSlot) {
      const x = p % width;
      const y = (p - x) / width;
      const cw = coarser.level.width;
      const slot = coarseSlot[Math.min(y >> 1, coarser.level.height - 1) * cw + Math.min(x >> 1, cw - 1)]!;
      if (slot >= 0) {
        const cs = coarser.field.nnf[slot]!;
        const sx = Math.min(width - r - 1, 2 * (cs % cw) + (x & 1));
        const sy = Math.min(height - r - 1, 2 * Math.floor(cs / cw) + (y & 1));
        if (isSource[sy * width + sx]) source = sy * width + sx;
      }
    }
    field.nnf[k] = source >= 0 ? source : sources[Math.floor(random() * sources.length)]!;
  }
  return field;
}

function slotIndex(level: Level, field: Field): Int32Array {
  const slot = new Int32Array(level.width * level.height).fill(-1);
  for (let k = 0; k < field.targets.length; k++) slot[field.targets[k]!] = k;
  return slot;
}

/** PatchMatch: propagation from scan neighbours and random search at halving radii, with early-out distances. */
class Search {
  private readonly isSource: Uint8Array;
  private readonly slot: Int32Array;
  constructor(
    private readonly level: Level,
    private readonly channels: number,
    private readonly r: number,
    sources: Int32Array,
    private readonly random: () => number,
  ) {
    this.isSource = new Uint8Array(level.width * level.height);
    for (const s of sources) this.isSource[s] = 1;
    this.slot = new Int32Array(level.width * level.height).fill(-1);
  }

  improve(field: Field, iterations: number): void {
    const { width, height } = this.level;
    const { targets, nnf, dist } = field;
    for (let k = 0; k < targets.length; k++) {
      this.slot[targets[k]!] = k;
      dist[k] = this.distance(targets[k]!, nnf[k]!, Number.POSITIVE_INFINITY);
    }
    for (let it = 0; it < iterations; it++) {
      const step = it % 2 === 0 ? 1 : -1;
      for (let i = 0; i < targets.length; i++) {
        const k = step === 1 ? i : targets.length - 1 - i;
        const p = targets[k]!;
        let best = nnf[k]!;
        let bestDist = dist[k]!;
        const tryCandidate = (s: number) => {
          if (s === best || s < 0 || s >= width * height || !this.isSource[s]) return;
          const d = this.distance(p, s, bestDist);
          if (d < bestDist) {
            bestDist = d;
            best = s;
          }
        };
        const x = p % width;
        for (const [neighbour, shift, inside] of [
          [p - step, step, step === 1 ? x > 0 : x < width - 1],
          [p - step * width, step * width, true],
        ] as const) {
          if (!inside || neighbour < 0 || neighbour >= width * height) continue;
          const slot = this.slot[neighbour]!;
          if (slot >= 0) tryCandidate(nnf[slot]! + shift);
        }
        for (let radius = Math.max(width, height); radius >= 1; radius >>= 1) {
          const bx = best % width;
          const by = (best - bx) / width;
          const cx = Math.min(width - 1, Math.max(0, bx + Math.round((this.random() * 2 - 1) * radius)));
          const cy = Math.min(height - 1, Math.max(0, by + Math.round((this.random() * 2 - 1) * radius)));
          tryCandidate(cy * width + cx);
        }
        nnf[k] = best;
        dist[k] = bestDist;
      }
    }
  }

  /** Sum of squared differences over the part of the target patch inside the image; stops once past `limit`. */
  private distance(target: number, source: number, limit: number): number {
    const { width, height, image } = this.level;
    const { r, channels } = this;
    const tx = target % width;
    const ty = (target - tx) / width;
    let d = 0;
    for (let dy = -r; dy <= r; dy++) {
      const y = ty + dy;
      if (y < 0 || y >= height) continue;
      for (let dx = -r; dx <= r; dx++) {
        const x = tx + dx;
        if (x < 0 || x >= width) continue;
        const t = (y * width + x) * channels;
        const s = (source + dy * width + dx) * channels;
        for (let c = 0; c < channels; c++) {
          const diff = image[t + c]! - image[s + c]!;
          d += diff * diff;
        }
      }
      if (d >= limit) return d;
    }
    return d;
  }
}

/** Each hole pixel becomes the weighted mean of what the matched patches covering it propose. */
function vote(level: Level, channels: number, r: number, field: Field): void {
  const { width, height, image, hole } = level;
  const area = (2 * r + 1) * (2 * r + 1) * channels;
  const sample = Array.from(field.dist.subarray(0, Math.min(field.dist.length, 20_000)), (d) => d / area).sort(
    (a, b) => a - b,
  );
  const sigma2 = (sample[Math.floor(sample.length * 0.75)] ?? 1) + 1;
  const acc = new Float32Array(width * height * channels);
  const weights = new Float32Array(width * height);
  for (let k = 0; k < field.targets.length; k++) {
    const p = field.targets[k]!;
    const s = field.nnf[k]!;
    const w = Math.exp(-Math.min(field.dist[k]! / area / (2 * sigma2), 50));
    const px = p % width;
    const py = (p - px) / width;
    for (let dy = -r; dy <= r; dy++) {
      const y = py + dy;
      if (y < 0 || y >= height) continue;
      for (let dx = -r; dx <= r; dx++) {
        const x = px + dx;
        if (x < 0 || x >= width) continue;
        const q = y * width + x;
        if (!hole[q]) continue;
        const src = (s + dy * width + dx) * channels;
        for (let c = 0; c < channels; c++) acc[q * channels + c]! += w * image[src + c]!;
        weights[q]! += w;
      }
    }
  }
  for (let q = 0; q < width * height; q++) {
    if (!hole[q] || weights[q]! <= 0) continue;
    for (let c = 0; c < channels; c++) image[q * channels + c] = acc[q * channels + c]! / weights[q]!;
  }
}

function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}
