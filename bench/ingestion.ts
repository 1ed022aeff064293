/**
 * Ingestion: (1) pipeline throughput as a ratio of the embedder's own throughput on the same chunks — the product's
 * HTTP upload and background job against LocalEmbedder.embed() alone; (2) wall time of a 10-page PDF uploaded
 * through HTTP until it is ready; (3) the service's peak resident memory while it ingests a 50 MB PDF.
 *
 *   npx tsx bench/ingestion.ts [--paragraphs 300]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { chunkDocument, DEFAULT_CHUNKING } from "../src/knowledge/chunk.js";
import { LocalEmbedder } from "../src/knowledge/embedders/local.js";
import { extractText } from "../src/knowledge/extract/index.js";
import { grant, newCustomer, request, startTestApp, type TestApp } from "../test/support/app.js";
import { makePdf, TEN_PAGES } from "../test/support/pdf.js";
import { spawnService } from "../test/support/process.js";
import { fmt, table } from "./lib/stats.js";

const { values } = parseArgs({ options: { paragraphs: { type: "string", default: "1000" } } });

const WORDS =
  "archive basin cedar delta ember fjord glacier harbor island juniper kelp lagoon meadow nectar orchard prairie quarry reef savanna tundra upland valley wetland".split(
    " ",
  );
function corpus(paragraphs: number): string {
  const out: string[] = [];
  for (let i = 0; i < paragraphs; i++) {
    const w = (k: number) => WORDS[(i * 5 + k * 7) % WORDS.length];
    out.push(
      `Report ${i}. Surveyors crossing the ${w(1)} near the ${w(2)} logged ${i * 3} samples of ${w(3)} soil. ` +
        `The ${w(4)} team compared them with the ${w(5)} records and found the ${w(6)} drift unchanged since season ${i % 17}.`,
    );
  }
  return out.join("\n\n");
}

async function waitReady(app: TestApp | { url: string }, token: string, kb: string, doc: string): Promise<any> {
  for (;;) {
    const d = (await request(app.url, "GET", `/v1/knowledge-bases/${kb}/documents/${doc}`, { token })).body;
    if (d.status === "ready" || d.status === "failed") return d;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function throughput() {
  const text = corpus(Number(values.paragraphs));
  const chunks = chunkDocument(extractText(text, "report.txt"), DEFAULT_CHUNKING);
  const embedder = new LocalEmbedder();
  await embedder.embed(["warm-up"], "document");
  let start = performance.now();
  for (let i = 0; i < chunks.length; i += 32)
    await embedder.embed(
      chunks.slice(i, i + 32).map((c) => c.text),
      "document",
    );
  const embedSeconds = (performance.now() - start) / 1000;
  await embedder.close?.();

  const app = await startTestApp("sqlite", { KNOWLEDGE_INLINE_MAX_CHUNKS: "0" });
  const c = await newCustomer(app);
  await grant(app, c.accountId, 100_000);
  const kb = (await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "bench" } })).body.id;
  await app.api("POST", `/v1/knowledge-bases/${kb}/documents`, {
    token: c.apiKey,
    body: { text: "warm up the model", name: "w.txt" },
  });
  start = performance.now();
  const up = await app.api("POST", `/v1/knowledge-bases/${kb}/documents`, {
    token: c.apiKey,
    body: { text, name: "r.txt" },
  });
  const doc = await waitReady(app, c.apiKey, kb, up.body.id);
  const pipelineSeconds = (performance.now() - start) / 1000;
  await app.close();
  return { chunks: chunks.length, docChunks: doc.chunks, embedSeconds, pipelineSeconds };
}

async function tenPagePdf() {
  const app = await startTestApp("sqlite");
  const c = await newCustomer(app);
  await grant(app, c.accountId, 1000);
  const kb = (await app.api("POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "pdf" } })).body.id;
  await app.api("POST", `/v1/knowledge-bases/${kb}/documents`, {
    token: c.apiKey,
    body: { text: "warm up", name: "w.txt" },
  });
  const pdf = await makePdf(TEN_PAGES.map((p) => `${p} ${corpus(6)}`));
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(pdf)], { type: "application/pdf" }), "ten.pdf");
  const start = performance.now();
  const up = await app.api("POST", `/v1/knowledge-bases/${kb}/documents`, { token: c.apiKey, rawBody: form });
  const doc = up.body.status === "ready" ? up.body : await waitReady(app, c.apiKey, kb, up.body.id);
  const seconds = (performance.now() - start) / 1000;
  await app.close();
  return { seconds, tokens: doc.tokens, credits: doc.credits, chunks: doc.chunks, bytes: pdf.length };
}

/** A ~50 MB PDF: 135 pages, each a photo-like image (incompressible, ~0.37 MB) and a line of text. */
async function fiftyMbPdf(): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const sharp = (await import("sharp")).default;
  for (let p = 0; p < 135; p++) {
    const noise = Buffer.alloc(600 * 600 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (Math.random() * 256) | 0;
    const jpg = await sharp(noise, { raw: { width: 600, height: 600, channels: 3 } })
      .jpeg({ quality: 95 })
      .toBuffer();
    const page = pdf.addPage([612, 792]);
    page.drawImage(await pdf.embedJpg(jpg), { x: 56, y: 150, width: 500, height: 500 });
    page.drawText(`Page ${p + 1}: field notes on ${WORDS[p % WORDS.length]} and ${WORDS[(p * 3) % WORDS.length]}.`, {
      x: 56,
      y: 700,
      size: 12,
      font,
    });
  }
  return Buffer.from(await pdf.save());
}

