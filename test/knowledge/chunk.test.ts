import { describe, expect, it } from "vitest";
import {
  type Chunk,
  ChunkingOptions,
  chunkDocument,
  DEFAULT_CHUNKING,
  resolveChunking,
} from "../../src/knowledge/chunk.js";
import {
  billableTokens,
  billableTokensOfText,
  DEFAULT_EXTRACT_LIMITS,
  documentText,
  extractDocument,
  extractText,
} from "../../src/knowledge/extract/index.js";
import type { Block, ExtractedDocument } from "../../src/knowledge/extract/types.js";
import { countTokens } from "../../src/knowledge/tokens.js";
import { buildPdf } from "./extract/fixtures.js";

const NOUNS = ["river", "engine", "ledger", "falcon", "garden", "harbor", "lantern", "meadow", "quartz", "violin"];
const sentence = (i: number) =>
  `Note ${i} says the ${NOUNS[i % 10]} near the ${NOUNS[(i * 7 + 3) % 10]} was checked on day ${i * 3 + 1}.`;
const paragraph = (from: number, count: number) =>
  Array.from({ length: count }, (_, k) => sentence(from + k)).join(" ");

const doc = (blocks: Block[]): ExtractedDocument => ({ mimeType: "text/plain", blocks });

/** Every chunk is measured exactly and stays within the configured size. */
function expectWellFormed(chunks: Chunk[], chunkTokens: number) {
  chunks.forEach((chunk, i) => {
    expect(chunk.position).toBe(i);
    expect(chunk.tokens).toBe(countTokens(chunk.text));
    expect(chunk.tokens).toBeLessThanOrEqual(chunkTokens);
    expect(chunk.text).toBe(chunk.text.trim());
    expect(chunk.text).not.toBe("");
  });
}

/** The longest prefix of `next` that `previous` ends with: the text the two chunks share. */
function sharedOverlap(previous: string, next: string): string {
  for (let k = Math.min(previous.length, next.length); k > 0; k--) {
    if (previous.endsWith(next.slice(0, k))) return next.slice(0, k);
  }
  return "";
}

