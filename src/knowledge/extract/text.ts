import { ApiError } from "../../errors.js";
import { extractCsv } from "./csv.js";
import { extractHtml } from "./html.js";
import { markdownBlocks } from "./markdown.js";
import type { Block, ExtractedDocument } from "./types.js";

const CONTROL = /(?![\t\n])\p{Cc}/gu;

/**
 * Line endings to `\n`, a leading byte order mark dropped, and control characters (C0 and C1) other than tab and
 * newline removed (a form feed becomes a paragraph break): the same text then yields the same blocks, and the same
 * bill, whether it arrives as a file or as JSON.
 */
export function normalizeText(text: string): string {
  return text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .replace(/\f/g, "\n\n")
    .replace(CONTROL, "");
}

/** Plain text as blocks: one per paragraph (text between blank lines), lines inside a paragraph kept. */
export function plainBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  for (const paragraph of text.split(/\n[ \t]*\n/)) {
    // Line by line: a `[ \t]+$` pattern over the whole text backtracks quadratically on long runs of spaces.
    const trimmed = paragraph
      .split("\n")
      .map((line) => line.trimEnd())
      .join("\n")
      .trim();
    if (trimmed !== "") blocks.push({ text: trimmed, kind: "text" });
  }
  return blocks;
}

/** The longest first line read as a plain text's title (SciFact's titles reach 300 characters; a paragraph is longer). */
const MAX_TITLE_CHARS = 300;

/**
 * Plain text as a document. A short single first line followed by a blank line and more text ("Title\n\nBody…") is
 * the title: it becomes a heading block and the heading of every block below it, as a Markdown `#` title, an HTML
 * `<h1>` or a Word heading does, so search weighs it the same whichever format it was uploaded in. A first line ending
 * like a clause (`,` `;` `:`) is the start of the prose, not a title.
 */
export function plainDocument(text: string): ExtractedDocument {
  const blocks = plainBlocks(text);
  const first = blocks[0]?.text;
  const isTitle =
    first !== undefined &&
    blocks.length > 1 &&
    !first.includes("\n") &&
    first.length <= MAX_TITLE_CHARS &&
    !/[,;:]$/.test(first);
  if (!isTitle) return { mimeType: "text/plain", blocks };
  return {
    mimeType: "text/plain",
    title: first,
    blocks: blocks.map((b, i) => ({ ...b, heading: first, ...(i === 0 ? { kind: "heading" as const } : {}) })),
  };
}

// gpt-tokenizer's BPE is quadratic in the length of one pre-token (a run of letters, of symbols, or of whitespace):
// 100,000 "a"s take 40 s to count, so a hostile upload could stall billing and chunking for hours. Such runs are
// never prose; they are broken up (letters and symbols every 100 code points, whitespace collapsed) before anything
// counts them, identically for files and for JSON text, so quotes and charges still agree.
const MAX_RUN = 100;
const LONG_WHITESPACE = /\s{65,}/g;
const LONG_LETTERS = /[\p{L}\p{M}]{101,}/gu;
const LONG_SYMBOLS = /[^\s\p{L}\p{N}]{101,}/gu;

function splitRun(run: string): string {
  const chars = Array.from(run);
  const parts: string[] = [];
  for (let i = 0; i < chars.length; i += MAX_RUN) parts.push(chars.slice(i, i + MAX_RUN).join(""));
  return parts.join(" ");
}

/** Breaks runs no tokenizer should be fed whole (see above); idempotent. */
export function breakLongRuns(text: string): string {
  return text
    .replace(LONG_WHITESPACE, (run) => (run.includes("\n\n") ? "\n\n" : run.includes("\n") ? "\n" : " "))
    .replace(LONG_LETTERS, splitRun)
    .replace(LONG_SYMBOLS, splitRun);
}

const tidy = (text: string) => breakLongRuns(text.replace(CONTROL, "")).trim();

/**
 * The last step of every extraction: control characters dropped (NUL included, which PostgreSQL cannot store; a PDF's
 * text layer or title may hold any), long runs broken, blocks trimmed, empties gone.
 */
export function tidyDocument(doc: ExtractedDocument): ExtractedDocument {
  const blocks: Block[] = [];
  for (const block of doc.blocks) {
    const text = tidy(block.text);
    if (text === "") continue;
    const heading = block.heading === undefined ? undefined : tidy(block.heading);
    blocks.push({ ...block, text, ...(heading !== undefined ? { heading } : {}) });
  }
  const title = doc.title === undefined ? undefined : tidy(doc.title) || undefined;
  const { title: _, ...rest } = doc;
  return { ...rest, blocks, ...(title !== undefined ? { title } : {}) };
}

/**
 * The document a text makes, empty or not. The name's extension picks the reading: `.md`/`.markdown` as Markdown,
 * `.html`/`.htm` as HTML, `.csv`/`.tsv` as CSV rows (with the default row limits), anything else as plain text.
 */
export function documentOfText(text: string, name?: string): ExtractedDocument {
  return tidyDocument(readText(text, name));
}

function readText(text: string, name?: string): ExtractedDocument {
  const extension = name?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (extension === "html" || extension === "htm") return extractHtml(text);
  const normalized = normalizeText(text);
  if (extension === "csv" || extension === "tsv") return extractCsv(normalized, {}, name);
  if (extension === "md" || extension === "markdown") {
    const { blocks, title } = markdownBlocks(normalized);
    return { mimeType: "text/markdown", blocks, ...(title ? { title } : {}) };
  }
  return plainDocument(normalized);
}

/** Throws DOCUMENT_UNREADABLE `empty` when extraction produced no text at all. */
export function assertNotEmpty(doc: ExtractedDocument): ExtractedDocument {
  if (!doc.blocks.some((b) => b.text.trim() !== "")) {
    throw new ApiError("DOCUMENT_UNREADABLE", "The document contains no text", { reason: "empty" });
  }
  return doc;
}

/** Raw text sent as JSON (`{text, name}`), as a document: Markdown-, HTML- or CSV-aware by `name` (see above). */
export function extractText(text: string, name?: string): ExtractedDocument {
  return assertNotEmpty(documentOfText(text, name));
}
