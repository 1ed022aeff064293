import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import { charsetOf, decodeText } from "./decode.js";
import { HtmlBlockWriter } from "./html-blocks.js";
import { assertShallowHtml } from "./html-guard.js";
import type { Block, ExtractedDocument } from "./types.js";

function parseDocument(html: string): Document {
  assertShallowHtml(html);
  // linkedom builds no <html> element for a fragment; give it one.
  const { document } = parseHTML(/<html[\s>]/i.test(html) ? html : `<!DOCTYPE html><html><body>${html}</body></html>`);
  if (document.documentElement) return document;
  return parseHTML(`<!DOCTYPE html><html><body>${html}</body></html>`).document;
}

/** Blocks of an HTML fragment that is all content (mammoth's rendering of a .docx): no boilerplate removal. */
export function blocksOfHtmlFragment(html: string): Block[] {
  const writer = new HtmlBlockWriter();
  writer.write(parseDocument(html).body);
  return writer.blocks;
}

// Readability scores every element by the text beneath it, which is quadratic in nesting depth (a 30 KB chain of
// 5,000 <div>s ran for minutes) and slow on very large pages under linkedom. Past these bounds the page is read
// whole, minus its chrome; no real article needs either.
const READABILITY_MAX_CHARS = 2_000_000;
const READABILITY_MAX_DEPTH = 100;

function deeperThan(root: Element, limit: number): boolean {
  const stack: [Element, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [el, depth] = stack.pop()!;
    if (depth > limit) return true;
    for (const child of Array.from(el.children)) stack.push([child, depth + 1]);
  }
  return false;
}

function article(document: Document): Node | undefined {
  const parsed = new Readability<Node>(document, { serializer: (node) => node }).parse();
  return parsed?.content && (parsed.textContent ?? "").trim() !== "" ? parsed.content : undefined;
}

function mainContent(html: string): { node: Node; title?: string } {
  const document = parseDocument(html);
  const pageTitle = document.title?.trim() || undefined;
  const readable = html.length <= READABILITY_MAX_CHARS && !deeperThan(document.documentElement, READABILITY_MAX_DEPTH);
  const found = readable ? article(document) : undefined;
  if (found) return { node: found, title: pageTitle };
  // No article found (a short page, a list of links) or none looked for: the whole body minus its chrome.
  const fallback = readable ? parseDocument(html) : document;
  for (const el of Array.from(fallback.querySelectorAll("nav, aside, footer, [role=navigation]"))) el.remove();
  const body = fallback.body;
  // linkedom leaves text written straight into <html> outside <body>.
  const node = body && (body.textContent ?? "").trim() !== "" ? body : fallback.documentElement;
  return { node, title: pageTitle };
}

/** Decodes HTML bytes: UTF-8 unless the page or its Content-Type declares another charset. */
export function decodeHtml(bytes: Buffer, contentType?: string): string {
  const head = bytes.subarray(0, 2048).toString("latin1");
  const declared = head.match(/<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i)?.[1];
  return decodeText(bytes, charsetOf(contentType) ?? declared);
}

/** The main content of a web page or HTML file, with headings kept and tables rendered row by row. */
export function extractHtml(html: string): ExtractedDocument {
  const { node, title } = mainContent(html);
  const writer = new HtmlBlockWriter();
  writer.write(node);
  const firstHeading = writer.blocks.find((b) => b.kind === "heading")?.text;
  const resolvedTitle = title ?? firstHeading;
  return { mimeType: "text/html", blocks: writer.blocks, ...(resolvedTitle ? { title: resolvedTitle } : {}) };
}
