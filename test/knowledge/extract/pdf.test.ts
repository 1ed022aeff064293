import { describe, expect, it } from "vitest";
import { DEFAULT_EXTRACT_LIMITS, extractDocument } from "../../../src/knowledge/extract/index.js";
import { makePdfWithNul } from "../../support/pdf.js";
import { buildPdf, buildScannedPdf, type PdfLine } from "./fixtures.js";

const TOPICS = [
  "apples",
  "bridges",
  "comets",
  "deserts",
  "engines",
  "forests",
  "glaciers",
  "harbors",
  "islands",
  "jungles",
];

function topicPage(topic: string, n: number): PdfLine[] {
  return [
    { text: `Chapter ${n}: ${topic}`, size: 18 },
    { text: `This page is about ${topic}. Its first paragraph starts on this line and it`, gapBefore: 8 },
    { text: "continues on the next line of the same paragraph." },
    { text: `A second paragraph about ${topic} follows after a blank gap.`, gapBefore: 14 },
  ];
}

describe("PDF extraction", () => {
  it("drops U+0000 from a PDF's text layer and title (PostgreSQL cannot store it; it is never meant as text)", async () => {
    const doc = await extractDocument({ bytes: await makePdfWithNul() }, DEFAULT_EXTRACT_LIMITS);
    expect(doc.blocks.map((b) => b.text)).toEqual(["Lava  flows over the crust"]);
    expect(doc.title).toBe("Lava notes");
  });

  it("reads a 10-page PDF page by page, every block with its own 1-based page number", async () => {
    const bytes = await buildPdf(TOPICS.map((topic, i) => topicPage(topic, i + 1)));
    const doc = await extractDocument({ bytes, filename: "atlas.pdf" }, DEFAULT_EXTRACT_LIMITS);

    expect(doc.mimeType).toBe("application/pdf");
    expect(doc.pages).toBe(10);
    expect(doc.pagesWithoutText).toBeUndefined();
    expect(new Set(doc.blocks.map((b) => b.page))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    for (const block of doc.blocks) {
      const own = TOPICS[block.page! - 1]!;
      const mentioned = TOPICS.filter((t) => block.text.includes(t));
      expect(
        mentioned.every((t) => t === own),
        `${block.text} on page ${block.page}`,
      ).toBe(true);
    }
    for (const [i, topic] of TOPICS.entries()) {
      expect(doc.blocks.filter((b) => b.page === i + 1).map((b) => b.text)).toEqual([
        `Chapter ${i + 1}: ${topic}`,
        `This page is about ${topic}. Its first paragraph starts on this line and it continues on the next line of the same paragraph.`,
        `A second paragraph about ${topic} follows after a blank gap.`,
      ]);
    }
  });

  it("marks larger type as headings and carries the heading onto the paragraphs below it", async () => {
    const bytes = await buildPdf([topicPage("apples", 1), topicPage("bridges", 2)]);
    const doc = await extractDocument({ bytes, filename: "a.pdf" }, DEFAULT_EXTRACT_LIMITS);
    const page2 = doc.blocks.filter((b) => b.page === 2);
    expect(page2[0]).toMatchObject({ kind: "heading", text: "Chapter 2: bridges" });
    expect(page2.slice(1).every((b) => b.kind === "text" && b.heading === "Chapter 2: bridges")).toBe(true);
  });

  it("joins a word hyphenated across a line break", async () => {
    const bytes = await buildPdf([
      [{ text: "The results were ex-" }, { text: "ceptionally good, and state-" }, { text: "Of the art." }],
    ]);
    const doc = await extractDocument({ bytes, filename: "a.pdf" }, DEFAULT_EXTRACT_LIMITS);
    expect(doc.blocks.map((b) => b.text)).toEqual(["The results were exceptionally good, and state- Of the art."]);
  });

  it("lists the image-only pages of a PDF that otherwise has text", async () => {
    const { PDFDocument } = await import("pdf-lib");
    const text = await PDFDocument.load(await buildPdf([[{ text: "Only page one has text." }]]));
    const scanned = await PDFDocument.load(await buildScannedPdf(1));
    const [scanPage] = await text.copyPages(scanned, [0]);
    text.addPage(scanPage);
    const doc = await extractDocument(
      { bytes: Buffer.from(await text.save()), filename: "a.pdf" },
      DEFAULT_EXTRACT_LIMITS,
    );
    expect(doc.pages).toBe(2);
    expect(doc.pagesWithoutText).toEqual([2]);
    expect(doc.blocks.map((b) => [b.page, b.text])).toEqual([[1, "Only page one has text."]]);
  });

  it("refuses a PDF with more pages than maxPages", async () => {
    const bytes = await buildPdf(TOPICS.slice(0, 3).map((t, i) => topicPage(t, i + 1)));
    await expect(
      extractDocument({ bytes, filename: "a.pdf" }, { ...DEFAULT_EXTRACT_LIMITS, maxPages: 2 }),
    ).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      details: { reason: "too_many_pages", pages: 3, maxPages: 2 },
    });
  });

  it("reads a PDF served with a generic name and content type, by its signature", async () => {
    const bytes = await buildPdf([topicPage("comets", 1)]);
    const doc = await extractDocument(
      { bytes, filename: "upload.bin", contentType: "application/octet-stream" },
      DEFAULT_EXTRACT_LIMITS,
    );
    expect(doc.mimeType).toBe("application/pdf");
    expect(doc.blocks[0]!.text).toBe("Chapter 1: comets");
  });
});
