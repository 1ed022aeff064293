/**
 * What metering adds to an image request: the OpenAI adapter called directly, against the same adapter behind
 * POST /v1/images/generations (authentication, licence check, hold, provider call, storing the image, capture,
 * ledger entry), both talking to the same local stand-in for OpenAI's API. Sequential requests; target ≤ 5 ms at p95.
 *
 *   npx tsx bench/images-metering.ts [--requests 200]
 */
import { parseArgs } from "node:util";
import { createImageProvider } from "../src/images/providers/index.js";
import { OpenAiFake } from "../test/images/providers/fakes/openai.js";
import { grant, newCustomer, startTestApp } from "../test/support/app.js";
import { fmt, percentile, table } from "./lib/stats.js";

const { values } = parseArgs({ options: { requests: { type: "string", default: "200" } } });
const N = Number(values.requests);

const fake = await OpenAiFake.start();
const env = { OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: `${fake.server.url}/v1` };
const provider = createImageProvider("openai", env);
const request = {
  prompt: "a lighthouse",
  quality: "fast" as const,
  aspectRatio: "1:1" as const,
  count: 1,
  size: "1K" as const,
};

const direct: number[] = [];
for (let i = 0; i < N + 20; i++) {
  const start = performance.now();
  await provider.generate(request, { signal: AbortSignal.timeout(30_000) });
  if (i >= 20) direct.push(performance.now() - start);
}

const app = await startTestApp("sqlite", { IMAGE_PROVIDER: "openai", ...env });
const c = await newCustomer(app);
await grant(app, c.accountId, 1_000_000);

/** Where a metered request's time goes: the steps of ImageService, timed around the calls it makes. */
const steps: Record<string, number[]> = {};
function timeCalls(target: object, method: string, label: string) {
  const t = target as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const original = t[method]!.bind(target);
  t[method] = async (...args: unknown[]) => {
    const start = performance.now();
    try {
      return await original(...args);
    } finally {
      steps[label] ??= [];
      steps[label].push(performance.now() - start);
    }
  };
}
const { deps } = app.running.ctx.images as unknown as {
  deps: { metering: object; chain: object; blobs: object; store: object };
};
timeCalls(deps.metering, "reserve", "hold (reserve)");
timeCalls(deps.chain, "run", "provider call");
timeCalls(deps.blobs, "put", "image bytes stored (fsync)");
timeCalls(deps.store, "insert", "image row stored (durable)");
timeCalls(deps.metering, "capture", "capture (durable)");

const metered: number[] = [];
for (let i = 0; i < N + 20; i++) {
  const start = performance.now();
  const r = await app.api("POST", "/v1/images/generations", {
    token: c.apiKey,
    body: { prompt: "a lighthouse", quality: "fast" },
  });
  if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  if (i >= 20) metered.push(performance.now() - start);
}
const usage = (await app.api("GET", "/v1/ledger?type=usage&limit=1", { token: c.apiKey })).body.data[0];
await app.close();
await fake.server.close();

console.log(`\nImage metering overhead, ${N} sequential requests (${new Date().toISOString()})\n`);
console.log(
  table(
    ["path", "p50 ms", "p95 ms", "p99 ms"],
    [
      [
        "adapter called directly",
        fmt(percentile(direct, 50), 2),
        fmt(percentile(direct, 95), 2),
        fmt(percentile(direct, 99), 2),
      ],
      [
        "through HTTP with metering",
        fmt(percentile(metered, 50), 2),
        fmt(percentile(metered, 95), 2),
        fmt(percentile(metered, 99), 2),
      ],
      [
        "overhead",
        fmt(percentile(metered, 50) - percentile(direct, 50), 2),
        fmt(percentile(metered, 95) - percentile(direct, 95), 2),
        fmt(percentile(metered, 99) - percentile(direct, 99), 2),
      ],
    ],
  ),
);
console.log("\nSteps of the metered path (bytes and row are stored side by side):\n");
console.log(
  table(
    ["step", "p50 ms", "p95 ms"],
    Object.entries(steps).map(([step, xs]) => {
      const last = xs.slice(-N);
      return [step, fmt(percentile(last, 50), 2), fmt(percentile(last, 95), 2)];
    }),
  ),
);
console.log(`\nlast usage entry: ${usage.credits} credits, quantity ${JSON.stringify(usage.quantity)}`);
