/**
 * Telea's fast-marching inpainting ("An Image Inpainting Technique Based on the Fast Marching Method", 2004): the
 * hole is filled from its boundary inwards in order of distance, each pixel from a weighted average of known pixels
 * within `radius`, each extrapolated along its own gradient, weighted toward the marching direction, nearness and
 * equal distance from the boundary. Smooth areas and edges that cross the hole continue; texture does not (that is
 * PatchMatch's job, which starts from this).
 */

const KNOWN = 0;
const BAND = 1;
const INSIDE = 2;

/** Fills `hole` pixels (non-zero) of an interleaved float image in place. */
export function inpaintTelea(
  image: Float32Array,
  width: number,
  height: number,
  channels: number,
  hole: Uint8Array,
  radius = 5,
): void {
  const n = width * height;
  const flag = new Uint8Array(n);
  const time = new Float32Array(n);
  const heap = new MinHeap(n);
  for (let p = 0; p < n; p++) {
    flag[p] = hole[p] ? INSIDE : KNOWN;
    time[p] = hole[p] ? 1e6 : 0;
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (flag[p] !== KNOWN) continue;
      const touches =
        (x > 0 && flag[p - 1] === INSIDE) ||
        (x < width - 1 && flag[p + 1] === INSIDE) ||
        (y > 0 && flag[p - width] === INSIDE) ||
        (y < height - 1 && flag[p + width] === INSIDE);
      if (touches) {
        flag[p] = BAND;
        heap.push(p, 0);
      }
    }
  }
  const value = new Float64Array(channels);
  const known = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && flag[y * width + x] !== INSIDE;
  const solve = (x1: number, y1: number, x2: number, y2: number): number => {
    const a = known(x1, y1) ? time[y1 * width + x1]! : 1e6;
    const b = known(x2, y2) ? time[y2 * width + x2]! : 1e6;
    if (a < 1e6 && b < 1e6) {
      const d = 2 - (a - b) * (a - b);
      if (d > 0) {
        const s = (a + b + Math.sqrt(d)) / 2;
        if (s >= a && s >= b) return s;
      }
    }
    return Math.min(a, b) + 1;
  };

  while (heap.size > 0) {
    const p = heap.pop();
    if (flag[p] === KNOWN) continue;
    flag[p] = KNOWN;
    const px = p % width;
    const py = (p - px) / width;
    for (const [qx, qy] of [
      [px - 1, py],
      [px + 1, py],
      [px, py - 1],
      [px, py + 1],
    ] as const) {
      if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
      const q = qy * width + qx;
      if (flag[q] !== INSIDE) continue;
      time[q] = Math.min(
        solve(qx - 1, qy, qx, qy - 1),
        solve(qx + 1, qy, qx, qy - 1),
        solve(qx - 1, qy, qx, qy + 1),
        solve(qx + 1, qy, qx, qy + 1),
      );
      fillPixel(qx, qy);
      flag[q] = BAND;
      heap.push(q, time[q]!);
    }
  }

  function fillPixel(qx: number, qy: number): void {
    const q = qy * width + qx;
    const gradT = (d: number, step: number, before: boolean, after: boolean) =>
      before && after
        ? (time[q + step]! - time[q - step]!) / 2
        : after
          ? time[q + step]! - time[q]!
          : before
            ? time[q]! - time[q - step]!
            : d;
    const tx = gradT(0, 1, known(qx - 1, qy), known(qx + 1, qy));
    const ty = gradT(0, width, known(qx, qy - 1), known(qx, qy + 1));
    value.fill(0);
    let total = 0;
    for (let ry = Math.max(0, qy - radius); ry <= Math.min(height - 1, qy + radius); ry++) {
      for (let rx = Math.max(0, qx - radius); rx <= Math.min(width - 1, qx + radius); rx++) {
        const r = ry * width + rx;
        if (flag[r] === INSIDE || r === q) continue;
        const vx = qx - rx;
        const vy = qy - ry;
        const len2 = vx * vx + vy * vy;
        if (len2 > radius * radius) continue;
        const len = Math.sqrt(len2);
        const dir = Math.max(Math.abs(vx * tx + vy * ty) / len, 1e-6);
        const weight = (dir * (1 / (1 + Math.abs(time[r]! - time[q]!)))) / (len2 * len);
        const left = known(rx - 1, ry) && known(rx + 1, ry);
        const up = known(rx, ry - 1) && known(rx, ry + 1);
        for (let c = 0; c < channels; c++) {
          const o = r * channels + c;
          const gx = left ? (image[o + channels]! - image[o - channels]!) / 2 : 0;
          const gy = up ? (image[o + width * channels]! - image[o - width * channels]!) / 2 : 0;
          value[c]! += weight * (image[o]! + gx * vx + gy * vy);
        }
        total += weight;
      }
    }
    for (let c = 0; c < channels; c++) {
      image[q * channels + c] = total > 0 ? Math.min(255, Math.max(0, value[c]! / total)) : 0;
    }
  }
}

/** Binary min-heap of pixel indices keyed by arrival time; stale entries are skipped by the caller. */
class MinHeap {
  private readonly items: Int32Array;
  private readonly keys: Float32Array;
  size = 0;
  constructor(capacity: number) {
    this.items = new Int32Array(capacity + 1);
    this.keys = new Float32Array(capacity + 1);
  }
  push(item: number, key: number): void {
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.items[i] = this.items[parent]!;
      this.keys[i] = this.keys[parent]!;
      i = parent;
    }
    this.items[i] = item;
    this.keys[i] = key;
  }
  pop(): number {
    const top = this.items[0]!;
    const lastItem = this.items[--this.size]!;
    const lastKey = this.keys[this.size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.keys[child + 1]! < this.keys[child]!) child++;
      if (this.keys[child]! >= lastKey) break;
      this.items[i] = this.items[child]!;
      this.keys[i] = this.keys[child]!;
      i = child;
    }
    this.items[i] = lastItem;
    this.keys[i] = lastKey;
    return top;
  }
}
