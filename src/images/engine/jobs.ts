import type { InpaintMethod } from "./inpaint.js";
import type { EsrganVariant } from "./tf-runtime.js";

/** A unit of heavy CPU work for the engine's worker thread; bytes are encoded PNG/JPEG/WebP. */
export type EngineJob =
  | { kind: "upscale"; bytes: Uint8Array; factor: 2 | 4; variant: EsrganVariant; maxInputPixels: number }
  | { kind: "inpaint"; bytes: Uint8Array; mask: Uint8Array; method: InpaintMethod; maxInputPixels: number };

/** What a job produces: a PNG and the model string for the ledger. */
export interface EngineOutput {
  png: Uint8Array;
  width: number;
  height: number;
  model: string;
}

export type WorkerRequest = { id: number; job: EngineJob; cancel: SharedArrayBuffer };
export type WorkerReply =
  | { id: number; ok: true; output: EngineOutput }
  | { id: number; ok: false; error: { name: string; message: string } };
