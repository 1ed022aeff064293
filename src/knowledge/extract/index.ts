import { ApiError } from "../../errors.js";
import { extractCsv } from "./csv.js";
import { Deadline } from "./deadline.js";
import { charsetOf, decodeText } from "./decode.js";
import { detectFormat } from "./detect.js";
import { extractDocx } from "./docx.js";
import { decodeHtml, extractHtml } from "./html.js";
import { extractPdf } from "./pdf.js";
import { assertNotEmpty, documentOfText, normalizeText, tidyDocument } from "./text.js";
import type { ExtractedDocument, ExtractInput, ExtractLimits } from "./types.js";

export { BLOCK_SEPARATOR, billableTokens, billableTokensOfText, documentText } from "./billable.js";
export type { SourceFormat } from "./detect.js";
export { extractText } from "./text.js";
export type { Block, ExtractedDocument, ExtractInput, ExtractLimits } from "./types.js";

/** Limits for one upload when configuration sets none. */
export const DEFAULT_EXTRACT_LIMITS: Readonly<Required<ExtractLimits>> = Object.freeze({
  maxBytes: 50 * 1024 * 1024,
  maxUnzippedBytes: 100 * 1024 * 1024,
  maxPages: 2_000,
  timeoutMs: 120_000,
  maxRows: 100_000,
  maxFieldChars: 1_000_000,
});

/**
 * Extracts the text of an uploaded file as blocks (with pages, headings and table rows kept). The format is decided
 * by its signature first, then its name or content type. Refusals are `ApiError`s: PAYLOAD_TOO_LARGE,
 * UNSUPPORTED_FILE_TYPE `{detected}`, or DOCUMENT_UNREADABLE `{reason}` (encrypted, corrupt, no_text_layer, empty,
 * invalid_utf8, zip_bomb, timeout).
 */
export async function extractDocument(input: ExtractInput, limits: ExtractLimits): Promise<ExtractedDocument> {
  const { bytes, filename, contentType } = input;
  if (bytes.length > limits.maxBytes) {
    throw new ApiError(
      "PAYLOAD_TOO_LARGE",
      `The file is ${bytes.length} bytes; at most ${limits.maxBytes} are allowed`,
      {
        bytes: bytes.length,
        maxBytes: limits.maxBytes,
      },
    );
  }
  if (bytes.length === 0) throw new ApiError("DOCUMENT_UNREADABLE", "The file is empty", { reason: "empty" });
  const deadline = new Deadline(limits.timeoutMs, input.signal);
  const format = detectFormat(bytes, filename, contentType);
  let doc: ExtractedDocument;
  switch (format) {
    case "pdf":
      doc = await extractPdf(bytes, limits, deadline);
      break;
    case "docx":
      doc = await extractDocx(bytes, limits, deadline);
      break;
    case "html":
      doc = extractHtml(decodeHtml(bytes, contentType));
      break;
    case "csv":
      doc = extractCsv(normalizeText(decodeText(bytes, charsetOf(contentType))), limits, filename);
      break;
    case "markdown":
      doc = documentOfText(decodeText(bytes, charsetOf(contentType)), "upload.md");
      break;
    case "text":
      doc = documentOfText(decodeText(bytes, charsetOf(contentType)));
      break;
  }
  deadline.check();
  return assertNotEmpty(tidyDocument(doc));
}
