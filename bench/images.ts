/**
 * Upscaling benchmark: `npx tsx bench/images.ts [--skip-medium] [--stall-only]`.
 *
 * A 2048×2048 synthetic natural-ish original (gradients, discs, bars, text-like strokes) is downscaled (Lanczos) to
 * 512×512; each method upscales that ×2 and ×4, and the result is scored against the original at the output size
 * (for ×2, the original downscaled to 1024). Every case runs in its own child process, so its time and peak memory
 * (maxRSS, and the RSS added by the work) are its own. A last pair of cases measures the longest event-loop stall
 * while a learned ×4 runs on the main thread versus on the engine's worker thread.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { EngineWorker } from "../src/images/engine/engine-pool.js";
import { upscaleImage } from "../src/images/engine/upscale.js";
import { naturalScene, psnr } from "../test/images/engine/synthetic.js";

type Method = "lanczos3" | "esrgan-slim" | "esrgan-medium" | "stall-main" | "stall-worker";
interface Case {
  method: Method;
  factor: 2 | 4;
  input: string;
  output: string;
}
interface CaseResult {
  loadMs: number;
  runMs: number;
  baseRssMb: number;
  maxRssMb: number;
  maxStallMs?: number;
}

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === "--case") {
  process.stdout.write(`${JSON.stringify(await runCase(JSON.parse(process.argv[3]!) as Case))}\n`);
  process.exit(0);
}

async function runCase(c: Case): Promise<CaseResult> {
  const input = readFileSync(c.input);
  const baseRssMb = process.memoryUsage().rss / 2 ** 20;
  const rssMb = () => process.resourceUsage().maxRSS / 1024;
  if (c.method === "stall-main" || c.method === "stall-worker") {
    const engine = new EngineWorker();
    const run = () =>
      c.method === "stall-main"
        ? upscaleImage(input, { factor: c.factor, method: "learned", variant: "slim" })
        : engine.run({ kind: "upscale", bytes: input, factor: c.factor, variant: "slim", maxInputPixels: 40_000_000 });
    await run(); // warm: models loaded, code compiled
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const t = performance.now();
    await run();
    const runMs = performance.now() - t;
    delay.disable();
    await engine.close();
    return { loadMs: 0, runMs, baseRssMb, maxRssMb: rssMb(), maxStallMs: delay.max / 1e6 };
  }
  const method = c.method === "lanczos3" ? "fast" : "learned";
  const variant = c.method === "esrgan-medium" ? "medium" : "slim";
  let loadMs = 0;
  if (method === "learned") {
    // Load the model on a 16-px image so the timed run is the upscale alone.
    const tiny = await sharp(input).resize(16, 16).png().toBuffer();
    const t = performance.now();
    await upscaleImage(tiny, { factor: c.factor, method, variant });
    loadMs = performance.now() - t;
  }
  const t = performance.now();
  const out = await upscaleImage(input, { factor: c.factor, method, variant });
  const runMs = performance.now() - t;
  writeFileSync(c.output, out.png);
  return { loadMs, runMs, baseRssMb, maxRssMb: rssMb() };
}

function child(c: Case): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, self, "--case", JSON.stringify(c)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    proc.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    proc.on("error", reject);
    proc.on("exit", (code) => {
      if (code !== 0) reject(new Error(`${c.method} ×${c.factor} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split("\n").pop()!) as CaseResult);
    });
  });
}

/** Mean SSIM on luma (BT.601) with an 11-tap Gaussian window, σ = 1.5 (Wang et al. 2004 constants). */
function ssim(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  const n = width * height;
  const luma = (x: Uint8Array) => {
    const y = new Float32Array(n);
    for (let p = 0; p < n; p++) y[p] = 0.299 * x[p * 3]! + 0.587 * x[p * 3 + 1]! + 0.114 * x[p * 3 + 2]!;
    return y;
  };
  const x = luma(a);
  const y = luma(b);
  const kernel = Array.from({ length: 11 }, (_, i) => Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5)));
  const sum = kernel.reduce((s, k) => s + k, 0);
  const k = kernel.map((v) => v / sum);
  const blur = (src: Float32Array) => {
    const tmp = new Float32Array(n);
    const out = new Float32Array(n);
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        let s = 0;
        for (let i = -5; i <= 5; i++) s += k[i + 5]! * src[r * width + Math.min(width - 1, Math.max(0, c + i))]!;
        tmp[r * width + c] = s;
      }
    }
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        let s = 0;
        for (let i = -5; i <= 5; i++) s += k[i + 5]! * tmp[Math.min(height - 1, Math.max(0, r + i)) * width + c]!;
        out[r * width + c] = s;
      }
    }
    return out;
  };
  const product = (p: Float32Array, q: Float32Array) => p.map((v, i) => v * q[i]!);
  const mx = blur(x);
  const my = blur(y);
  const sxx = blur(product(x, x));
  const syy = blur(product(y, y));
  const sxy = blur(product(x, y));
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let total = 0;
  for (let p = 0; p < n; p++) {
    const vx = sxx[p]! - mx[p]! ** 2;
    const vy = syy[p]! - my[p]! ** 2;
    const cov = sxy[p]! - mx[p]! * my[p]!;
    total += ((2 * mx[p]! * my[p]! + c1) * (2 * cov + c2)) / ((mx[p]! ** 2 + my[p]! ** 2 + c1) * (vx + vy + c2));
  }
  return total / n;
}

