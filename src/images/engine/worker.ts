import { parentPort } from "node:worker_threads";
import { inpaintImage } from "./inpaint.js";
import type { EngineJob, EngineOutput, WorkerReply, WorkerRequest } from "./jobs.js";
import { upscaleImage } from "./upscale.js";

// The engine's worker thread: runs one job at a time and keeps loaded models for the next one.
const port = parentPort;
if (!port) throw new Error("engine/worker.ts runs only as a worker thread");

async function run(job: EngineJob, shouldStop: () => boolean): Promise<EngineOutput> {
  const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
  if (job.kind === "upscale") {
    const { png, width, height, model } = await upscaleImage(bytes, {
      factor: job.factor,
      method: "learned",
      variant: job.variant,
      maxInputPixels: job.maxInputPixels,
      shouldStop,
    });
    return { png, width, height, model };
  }
  return inpaintImage(bytes, job.mask, { method: job.method, maxInputPixels: job.maxInputPixels, shouldStop });
}

port.on("message", async ({ id, job, cancel }: WorkerRequest) => {
  const flag = new Int32Array(cancel);
  let reply: WorkerReply;
  try {
    const output = await run(job, () => Atomics.load(flag, 0) === 1);
    // A private copy: sharp's output may not be transferable, a fresh ArrayBuffer always is.
    reply = { id, ok: true, output: { ...output, png: new Uint8Array(output.png) } };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    reply = { id, ok: false, error: { name: e.name, message: e.message } };
  }
  port.postMessage(reply, reply.ok ? [reply.output.png.buffer as ArrayBuffer] : []);
});
