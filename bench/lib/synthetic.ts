/** Deterministic synthetic corpora for latency benchmarks: Zipf-distributed pseudo-words and clustered vectors. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = "ka lo mi ne ru sa te vo zi pa de gu fo ha ji bu ce wy xo qua tri spe blo gra".split(" ");

export function vocabulary(size: number, random: () => number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const n = 2 + Math.floor(random() * 3);
    let w = "";
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

/** Samples word ranks with probability ∝ 1/rank (Zipf, s = 1), as in natural text. */
export function zipfSampler(n: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + 1);
    cdf[i] = sum;
  }
  return () => {
    const x = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

export function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  const inv = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
  return v;
}

/** Unit vectors around `clusters` random centres (topics), so neighbours exist as they do in real embeddings. */
export function clusteredVectors(count: number, dims: number, clusters: number, spread: number, random: () => number) {
  const centres = Array.from({ length: clusters }, () =>
    unit(Float32Array.from({ length: dims }, () => gaussian(random))),
  );
  return Array.from({ length: count }, () => {
    const c = centres[Math.floor(random() * clusters)]!;
    return unit(Float32Array.from(c, (x) => x + spread * gaussian(random)));
  });
}
