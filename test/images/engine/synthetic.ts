import type { Raster } from "../../../src/images/engine/raster.js";

/** Deterministic pseudo-random numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Capsule {
  ax: number;
  ay: number;
  bx: number;
  by: number;
  radius: number;
  colour: [number, number, number];
}

/**
 * A natural-ish test picture drawn resolution-independently (so a 2048-px and a 128-px rendering show the same scene):
 * smooth colour gradients, soft discs, hard-edged bars and rows of dark text-like strokes, anti-aliased analytically.
 */
export function naturalScene(size: number, seed = 7): Raster {
  const random = seeded(seed);
  const shapes: Capsule[] = [];
  for (let i = 0; i < 6; i++) {
    const x = random();
    const y = random();
    shapes.push({
      ax: x,
      ay: y,
      bx: x,
      by: y,
      radius: 0.04 + random() * 0.08,
      colour: [random() * 255, random() * 255, random() * 255],
    });
  }
  for (let i = 0; i < 5; i++) {
    const x = random();
    const y = random();
    const angle = random() * Math.PI;
    shapes.push({
      ax: x,
      ay: y,
      bx: x + Math.cos(angle) * 0.4,
      by: y + Math.sin(angle) * 0.4,
      radius: 0.006 + random() * 0.01,
      colour: [random() * 255, random() * 255, random() * 255],
    });
  }
  // Text: rows of glyphs, each two or three strokes inside a cell.
  for (let row = 0; row < 4; row++) {
    const y = 0.55 + row * 0.09;
    for (let g = 0; g < 14; g++) {
      const x = 0.08 + g * 0.06;
      const strokes = 2 + Math.floor(random() * 2);
      for (let s = 0; s < strokes; s++) {
        shapes.push({
          ax: x + random() * 0.04,
          ay: y + random() * 0.05,
          bx: x + random() * 0.04,
          by: y + random() * 0.05,
          radius: 0.0035,
          colour: [20, 20, 30],
        });
      }
    }
  }
  const background = paint(size, size, (i, j) => {
    const u = (i + 0.5) / size;
    const v = (j + 0.5) / size;
    return [
      90 + 120 * u + 25 * Math.sin(7 * v + 3 * u),
      140 - 60 * v + 30 * Math.cos(5 * u * v + 1),
      170 + 50 * Math.sin(4 * u) * Math.cos(3 * v),
    ];
  });
  const rgb = Float32Array.from(background.data);
  const px = 1 / size;
  for (const s of shapes) {
    // Only the shape's bounding box (plus a pixel of anti-aliasing) can change.
    const reach = s.radius + 2 * px;
    const i0 = Math.max(0, Math.floor((Math.min(s.ax, s.bx) - reach) * size));
    const i1 = Math.min(size - 1, Math.ceil((Math.max(s.ax, s.bx) + reach) * size));
    const j0 = Math.max(0, Math.floor((Math.min(s.ay, s.by) - reach) * size));
    const j1 = Math.min(size - 1, Math.ceil((Math.max(s.ay, s.by) + reach) * size));
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const d = segmentDistance((i + 0.5) * px, (j + 0.5) * px, s);
        const coverage = Math.min(1, Math.max(0, 0.5 - (d - s.radius) / px));
        if (coverage <= 0) continue;
        const o = (j * size + i) * 3;
        for (let c = 0; c < 3; c++) rgb[o + c]! += (s.colour[c]! - rgb[o + c]!) * coverage;
      }
    }
  }
  return {
    data: Uint8Array.from(rgb, (x) => Math.round(Math.min(255, Math.max(0, x)))),
    width: size,
    height: size,
    channels: 3,
  };
}

function segmentDistance(u: number, v: number, s: Capsule): number {
  const dx = s.bx - s.ax;
  const dy = s.by - s.ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((u - s.ax) * dx + (v - s.ay) * dy) / len2));
  return Math.hypot(u - s.ax - t * dx, v - s.ay - t * dy);
}

/** A raster from a colour function of the pixel position. */
export function paint(
  width: number,
  height: number,
  colour: (x: number, y: number) => [number, number, number],
): Raster {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y);
      const o = (y * width + x) * 3;
      data[o] = Math.round(Math.min(255, Math.max(0, r)));
      data[o + 1] = Math.round(Math.min(255, Math.max(0, g)));
      data[o + 2] = Math.round(Math.min(255, Math.max(0, b)));
    }
  }
  return { data, width, height, channels: 3 };
}

/** Peak signal-to-noise ratio in dB between two same-sized 8-bit rasters (all channels). */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  const mse = sum / a.length;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}
