import { renderRow } from "./rows.js";
import type { Block } from "./types.js";

const SKIPPED = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "nav",
  "svg",
  "math",
  "iframe",
  "object",
  "embed",
  "canvas",
  "head",
  "select",
  "button",
]);

const BLOCK_LEVEL = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "body",
  "caption",
  "dd",
  "details",
  "dialog",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "header",
  "hr",
  "li",
  "main",
  "ol",
  "p",
  "section",
  "summary",
  "ul",
]);

const HEADING = /^h[1-6]$/;
const MAX_DEPTH = 200;

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

function tagOf(node: Node): string | undefined {
  return node.nodeType === 1 ? (node as Element).tagName.toLowerCase() : undefined;
}

function childElements(el: Element, tags: string[]): Element[] {
  return Array.from(el.childNodes).filter((n): n is Element => tags.includes(tagOf(n) ?? ""));
}

function tableRows(table: Element): { rows: Element[]; headRows: number } {
  const rows: Element[] = [];
  let headRows = 0;
  for (const part of childElements(table, ["thead", "tbody", "tfoot", "tr"])) {
    const partRows = tagOf(part) === "tr" ? [part] : childElements(part, ["tr"]);
    if (tagOf(part) === "thead") headRows += partRows.length;
    rows.push(...partRows);
  }
  return { rows, headRows };
}

/** Turns a DOM subtree into blocks: paragraphs, headings, list items, and table rows rendered with their header. */
export class HtmlBlockWriter {
  readonly blocks: Block[] = [];
  private buffer = "";
  private heading: string | undefined;

  write(node: Node): void {
    this.walk(node, 0);
    this.flush();
  }

  private push(text: string, kind: Block["kind"]): void {
    if (text === "") return;
    this.blocks.push({ text, kind, ...(this.heading ? { heading: this.heading } : {}) });
  }

  private flush(): void {
    const text = this.buffer
      .replace(/[^\S\n]+/g, " ")
      .replace(/ *\n */g, "\n")
      .trim();
    this.buffer = "";
    this.push(text, "text");
  }

  private walk(node: Node, depth: number): void {
    if (node.nodeType === 3) {
      this.buffer += (node.nodeValue ?? "").replace(/\s+/g, " ");
      return;
    }
    const tag = tagOf(node);
    if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) return;
    if (tag && SKIPPED.has(tag)) return;
    if (tag && (node as Element).getAttribute?.("role") === "navigation") return;
    if (tag === "br") {
      this.buffer += "\n";
      return;
    }
    if (tag && HEADING.test(tag)) {
      this.flush();
      const text = squash(node.textContent ?? "");
      if (text) {
        this.heading = text;
        this.push(text, "heading");
      }
      return;
    }
    if (tag === "pre") {
      this.flush();
      this.push((node.textContent ?? "").trimEnd().replace(/^\n+/, ""), "text");
      return;
    }
    if (tag === "table" && this.writeTable(node as Element)) return;
    const block = tag !== undefined && (BLOCK_LEVEL.has(tag) || tag === "table" || tag === "tr" || tag === "td");
    if (block) this.flush();
    // Past any sensible nesting the subtree is read as plain text: recursion must not follow a hostile depth.
    if (depth > MAX_DEPTH) this.buffer += ` ${squash(node.textContent ?? "")} `;
    else for (const child of Array.from(node.childNodes)) this.walk(child, depth + 1);
    if (block) this.flush();
  }

  /** Writes a data table row by row; returns false for a layout table, which is read as ordinary content. */
  private writeTable(table: Element): boolean {
    const { rows, headRows } = tableRows(table);
    const grid = rows.map((row) => childElements(row, ["td", "th"]));
    const layout = grid.some((cells) =>
      cells.some((cell) => cell.querySelector("table") !== null || (cell.textContent ?? "").length > 1000),
    );
    if (layout || grid.length === 0) return false;
    this.flush();
    const caption = childElements(table, ["caption"])[0];
    if (caption) this.push(squash(caption.textContent ?? ""), "text");
    const text = grid.map((cells) => cells.map((cell) => squash(cell.textContent ?? "")));
    if (text.length === 1) {
      this.push(text[0]!.filter(Boolean).join("; "), "text");
      return true;
    }
    // The header is the <thead>, else the first row (Word tables rarely mark theirs).
    const headerCount = Math.max(1, headRows);
    const header = text[headerCount - 1]!;
    for (const cells of text.slice(headerCount)) this.push(renderRow(header, cells), "row");
    return true;
  }
}
