import { describe, expect, it } from "vitest";
import {
  BLOCK_SEPARATOR,
  billableTokens,
  billableTokensOfText,
  DEFAULT_EXTRACT_LIMITS,
  documentText,
  extractDocument,
  extractText,
} from "../../../src/knowledge/extract/index.js";
import { countTokens } from "../../../src/knowledge/tokens.js";

const upload = (bytes: Buffer, filename = "notes.txt") => extractDocument({ bytes, filename }, DEFAULT_EXTRACT_LIMITS);

describe("plain text", () => {
  it("makes one block per paragraph, keeping the lines inside a paragraph", () => {
    const doc = extractText("First line\nsecond line\r\n\r\n\n  Second paragraph.  \n\n\n");
    expect(doc.mimeType).toBe("text/plain");
    expect(doc.blocks).toEqual([
      { text: "First line\nsecond line", kind: "text" },
      { text: "Second paragraph.", kind: "text" },
    ]);
  });

  it("strips a UTF-8 byte order mark", async () => {
    const doc = await upload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("Grüße aus Köln")]));
    expect(doc.blocks).toEqual([{ text: "Grüße aus Köln", kind: "text" }]);
  });

  it("decodes UTF-16 little- and big-endian text that starts with a byte order mark", async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Ünïcödé 😀 text", "utf16le")]);
    const be = Buffer.from(le);
    be.swap16();
    be[0] = 0xfe;
    be[1] = 0xff;
    expect((await upload(le)).blocks[0]!.text).toBe("Ünïcödé 😀 text");
    expect((await upload(be)).blocks[0]!.text).toBe("Ünïcödé 😀 text");
  });

  it("reads a short first line followed by a blank line as the title, the heading of what follows", async () => {
    const text = "Vitamin D and bone density\n\nA trial of 400 adults.\nSecond line.\n\nResults were mixed.";
    const expected = [
      { text: "Vitamin D and bone density", kind: "heading", heading: "Vitamin D and bone density" },
      { text: "A trial of 400 adults.\nSecond line.", kind: "text", heading: "Vitamin D and bone density" },
      { text: "Results were mixed.", kind: "text", heading: "Vitamin D and bone density" },
    ];
    // JSON text and an uploaded .txt file read the same, and index the title as a Markdown `#` title is indexed.
    for (const doc of [extractText(text), await upload(Buffer.from(text))]) {
      expect(doc.title).toBe("Vitamin D and bone density");
      expect(doc.blocks).toEqual(expected);
    }
    const markdown = extractText(text.replace(/^/, "# "), "a.md");
    expect(markdown.title).toBe("Vitamin D and bone density");
    expect(markdown.blocks.map((b) => [b.kind, b.heading])).toEqual(expected.map((b) => [b.kind, b.heading]));
    // The title is billed once, as its own block, exactly as before it was recognised.
    expect(billableTokens(extractText(text))).toBe(countTokens(text));
  });

  it("does not read a title into a lone line, a first paragraph of several lines, a long line or a clause", () => {
    const noTitle = [
      "Just one line of text",
      "First line\nof a paragraph\n\nMore.",
      `${"word ".repeat(70).trim()}\n\nMore.`,
      "Dear team,\n\nThe meeting moved.",
      "Note:\n\nThe meeting moved.",
    ];
    for (const text of noTitle) {
      const doc = extractText(text);
      expect(doc.title, text).toBeUndefined();
      expect(doc.blocks.every((b) => b.kind === "text" && b.heading === undefined)).toBe(true);
    }
  });

  it("refuses text with nothing in it", () => {
    expect(() => extractText(" \n\n\t ")).toThrowError(
      expect.objectContaining({ code: "DOCUMENT_UNREADABLE", details: { reason: "empty" } }),
    );
  });
});