const rawOf = async (bytes: Buffer) => new Uint8Array(await sharp(bytes).removeAlpha().raw().toBuffer());

const dir = mkdtempSync(path.join(os.tmpdir(), "bench-images-"));
try {
  const skipMedium = process.argv.includes("--skip-medium");
  const stallOnly = process.argv.includes("--stall-only");
  process.stderr.write("rendering the 2048×2048 original…\n");
  const original = naturalScene(2048);
  const originalPng = await sharp(original.data, { raw: { width: 2048, height: 2048, channels: 3 } })
    .png()
    .toBuffer();
  const input = path.join(dir, "input-512.png");
  writeFileSync(input, await sharp(originalPng).resize(512, 512, { kernel: "lanczos3" }).png().toBuffer());
  const truth = {
    2: await rawOf(await sharp(originalPng).resize(1024, 1024, { kernel: "lanczos3" }).png().toBuffer()),
    4: original.data,
  };
  const methods: Method[] = stallOnly
    ? []
    : ["lanczos3", "esrgan-slim", ...(skipMedium ? [] : (["esrgan-medium"] as const))];
  const rows: string[][] = [];
  const cpu = `${os.cpus().length}× ${os.cpus()[0]?.model ?? "cpu"}`;
  for (const factor of stallOnly ? [] : ([2, 4] as const)) {
    const size = 512 * factor;
    const nearest = await rawOf(
      await sharp(readFileSync(input)).resize(size, size, { kernel: "nearest" }).png().toBuffer(),
    );
    rows.push([
      `nearest (reference)`,
      `×${factor}`,
      "–",
      "–",
      "–",
      "–",
      psnr(truth[factor], nearest).toFixed(2),
      ssim(truth[factor], nearest, size, size).toFixed(4),
    ]);
    for (const method of methods) {
      process.stderr.write(`${method} ×${factor}…\n`);
      const output = path.join(dir, `${method}-x${factor}.png`);
      const r = await child({ method, factor, input, output });
      const out = await rawOf(readFileSync(output));
      rows.push([
        method,
        `×${factor}`,
        r.loadMs ? r.loadMs.toFixed(0) : "–",
        r.runMs.toFixed(0),
        r.maxRssMb.toFixed(0),
        (r.maxRssMb - r.baseRssMb).toFixed(0),
        psnr(truth[factor], out).toFixed(2),
        ssim(truth[factor], out, size, size).toFixed(4),
      ]);
    }
  }
  const header = [
    "method",
    "factor",
    "load ms",
    "upscale ms",
    "maxRSS MB",
    "Δ over start MB",
    "PSNR dB",
    "SSIM (luma)",
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  if (rows.length > 0) {
    console.log(
      `\n512×512 input (Lanczos-downscaled from a 2048×2048 synthetic original), ${cpu}, node ${process.version}`,
    );
    console.log(line(header));
    console.log(line(widths.map((w) => "-".repeat(w))));
    for (const r of rows) console.log(line(r));
  }

  process.stderr.write("event-loop stalls during a learned ×4…\n");
  const main = await child({ method: "stall-main", factor: 4, input, output: "" });
  const worker = await child({ method: "stall-worker", factor: 4, input, output: "" });
  console.log("\nLongest event-loop stall while ESRGAN-slim ×4 of 512×512 runs (warm):");
  console.log(
    `  on the main thread (yielding between tiles):  ${main.maxStallMs!.toFixed(0)} ms, run ${main.runMs.toFixed(0)} ms`,
  );
  console.log(
    `  on the engine worker thread:                 ${worker.maxStallMs!.toFixed(0)} ms, run ${worker.runMs.toFixed(0)} ms`,
  );
  const git = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  console.log(`\n(commit ${git}; figures from one run, side by side on the same machine)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
