import { countTokens } from "../tokens.js";
import { documentOfText } from "./text.js";
import type { ExtractedDocument } from "./types.js";

/** Blocks are joined with one blank line between them, in document order; nothing else is added. */
export const BLOCK_SEPARATOR = "\n\n";

/**
 * The document's billable text: every block's text, in order, joined by `BLOCK_SEPARATOR`. Titles, page numbers
 * and headings recorded on blocks are metadata and not part of it (a heading is billed once, as its own block).
 */
export function documentText(doc: ExtractedDocument): string {
  return doc.blocks.map((b) => b.text).join(BLOCK_SEPARATOR);
}

/** Training charges 1 millicredit per o200k_base token of `documentText`; chunk overlap is never billed. */
export function billableTokens(doc: ExtractedDocument): number {
  return countTokens(documentText(doc));
}

/**
 * The tokens uploading `text` as JSON (`{text, name}`) is charged, for quotes: the same extraction, so the same
 * number. A text with nothing to index is quoted 0 (its upload is refused and charges nothing).
 */
export function billableTokensOfText(text: string, name?: string): number {
  return billableTokens(documentOfText(text, name));
}
