/** One scale of the inpainting pyramid: an interleaved float image and its hole (non-zero = unknown). */
export interface Level {
  image: Float32Array;
  hole: Uint8Array;
  width: number;
  height: number;
}

/** Halves the image until the hole is at most a patch deep, keeping only scales with some complete source patch. */
export function buildPyramid(base: Level, r: number): Level[] {
  const levels: Level[] = [];
  let level = base;
  for (;;) {
    if (validSources(level, r).length === 0) break;
    levels.push(level);
    if (holeDepth(level) <= r || Math.min(level.width, level.height) < 8 * (2 * r + 1)) break;
    level = downsample(level);
  }
  return levels;
}

export function downsample(fine: Level): Level {
  const width = Math.ceil(fine.width / 2);
  const height = Math.ceil(fine.height / 2);
  const channels = fine.image.length / (fine.width * fine.height);
  const image = new Float32Array(width * height * channels);
  const hole = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let count = 0;
      const p = y * width + x;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const fx = 2 * x + dx;
          const fy = 2 * y + dy;
          if (fx >= fine.width || fy >= fine.height) continue;
          const f = fy * fine.width + fx;
          // A coarse pixel is known only if all of its fine pixels are: holes grow, never shrink, going down.
          if (fine.hole[f]) hole[p] = 1;
          else {
            for (let c = 0; c < channels; c++) image[p * channels + c]! += fine.image[f * channels + c]!;
            count++;
          }
        }
      }
      if (count > 0) for (let c = 0; c < channels; c++) image[p * channels + c]! /= count;
    }
  }
  return { image, hole, width, height };
}

/** Largest chessboard distance from a hole pixel to the nearest known pixel (two-pass distance transform). */
export function holeDepth({ hole, width, height }: Level): number {
  const d = new Float32Array(width * height);
  for (let p = 0; p < d.length; p++) d[p] = hole[p] ? 1e9 : 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (x > 0) d[p] = Math.min(d[p]!, d[p - 1]! + 1);
      if (y > 0) {
        d[p] = Math.min(d[p]!, d[p - width]! + 1);
        if (x > 0) d[p] = Math.min(d[p]!, d[p - width - 1]! + 1);
        if (x < width - 1) d[p] = Math.min(d[p]!, d[p - width + 1]! + 1);
      }
    }
  }
  let depth = 0;
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const p = y * width + x;
      if (x < width - 1) d[p] = Math.min(d[p]!, d[p + 1]! + 1);
      if (y < height - 1) {
        d[p] = Math.min(d[p]!, d[p + width]! + 1);
        if (x < width - 1) d[p] = Math.min(d[p]!, d[p + width + 1]! + 1);
        if (x > 0) d[p] = Math.min(d[p]!, d[p + width - 1]! + 1);
      }
      depth = Math.max(depth, d[p]!);
    }
  }
  return depth;
}

/** Hole pixels per (2r+1)² window centred on each pixel, from a summed-area table; windows are clipped at borders. */
export function holeCounts({ hole, width, height }: Level, r: number): Int32Array {
  const sat = new Int32Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += hole[y * width + x]!;
      sat[(y + 1) * (width + 1) + x + 1] = sat[y * (width + 1) + x + 1]! + row;
    }
  }
  const counts = new Int32Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      counts[y * width + x] =
        sat[y1 * (width + 1) + x1]! -
        sat[y0 * (width + 1) + x1]! -
        sat[y1 * (width + 1) + x0]! +
        sat[y0 * (width + 1) + x0]!;
    }
  }
  return counts;
}

/** Centres of patches lying wholly inside the image and wholly outside the hole. */
export function validSources(level: Level, r: number): Int32Array {
  const counts = holeCounts(level, r);
  const out: number[] = [];
  for (let y = r; y < level.height - r; y++) {
    for (let x = r; x < level.width - r; x++) if (counts[y * level.width + x] === 0) out.push(y * level.width + x);
  }
  return Int32Array.from(out);
}

/** Starts a finer level's hole from the coarser level's fill, nearest-neighbour, before the first vote sharpens it. */
export function upsampleHole(coarse: Level, fine: Level, channels: number): void {
  for (let y = 0; y < fine.height; y++) {
    for (let x = 0; x < fine.width; x++) {
      const p = y * fine.width + x;
      if (!fine.hole[p]) continue;
      const c = Math.min(y >> 1, coarse.height - 1) * coarse.width + Math.min(x >> 1, coarse.width - 1);
      for (let ch = 0; ch < channels; ch++) fine.image[p * channels + ch] = coarse.image[c * channels + ch]!;
    }
  }
}
