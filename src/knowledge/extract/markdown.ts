import { renderRow } from "./rows.js";
import type { Block } from "./types.js";

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}(#{1,6})(?=[ \t]|$)/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const BREAK = /^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+/;
const TABLE_DELIMITER = /^\|?:?-+:?(\|:?-+:?)*\|?$/;
const REFERENCE = /^ {0,3}\[[^\]]+\]:\s*\S+/;

/**
 * Strips inline Markdown (links, images, emphasis, code spans) down to the words a reader sees. Every span pattern
 * is bounded and excludes its own opening marker: otherwise it rescans the rest of the line from each opener, and a
 * hostile line of a hundred thousand `[` or `**` would take minutes.
 */
export function plainInline(text: string): string {
  return text
    .replace(/!\[([^[\]]{0,300})\]\([^()]{0,2000}\)/g, "$1")
    .replace(/\[([^[\]]{1,300})\]\([^()]{0,2000}\)/g, "$1")
    .replace(/\[([^[\]]{1,300})\]\[[^[\]]{0,300}\]/g, "$1")
    .replace(/<((?:https?|mailto):[^<>\s]{1,2000})>/g, "$1")
    .replace(/`{1,3}([^`]{1,1000}?)`{1,3}/g, "$1")
    .replace(/\*\*(?=\S)([^*]{1,300}?)(?<=\S)\*\*/g, "$1")
    .replace(/__(?=\S)([^_]{1,300}?)(?<=\S)__/g, "$1")
    .replace(/~~(?=\S)([^~]{1,300}?)(?<=\S)~~/g, "$1")
    .replace(/(^|[^\w*])\*(?=\S)([^*]{1,300}?)(?<=\S)\*(?![\w*])/g, "$1$2")
    .replace(/(^|[^\w])_(?=\S)([^_]{1,300}?)(?<=\S)_(?!\w)/g, "$1$2")
    .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, "$1")
    .trim();
}

/** The text of an ATX heading line: after the `#`s, without an optional closing run of `#`s. */
function atxText(line: string, marker: string): string {
  let text = line.slice(line.indexOf(marker) + marker.length).trim();
  let closing = 0;
  while (text[text.length - 1 - closing] === "#") closing++;
  if (closing > 0 && (closing === text.length || /[ \t]/.test(text[text.length - closing - 1]!))) {
    text = text.slice(0, text.length - closing).trim();
  }
  return text;
}

/** A GFM table delimiter row (`|---|:--:|`); spaces are dropped first so the pattern cannot backtrack on them. */
function isDelimiterRow(line: string | undefined): boolean {
  if (line === undefined || !line.includes("|") || !/^[ \t|:-]+$/.test(line)) return false;
  return TABLE_DELIMITER.test(line.replace(/[ \t]/g, ""));
}

function tableCells(line: string): string[] {
  const trimmed = line
    .trim()
    .replace(/^\|/, "")
    .replace(/(?<!\\)\|$/, "");
  return trimmed.split(/(?<!\\)\|/).map((cell) => plainInline(cell.replace(/\\\|/g, "|")));
}

/** Markdown as blocks: one per paragraph, list, code block and table row, each with the nearest heading above it. */
export function markdownBlocks(source: string): { blocks: Block[]; title?: string } {
  const lines = source.split("\n");
  const blocks: Block[] = [];
  let heading: string | undefined;
  let title: string | undefined;
  let paragraph: string[] = [];
  let inList = false;

  const push = (text: string, kind: Block["kind"]) => {
    if (text.trim() !== "") blocks.push({ text, kind, ...(heading ? { heading } : {}) });
  };
  const flush = () => {
    // A list keeps one item a line; a paragraph's soft line breaks are spaces, as Markdown renders them.
    push(
      paragraph
        .map(plainInline)
        .join(inList ? "\n" : " ")
        .trim(),
      "text",
    );
    paragraph = [];
    inList = false;
  };
  const setHeading = (raw: string, level: number) => {
    const text = plainInline(raw);
    if (!text) return;
    heading = text;
    if (level === 1) title ??= text;
    push(text, "heading");
  };

  let i = 0;
  if (lines[0]?.trim() === "---") {
    const end = lines.findIndex((l, n) => n > 0 && (l.trim() === "---" || l.trim() === "..."));
    if (end > 0) {
      const raw = lines.slice(1, end).find((l) => l.startsWith("title:"));
      title = raw
        ?.slice("title:".length)
        .trim()
        .replace(/^(["'])(.*)\1$/, "$2")
        .trim();
      i = end + 1;
    }
  }
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = line.match(FENCE);
    if (line.trim() === "") {
      flush();
    } else if (fence) {
      flush();
      const marker = fence[1]!;
      const code: string[] = [];
      for (i++; i < lines.length; i++) {
        const close = lines[i]!.trim();
        if (close.startsWith(marker) && close.replace(/[`~]/g, "") === "") break;
        code.push(lines[i]!);
      }
      push(code.join("\n").trimEnd(), "text");
    } else if (ATX.test(line)) {
      flush();
      const marker = line.match(ATX)![1]!;
      setHeading(atxText(line, marker), marker.length);
    } else if (paragraph.length > 0 && !inList && SETEXT.test(line)) {
      const text = paragraph.join(" ");
      paragraph = [];
      setHeading(text, line.trim().startsWith("=") ? 1 : 2);
    } else if (BREAK.test(line) || REFERENCE.test(line)) {
      flush();
    } else if (line.includes("|") && isDelimiterRow(lines[i + 1])) {
      flush();
      const header = tableCells(line);
      for (i += 2; i < lines.length && lines[i]!.trim() !== "" && lines[i]!.includes("|"); i++) {
        push(renderRow(header, tableCells(lines[i]!)), "row");
      }
      i--;
    } else if (paragraph.length === 0 && /^( {4}|\t)/.test(line)) {
      const code = [line];
      while (i + 1 < lines.length && (/^( {4}|\t)/.test(lines[i + 1]!) || lines[i + 1]!.trim() === ""))
        code.push(lines[++i]!);
      push(
        code
          .map((l) => l.replace(/^( {4}|\t)/, ""))
          .join("\n")
          .trimEnd(),
        "text",
      );
    } else if (LIST_ITEM.test(line)) {
      if (!inList) flush();
      inList = true;
      paragraph.push(line.replace(LIST_ITEM, ""));
    } else {
      const quoted = line.replace(/^ {0,3}>[ \t]?/, "");
      if (inList && /^\s/.test(line)) paragraph[paragraph.length - 1] += ` ${quoted.trim()}`;
      else paragraph.push(quoted.trim());
    }
  }
  flush();
  return { blocks, ...(title ? { title } : {}) };
}