async function peakMemory() {
  const pdf = await fiftyMbPdf();
  const setup = await startTestApp("sqlite");
  const c = await newCustomer(setup);
  await grant(setup, c.accountId, 1000);
  await setup.running.close();
  const service = await spawnService({ ...setup.env, UPLOAD_LIMIT_BYTES: String(64 << 20), LOG_LEVEL: "warn" });
  const status = () => readFileSync(`/proc/${service.child.pid}/status`, "utf8");
  const kb = (await request(service.url, "POST", "/v1/knowledge-bases", { token: c.apiKey, body: { name: "big" } }))
    .body.id;
  const before = Number(/VmRSS:\s+(\d+)/.exec(status())![1]) / 1024;
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(pdf)], { type: "application/pdf" }), "big.pdf");
  const start = performance.now();
  const up = await request(service.url, "POST", `/v1/knowledge-bases/${kb}/documents`, {
    token: c.apiKey,
    rawBody: form,
  });
  const doc = up.body.status === "ready" ? up.body : await waitReady(service, c.apiKey, kb, up.body.id);
  const seconds = (performance.now() - start) / 1000;
  const peak = Number(/VmHWM:\s+(\d+)/.exec(status())![1]) / 1024;
  await service.stop();
  await setup.close();
  return { mb: pdf.length / 1e6, before, peak, seconds, status: doc.status, pages: doc.pages };
}

const t = await throughput();
const p = await tenPagePdf();
const m = await peakMemory();
console.log(`\nIngestion (${new Date().toISOString()})\n`);
console.log(
  table(
    ["measure", "value"],
    [
      [`embedder alone: ${t.chunks} chunks`, `${fmt(t.chunks / t.embedSeconds)} chunks/s`],
      [
        `HTTP upload → background job → ready: ${t.docChunks} chunks`,
        `${fmt(t.docChunks / t.pipelineSeconds)} chunks/s`,
      ],
      [
        "pipeline / embedder throughput",
        fmt(t.chunks / t.embedSeconds === 0 ? 0 : t.docChunks / t.pipelineSeconds / (t.chunks / t.embedSeconds), 2),
      ],
      [
        `10-page PDF (${fmt(p.bytes / 1024, 0)} KB, ${p.tokens} tokens, ${p.chunks} chunks, ${p.credits} credits)`,
        `${fmt(p.seconds, 2)} s upload → ready`,
      ],
      [
        `${fmt(m.mb, 1)} MB PDF (${m.pages} pages; ${m.status})`,
        `${fmt(m.seconds, 1)} s; peak RSS ${fmt(m.peak, 0)} MiB (idle before: ${fmt(m.before, 0)} MiB)`,
      ],
    ],
  ),
);
