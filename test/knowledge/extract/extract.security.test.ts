import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { chunkDocument } from "../../../src/knowledge/chunk.js";
import {
  billableTokens,
  billableTokensOfText,
  DEFAULT_EXTRACT_LIMITS,
  extractDocument,
} from "../../../src/knowledge/extract/index.js";
import type { ExtractInput, ExtractLimits } from "../../../src/knowledge/extract/types.js";
import {
  buildDocx,
  buildPdf,
  buildScannedPdf,
  DOCX_HEADER_ENTRIES,
  encryptedPdf,
  rawZip,
  storedEntry,
  tinyPng,
  wordParagraph,
  zeroBombStream,
} from "./fixtures.js";

const refuse = (input: ExtractInput, limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS) =>
  expect(extractDocument(input, limits)).rejects;

const ONE_PAGE = () => buildPdf([[{ text: "A perfectly ordinary page of text." }]]);

describe("hostile and broken PDFs", () => {
  it("a corrupt PDF is DOCUMENT_UNREADABLE corrupt", async () => {
    const bytes = Buffer.from("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ngarbage garbage\n%%EOF\n");
    await refuse({ bytes, filename: "a.pdf" }).toMatchObject({
      code: "DOCUMENT_UNREADABLE",
      details: { reason: "corrupt" },
    });
  });

  it("a truncated PDF is DOCUMENT_UNREADABLE corrupt, with or without a forged %%EOF", async () => {
    const whole = await buildPdf(Array.from({ length: 10 }, (_, i) => [{ text: `Page ${i + 1} text.` }]));
    const half = whole.subarray(0, Math.floor(whole.length / 2));
    await refuse({ bytes: half, filename: "a.pdf" }).toMatchObject({ details: { reason: "corrupt" } });
    // With the end marker appended, pdf.js itself has to find the damage.
    const forged = Buffer.concat([half, Buffer.from("\n%%EOF\n")]);
    await refuse({ bytes: forged, filename: "a.pdf" }).toMatchObject({
      code: "DOCUMENT_UNREADABLE",
      details: { reason: "corrupt" },
    });
  });

  it("a PDF that needs a password is DOCUMENT_UNREADABLE encrypted", async () => {
    await refuse({ bytes: encryptedPdf(), filename: "secret.pdf" }).toMatchObject({
      code: "DOCUMENT_UNREADABLE",
      details: { reason: "encrypted" },
    });
  });

  it("a scanned PDF (pages holding only images) is DOCUMENT_UNREADABLE no_text_layer with its page count", async () => {
    await refuse({ bytes: await buildScannedPdf(3), filename: "scan.pdf" }).toMatchObject({
      code: "DOCUMENT_UNREADABLE",
      details: { reason: "no_text_layer", pages: 3 },
    });
  });

  it("a spent time budget or an aborted request stops extraction", async () => {
    const bytes = await ONE_PAGE();
    await refuse({ bytes, filename: "a.pdf" }, { ...DEFAULT_EXTRACT_LIMITS, timeoutMs: -1 }).toMatchObject({
      code: "DOCUMENT_UNREADABLE",
      details: { reason: "timeout" },
    });
    const aborted = new AbortController();
    aborted.abort(new Error("job cancelled"));
    await refuse({ bytes, filename: "a.pdf", signal: aborted.signal }).toThrow("job cancelled");
  });
});