describe("chunkDocument", () => {
  it("defaults to 256-token chunks with 32 tokens (12.5%) of overlap", () => {
    expect(DEFAULT_CHUNKING).toEqual({ chunkTokens: 256, overlapTokens: 32 });
    expect(resolveChunking()).toEqual({ chunkTokens: 256, overlapTokens: 32 });
    expect(resolveChunking({ chunkTokens: 512 })).toEqual({ chunkTokens: 512, overlapTokens: 64 });
    expect(resolveChunking({ chunkTokens: 100, overlapTokens: 0 })).toEqual({ chunkTokens: 100, overlapTokens: 0 });
  });

  it("validates per-knowledge-base options: chunk 64–2048 tokens, overlap 0 to half the chunk", () => {
    expect(ChunkingOptions.safeParse({ chunkTokens: 64, overlapTokens: 32 }).success).toBe(true);
    expect(ChunkingOptions.safeParse({ chunkTokens: 2048, overlapTokens: 1024 }).success).toBe(true);
    expect(ChunkingOptions.safeParse({}).success).toBe(true);
    for (const bad of [
      { chunkTokens: 63 },
      { chunkTokens: 2049 },
      { chunkTokens: 300.5 },
      { chunkTokens: 100, overlapTokens: 51 },
      { overlapTokens: 129 },
      { overlapTokens: -1 },
    ]) {
      expect(ChunkingOptions.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(() => chunkDocument(doc([{ text: "x", kind: "text" }]), { chunkTokens: 10 })).toThrow();
  });

  it("packs small blocks greedily, keeping every block whole and in order", () => {
    const blocks: Block[] = Array.from({ length: 30 }, (_, i) => ({ text: paragraph(i * 2, 2), kind: "text" }));
    const chunks = chunkDocument(doc(blocks), { chunkTokens: 128, overlapTokens: 0 });
    expectWellFormed(chunks, 128);
    // No overlap: the chunks, joined as documentText joins blocks, are exactly the billable text.
    expect(chunks.map((c) => c.text).join("\n\n")).toBe(documentText(doc(blocks)));
    expect(chunks.length).toBeLessThan(blocks.length);
    for (const [i, chunk] of chunks.entries()) {
      // Greedy: the next chunk's first block would not have fitted into this one.
      const next = chunks[i + 1];
      if (next) expect(countTokens(`${chunk.text}\n\n${next.text.split("\n\n")[0]}`)).toBeGreaterThan(128);
    }
  });

  it("overlaps consecutive chunks by at most overlapTokens, and does not bill the overlap", () => {
    const long = doc([{ text: paragraph(0, 120), kind: "text" }]);
    const chunks = chunkDocument(long, { chunkTokens: 100, overlapTokens: 25 });
    expectWellFormed(chunks, 100);
    expect(chunks.length).toBeGreaterThan(10);
    for (let i = 1; i < chunks.length; i++) {
      const shared = sharedOverlap(chunks[i - 1]!.text, chunks[i]!.text);
      expect(shared.length, `chunks ${i - 1} and ${i}`).toBeGreaterThan(0);
      expect(countTokens(shared.trim())).toBeLessThanOrEqual(25);
    }
    // Every sentence of the block is whole in some chunk, in order.
    let from = 0;
    for (let s = 0; s < 120; s++) {
      const at = chunks.findIndex((c, i) => i >= from && c.text.includes(sentence(s)));
      expect(at, `sentence ${s}`).toBeGreaterThanOrEqual(0);
      from = at;
    }
    const total = chunks.reduce((sum, c) => sum + c.tokens, 0);
    expect(billableTokens(long)).toBe(countTokens(documentText(long)));
    expect(billableTokens(long)).toBeLessThan(total);
  });

  it("splits a block larger than a chunk at sentence ends, and falls back to words and characters", () => {
    const chunks = chunkDocument(doc([{ text: paragraph(0, 80), kind: "text" }]), {
      chunkTokens: 120,
      overlapTokens: 0,
    });
    expectWellFormed(chunks, 120);
    expect(chunks.length).toBeGreaterThan(4);
    for (const chunk of chunks) expect(chunk.text).toMatch(/^Note \d+ says .*\.$/s);
    expect(chunks.map((c) => c.text).join(" ")).toBe(paragraph(0, 80));

    const unpunctuated = Array.from({ length: 600 }, (_, i) => `word${i}`).join(" ");
    const wordChunks = chunkDocument(doc([{ text: unpunctuated, kind: "text" }]), {
      chunkTokens: 64,
      overlapTokens: 0,
    });
    expectWellFormed(wordChunks, 64);
    expect(wordChunks.map((c) => c.text).join(" ")).toBe(unpunctuated);

    const blob = "QmFzZTY0IGJsb2I".repeat(400);
    const sliceChunks = chunkDocument(doc([{ text: blob, kind: "text" }]), { chunkTokens: 64, overlapTokens: 16 });
    expectWellFormed(sliceChunks, 64);
    expect(sliceChunks.map((c) => c.text).join("")).toBe(blob);
  });

  it("never lets a chunk span two pages, so its page citation is exact", async () => {
    const pages = Array.from({ length: 4 }, (_, p) =>
      Array.from({ length: 6 }, (_, k) => ({ text: `Page ${p + 1} line ${k + 1}: ${sentence(p * 10 + k)}` })),
    );
    const pdf = await extractDocument({ bytes: await buildPdf(pages), filename: "a.pdf" }, DEFAULT_EXTRACT_LIMITS);
    const chunks = chunkDocument(pdf, { chunkTokens: 64, overlapTokens: 16 });
    expectWellFormed(chunks, 64);
    expect(new Set(chunks.map((c) => c.page))).toEqual(new Set([1, 2, 3, 4]));
    for (const chunk of chunks) {
      const pagesCited = new Set(Array.from(chunk.text.matchAll(/Page (\d) line/g), (m) => Number(m[1])));
      expect([...pagesCited]).toEqual([chunk.page]);
    }
  });

  it("keeps table rows whole: a chunk of rows starts and ends on whole rows, overlap included", () => {
    const rows: Block[] = Array.from({ length: 60 }, (_, i) => ({
      text: `Name: person ${i}; Role: ${NOUNS[i % 10]} keeper; Office: building ${i % 7}`,
      kind: "row",
      heading: "Staff",
    }));
    const rowTexts = new Set(rows.map((r) => r.text));
    for (const overlapTokens of [0, 10, 32]) {
      const chunks = chunkDocument(doc(rows), { chunkTokens: 80, overlapTokens });
      expectWellFormed(chunks, 80);
      for (const chunk of chunks) {
        expect(chunk.heading).toBe("Staff");
        for (const part of chunk.text.split("\n\n")) expect(rowTexts.has(part), part).toBe(true);
      }
      const seen = new Set(chunks.flatMap((c) => c.text.split("\n\n")));
      expect(seen).toEqual(rowTexts);
    }
  });

  it("splits a row wider than a chunk between fields, so every field keeps its column name", () => {
    const fields = Array.from({ length: 60 }, (_, i) => `Column ${i}: value ${NOUNS[i % 10]} ${i}`);
    const chunks = chunkDocument(doc([{ text: fields.join("; "), kind: "row" }]), {
      chunkTokens: 64,
      overlapTokens: 0,
    });
    expectWellFormed(chunks, 64);
    expect(chunks.length).toBeGreaterThan(3);
    const seen = chunks.flatMap((c) => c.text.split(/; ?/).filter(Boolean));
    expect(seen).toEqual(fields);
  });

  it("carries each block's heading onto its chunks and never mixes two sections in one chunk", () => {
    const text = "# Install\n\nRun the installer.\n\n# Configure\n\n## Ports\n\nSet PORT to 8080.\n\nSet HOST too.";
    const chunks = chunkDocument(extractText(text, "guide.md"));
    expect(chunks.map((c) => ({ text: c.text, heading: c.heading }))).toEqual([
      { text: "Install\n\nRun the installer.", heading: "Install" },
      // A heading with nothing under it before the next heading joins the next section's chunk.
      { text: "Configure\n\nPorts\n\nSet PORT to 8080.\n\nSet HOST too.", heading: "Ports" },
    ]);
  });

  it("chunks a document of CJK text and emoji without breaking characters", () => {
    const cjk = "日本語の文章です。".repeat(200) + "👩‍👩‍👧".repeat(50);
    const chunks = chunkDocument(doc([{ text: cjk, kind: "text" }]), { chunkTokens: 64, overlapTokens: 8 });
    expectWellFormed(chunks, 64);
    for (const chunk of chunks) expect(chunk.text).not.toContain("\uFFFD");
    expect(chunks.at(-1)!.text.endsWith("👩‍👩‍👧")).toBe(true);
  });
});

describe("billing and chunking agree on the text", () => {
  const squash = (text: string) => text.replace(/\s+/g, " ").trim();

  it("without overlap, the chunks hold exactly the billed text: nothing lost, nothing added", () => {
    const raw = `# Report\n\n${paragraph(0, 40)}\n\nShort closing note.\n\n| k | v |\n|---|---|\n| a | 1 |\n| b | 2 |\n`;
    const uploaded = extractText(raw, "report.md");
    expect(billableTokensOfText(raw, "report.md")).toBe(billableTokens(uploaded));
    expect(billableTokens(uploaded)).toBe(countTokens(documentText(uploaded)));
    for (const chunkTokens of [64, 100, 256, 2048]) {
      const chunks = chunkDocument(uploaded, { chunkTokens, overlapTokens: 0 });
      expectWellFormed(chunks, chunkTokens);
      expect(squash(chunks.map((c) => c.text).join(" "))).toBe(squash(documentText(uploaded)));
    }
  });
});
