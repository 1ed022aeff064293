import { getResolvedPDFJS } from "unpdf";
import { ApiError, isApiError } from "../../errors.js";
import type { Deadline } from "./deadline.js";
import { FontSizeStats, layoutParagraphs, type TextRun } from "./pdf-layout.js";
import type { Block, ExtractedDocument, ExtractLimits } from "./types.js";

function unreadable(reason: string, detail: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError("DOCUMENT_UNREADABLE", detail, { reason, ...extra });
}

function toApiError(error: unknown, deadline: Deadline): unknown {
  if (isApiError(error) || deadline.aborted) return error;
  const name = error instanceof Error ? error.name : "";
  if (name === "PasswordException") return unreadable("encrypted", "The PDF is protected by a password");
  return unreadable("corrupt", "The PDF is damaged or incomplete");
}

// pdf.js recovers from a cut-off file by scanning for objects and then reads whatever survived; a PDF without its
// closing `%%EOF` marker is an interrupted upload, and indexing half of it silently would be worse than refusing.
function assertComplete(bytes: Buffer): void {
  const tail = bytes.subarray(Math.max(0, bytes.length - 65_536));
  if (!tail.includes("%%EOF", 0, "latin1")) throw unreadable("corrupt", "The PDF is truncated (no %%EOF marker)");
}

/** The fields of pdf.js's `TextItem` that layout reads. */
interface PdfTextItem {
  str: string;
  transform: number[];
  width: number;
  hasEOL: boolean;
}

function runsOf(items: ReadonlyArray<object>): TextRun[] {
  const runs: TextRun[] = [];
  for (const item of items) {
    // Marked-content items carry no text.
    if (!("str" in item)) continue;
    const { str, transform: t, width, hasEOL } = item as PdfTextItem;
    runs.push({
      str,
      x: t[4] ?? 0,
      y: t[5] ?? 0,
      width: Number.isFinite(width) ? width : 0,
      fontSize: Math.hypot(t[2] ?? 0, t[3] ?? 0) || 1,
      hasEOL: hasEOL === true,
    });
  }
  return runs;
}

/**
 * Text of a PDF, one block per paragraph with its 1-based page number, read page by page (each page's text objects
 * are released before the next is parsed). Encrypted, damaged and image-only PDFs are refused with their reason.
 */
export async function extractPdf(bytes: Buffer, limits: ExtractLimits, deadline: Deadline): Promise<ExtractedDocument> {
  assertComplete(bytes);
  const pdfjs = await getResolvedPDFJS();
  const task = pdfjs.getDocument({
    // A copy: pdf.js may take ownership of the buffer it is given, and the caller still owns `bytes`.
    data: new Uint8Array(bytes),
    verbosity: 0,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    isOffscreenCanvasSupported: false,
  });
  try {
    const pdf = await deadline.race(task.promise);
    if (pdf.numPages > limits.maxPages) {
      throw new ApiError(
        "PAYLOAD_TOO_LARGE",
        `The PDF has ${pdf.numPages} pages; at most ${limits.maxPages} are allowed`,
        {
          reason: "too_many_pages",
          pages: pdf.numPages,
          maxPages: limits.maxPages,
        },
      );
    }
    const blocks: Block[] = [];
    const pagesWithoutText: number[] = [];
    const sizes = new FontSizeStats();
    let heading: string | undefined;
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await deadline.race(pdf.getPage(n));
      const content = await deadline.race(page.getTextContent());
      const paragraphs = layoutParagraphs(runsOf(content.items));
      page.cleanup();
      if (paragraphs.length === 0) pagesWithoutText.push(n);
      sizes.add(paragraphs);
      for (const p of paragraphs) {
        if (sizes.isHeading(p)) {
          heading = p.text;
          blocks.push({ text: p.text, page: n, heading, kind: "heading" });
        } else {
          blocks.push({ text: p.text, page: n, ...(heading ? { heading } : {}), kind: "text" });
        }
      }
    }
    if (blocks.length === 0) {
      throw unreadable("no_text_layer", "The PDF has no text layer (a scan?); run OCR on it first", {
        pages: pdf.numPages,
      });
    }
    const info = await deadline.race(pdf.getMetadata()).catch(() => undefined);
    const rawTitle = (info?.info as { Title?: unknown } | undefined)?.Title;
    const title = typeof rawTitle === "string" && rawTitle.trim() ? rawTitle.trim() : undefined;
    return {
      mimeType: "application/pdf",
      pages: pdf.numPages,
      blocks,
      ...(title ? { title } : {}),
      ...(pagesWithoutText.length > 0 ? { pagesWithoutText } : {}),
    };
  } catch (error) {
    throw toApiError(error, deadline);
  } finally {
    await task.destroy();
  }
}