describe("hostile .docx files", () => {
  const bomb = (stream: Buffer, declaredSize: number) =>
    rawZip([...DOCX_HEADER_ENTRIES(), { name: "word/document.xml", data: stream, method: 8, crc: 0, declaredSize }]);

  it("refuses, from the central directory alone, a tiny zip declaring gigabytes", async () => {
    const bytes = bomb(Buffer.from([0x03, 0x00]), 0xfffffff0);
    expect(bytes.length).toBeLessThan(2000);
    await refuse({ bytes, filename: "bomb.docx" }).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      details: { reason: "unzipped_too_large", unzippedBytes: expect.any(Number), maxUnzippedBytes: 104_857_600 },
    });
  });

  it("refuses an absurd declared compression ratio even under the size limit", async () => {
    const bytes = bomb(zeroBombStream(8), 8 << 20);
    await refuse({ bytes, filename: "bomb.docx" }).toMatchObject({
      code: "DOCUMENT_UNREADABLE",
      details: { reason: "zip_bomb" },
    });
  });

  it("stops inflating at the declared size when the headers lie (1 GiB of zeros declared as 4 KiB)", async () => {
    const bytes = bomb(zeroBombStream(1024), 4096);
    expect(bytes.length).toBeLessThan(1_100_000);
    await refuse({ bytes, filename: "bomb.docx" }).toMatchObject({
      code: "DOCUMENT_UNREADABLE",
      details: { reason: "zip_bomb" },
    });
  });

  it("counts the declared size of every text part against maxUnzippedBytes", async () => {
    const bytes = buildDocx(wordParagraph("x".repeat(50_000)));
    await refuse(
      { bytes, filename: "big.docx" },
      { ...DEFAULT_EXTRACT_LIMITS, maxUnzippedBytes: 20_000 },
    ).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      details: { reason: "unzipped_too_large", maxUnzippedBytes: 20_000 },
    });
  });

  it("a .docx that is not a zip, or a zip with a broken directory or checksum, is DOCUMENT_UNREADABLE corrupt", async () => {
    await refuse({ bytes: Buffer.from("just some text"), filename: "a.docx" }).toMatchObject({
      code: "DOCUMENT_UNREADABLE",
      details: { reason: "corrupt" },
    });
    const good = buildDocx(wordParagraph("Hello"));
    await refuse({ bytes: good.subarray(0, good.length - 30), filename: "a.docx" }).toMatchObject({
      code: "DOCUMENT_UNREADABLE",
      details: { reason: "corrupt" },
    });
    const xml = `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${wordParagraph("Hi")}</w:body></w:document>`;
    const badCrc = rawZip([
      ...DOCX_HEADER_ENTRIES(),
      { ...storedEntry("word/document.xml", xml), crc: crc32(Buffer.from(xml)) ^ 1 },
    ]);
    await refuse({ bytes: badCrc, filename: "a.docx" }).toMatchObject({ details: { reason: "corrupt" } });
  });

  it("a zip that is not a Word document is UNSUPPORTED_FILE_TYPE, whatever its name", async () => {
    const zip = rawZip([storedEntry("notes.txt", "hello"), storedEntry("data.csv", "a,b")]);
    for (const filename of ["archive.zip", "report.docx", undefined]) {
      await refuse({ bytes: zip, filename }).toMatchObject({
        code: "UNSUPPORTED_FILE_TYPE",
        details: { detected: "application/zip" },
      });
    }
  });
});

describe("files that are not what they claim, or too large", () => {
  const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(56)]);

  it.each([
    ["a PNG sent as .pdf", tinyPng(), "scan.pdf", "image/png"],
    ["a PNG sent as .txt", tinyPng(), "notes.txt", "image/png"],
    ["an ELF binary sent as .txt", ELF, "notes.txt", "application/x-elf"],
    ["an ELF binary sent as .pdf", ELF, "paper.pdf", "application/x-elf"],
    ["a gzip file sent as .md", Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0]), "readme.md", "application/gzip"],
    [
      "unknown binary sent as .txt",
      Buffer.from([0x01, 0x02, 0x00, 0x03, 0x04]),
      "notes.txt",
      "application/octet-stream",
    ],
  ])("%s is UNSUPPORTED_FILE_TYPE", async (_, bytes, filename, detected) => {
    await refuse({ bytes, filename }).toMatchObject({ code: "UNSUPPORTED_FILE_TYPE", details: { detected } });
  });

  it("an input over maxBytes is PAYLOAD_TOO_LARGE before any parsing", async () => {
    const bytes = await ONE_PAGE();
    await refuse({ bytes, filename: "a.pdf" }, { ...DEFAULT_EXTRACT_LIMITS, maxBytes: bytes.length - 1 }).toMatchObject(
      {
        code: "PAYLOAD_TOO_LARGE",
        details: { bytes: bytes.length, maxBytes: bytes.length - 1 },
      },
    );
  });

  it("invalid UTF-8 is DOCUMENT_UNREADABLE invalid_utf8 with the offset of the first bad byte", async () => {
    const cases: [Buffer, number][] = [
      [Buffer.from([0x61, 0x62, 0x63, 0xc3, 0x28, 0x64]), 3], // truncated two-byte sequence
      [Buffer.concat([Buffer.from("héllo "), Buffer.from([0xff])]), 7], // a byte that never occurs
      [Buffer.concat([Buffer.from("ok "), Buffer.from([0xc0, 0xaf])]), 3], // overlong "/"
      [Buffer.concat([Buffer.from("x"), Buffer.from([0xed, 0xa0, 0x80])]), 1], // a UTF-16 surrogate
      [Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x80]), 4], // after a BOM, the offset still counts the BOM
    ];
    for (const [bytes, offset] of cases) {
      for (const filename of ["a.txt", "a.md", "a.csv", "a.html"]) {
        await refuse({ bytes, filename }).toMatchObject({
          code: "DOCUMENT_UNREADABLE",
          details: { reason: "invalid_utf8", offset },
        });
      }
    }
  });

  it("an empty file, or one that extracts to no text, is DOCUMENT_UNREADABLE empty", async () => {
    await refuse({ bytes: Buffer.alloc(0), filename: "a.txt" }).toMatchObject({ details: { reason: "empty" } });
    await refuse({ bytes: Buffer.from("\n\n  \r\n"), filename: "a.txt" }).toMatchObject({
      details: { reason: "empty" },
    });
    await refuse({
      bytes: Buffer.from("<html><body><script>x()</script></body></html>"),
      filename: "a.html",
    }).toMatchObject({
      code: "DOCUMENT_UNREADABLE",
      details: { reason: "empty" },
    });
    await refuse({ bytes: buildDocx(wordParagraph("")), filename: "a.docx" }).toMatchObject({
      details: { reason: "empty" },
    });
  });
});

