/** A unit of extracted text that chunking never splits across pages or away from its context. */
export interface Block {
  text: string;
  /** 1-based page number for paginated sources (PDF). */
  page?: number;
  /** The nearest heading above the block (HTML, Markdown, .docx), if any. */
  heading?: string;
  /** `row` is one table row rendered with its header ("Name: Ada; Role: engineer"). */
  kind: "text" | "heading" | "row";
}

export interface ExtractedDocument {
  /** The detected type, e.g. `application/pdf`, `text/markdown`. */
  mimeType: string;
  title?: string;
  pages?: number;
  blocks: Block[];
}

export interface ExtractLimits {
  maxBytes: number;
  /** Decompressed size allowed for zip-based formats (.docx), against zip bombs. */
  maxUnzippedBytes: number;
  maxPages: number;
  /** Wall-clock budget for one extraction. */
  timeoutMs: number;
}