describe("Markdown", () => {
  const source = [
    "---",
    "title: Handbook",
    "---",
    "Intro before any heading, with **bold** and a [link](https://example.com).",
    "",
    "# Setup",
    "",
    "Install the *package*",
    "and run `npm start`.",
    "",
    "- first step",
    "- second step",
    "  continued",
    "",
    "Usage",
    "-----",
    "",
    "```sh",
    "npm run build",
    "",
    "npm test",
    "```",
    "",
    "| Flag | Meaning |",
    "|------|---------|",
    "| -v   | verbose |",
    "| -q   | quiet   |",
  ].join("\n");

  it("gives blocks per paragraph, list, code block and table row, each with its nearest heading", () => {
    const doc = extractText(source, "handbook.md");
    expect(doc.mimeType).toBe("text/markdown");
    expect(doc.title).toBe("Handbook");
    expect(doc.blocks).toEqual([
      { text: "Intro before any heading, with bold and a link.", kind: "text" },
      { text: "Setup", kind: "heading", heading: "Setup" },
      { text: "Install the package and run npm start.", kind: "text", heading: "Setup" },
      { text: "first step\nsecond step continued", kind: "text", heading: "Setup" },
      { text: "Usage", kind: "heading", heading: "Usage" },
      { text: "npm run build\n\nnpm test", kind: "text", heading: "Usage" },
      { text: "Flag: -v; Meaning: verbose", kind: "row", heading: "Usage" },
      { text: "Flag: -q; Meaning: quiet", kind: "row", heading: "Usage" },
    ]);
  });

  it("reads an uploaded .md file the same way as Markdown sent as JSON", async () => {
    const doc = await upload(Buffer.from(source), "handbook.md");
    expect(doc).toEqual(extractText(source, "handbook.md"));
  });

  it("reads JSON text named .csv or .html as CSV rows or HTML", () => {
    expect(extractText("name,city\nAda,Paris\n", "people.csv").blocks).toEqual([
      { text: "name: Ada; city: Paris", kind: "row" },
    ]);
    expect(extractText("<h2>Hours</h2><p>Open daily.</p>", "hours.html").blocks).toEqual([
      { text: "Hours", kind: "heading", heading: "Hours" },
      { text: "Open daily.", kind: "text", heading: "Hours" },
    ]);
  });

  it("treats the same text as plain text when the name is not Markdown", () => {
    expect(extractText("# Not a heading here", "notes.txt").blocks).toEqual([
      { text: "# Not a heading here", kind: "text" },
    ]);
  });
});

describe("billable text", () => {
  it("is the blocks joined by one blank line, and its o200k_base token count", () => {
    const doc = extractText("# Title\n\nBody text here.\n\n| a | b |\n|---|---|\n| 1 | 2 |", "x.md");
    expect(BLOCK_SEPARATOR).toBe("\n\n");
    expect(documentText(doc)).toBe("Title\n\nBody text here.\n\na: 1; b: 2");
    expect(billableTokens(doc)).toBe(countTokens("Title\n\nBody text here.\n\na: 1; b: 2"));
  });

  it("quotes raw text exactly what uploading it charges, as JSON or as a .txt/.md file", async () => {
    const samples: [string, string | undefined][] = [
      ["\uFEFFWindows\r\nline endings\r\n\r\nand a form\ffeed", undefined],
      ["Plain text with   spaces \t\n\n\n\nand <|endoftext|> inside", "notes.txt"],
      ["# Heading\n\nSome *markdown* with a [link](http://x.test).\n\n- a\n- b", "doc.md"],
      ["日本語のテキスト。次の文。\n\nEmoji 👩‍👩‍👧 and accents é è", undefined],
      ["name;city\r\nAda;Paris\r\nGrace;Berlin\r\n", "people.csv"],
      ["<title>T</title><h2>Hours</h2><p>Open <b>daily</b>.</p><script>x()</script>", "hours.html"],
    ];
    for (const [text, name] of samples) {
      const quoted = billableTokensOfText(text, name);
      expect(quoted).toBe(billableTokens(extractText(text, name)));
      const file = await upload(Buffer.from(text, "utf8"), name ?? "upload.txt");
      expect(billableTokens(file)).toBe(quoted);
      expect(quoted).toBeGreaterThan(0);
    }
  });

  it("quotes 0 for a text with nothing to index (its upload is refused)", () => {
    expect(billableTokensOfText("\n \n")).toBe(0);
  });
});