describe("inputs built to make parsing or token counting quadratic", () => {
  // Each of these takes minutes to hours with a backtracking pattern or a whole-run BPE; linear code reads them in
  // milliseconds, so a regression shows up as this suite timing out.
  const HUGE = 200_000;
  const both = ["hostile.md", "hostile.txt"];
  const hostile: [string, string, string[]][] = [
    ["one 200k-letter word", "a".repeat(HUGE), both],
    ["200k spaces inside a line", `a${" ".repeat(HUGE)}b`, both],
    ["200k dashes", `x ${"-".repeat(HUGE)} y`, both],
    ["unclosed link brackets", "[".repeat(HUGE), ["hostile.md"]],
    ["unclosed emphasis", `${"**a ".repeat(HUGE / 4)}`, ["hostile.md"]],
    ["unclosed code spans", "`a ".repeat(HUGE / 3), ["hostile.md"]],
    ["a heading of spaces", `#${" ".repeat(HUGE)}x`, ["hostile.md"]],
    ["a heading of hashes", `# x${"#".repeat(HUGE)}y`, ["hostile.md"]],
    ["a table delimiter of spaces", `a | b\n|${" ".repeat(HUGE)}x`, ["hostile.md"]],
  ];

  it.each(hostile)("%s is read, billed and chunked without stalling", async (_, text, names) => {
    for (const name of names) {
      const doc = await extractDocument({ bytes: Buffer.from(text), filename: name }, DEFAULT_EXTRACT_LIMITS);
      const all = doc.blocks.map((b) => b.text).join("\n");
      expect(all).not.toMatch(/[\p{L}\p{M}]{101}|[^\s\p{L}\p{N}]{101}|\s{65}/u);
      expect(billableTokensOfText(text, name)).toBe(billableTokens(doc));
      expect(chunkDocument(doc).length).toBeGreaterThan(0);
    }
  });

  it("HTML nested deeper than browsers nest (linkedom parses depth quadratically) is refused before parsing", async () => {
    const deep = (open: string, close: string) =>
      `<html><body>${open.repeat(100_000)}deep${close.repeat(100_000)}</body></html>`;
    for (const html of [
      deep("<div>", "</div>"),
      deep("<b>", "</b>"),
      deep("<table>", ""),
      deep("<div/>", ""),
      deep("<li><p>", ""),
    ]) {
      await refuse({ bytes: Buffer.from(html), filename: "deep.html" }).toMatchObject({
        code: "DOCUMENT_UNREADABLE",
        details: { reason: "too_deeply_nested" },
      });
    }
  });

  it("reads what only looks deep: unclosed <p>/<li>, self-closed SVG shapes, tags inside scripts and comments", async () => {
    const read = async (html: string) =>
      (await extractDocument({ bytes: Buffer.from(html), filename: "a.html" }, DEFAULT_EXTRACT_LIMITS)).blocks;
    expect(await read(`<ul>${"<li>item".repeat(1_000)}</ul>`)).toHaveLength(1_000);
    expect(await read(`${"<p>paragraph".repeat(1_000)}`)).toHaveLength(1_000);
    const svg = `<p>chart below</p><svg>${'<path d="M0 0"/>'.repeat(1_000)}</svg>`;
    expect((await read(svg)).map((b) => b.text)).toEqual(["chart below"]);
    const hidden = `<script>${"'<div>'+".repeat(1_000)}''</script><!--${"<div>".repeat(1_000)}--><p>visible</p>`;
    expect((await read(hidden)).map((b) => b.text)).toEqual(["visible"]);
    const nested = `${"<div>".repeat(400)}<p>bottom</p>${"</div>".repeat(400)}`;
    expect((await read(nested)).map((b) => b.text)).toEqual(["bottom"]);
  });

  it("HTML of unterminated tags is scanned without stalling", async () => {
    const doc = await extractDocument(
      { bytes: Buffer.from(`x ${"<a".repeat(HUGE)}`), filename: "a.html" },
      DEFAULT_EXTRACT_LIMITS,
    );
    expect(doc.blocks.length).toBeGreaterThan(0);
  });

  it("HTML with a huge whitespace run in <pre> is read without stalling", async () => {
    const html = `<html><body><pre>code${" ".repeat(HUGE)}x</pre></body></html>`;
    const doc = await extractDocument({ bytes: Buffer.from(html), filename: "a.html" }, DEFAULT_EXTRACT_LIMITS);
    expect(doc.blocks.map((b) => b.text)).toEqual(["code x"]);
  });
});
