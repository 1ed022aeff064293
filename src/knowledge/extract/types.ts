/** A unit of extracted text that chunking never splits across pages or away from its context. */
export interface Block {
  text: string;
  /** 1-based page number for paginated sources (PDF). */
  page?: number;
  /** The nearest heading above the block (HTML, Markdown, .docx, PDF); a `heading` block carries its own text. */
  heading?: string;
  /** `row` is one table row rendered with its header ("Name: Ada; Role: engineer"). */
  kind: "text" | "heading" | "row";
}

export interface ExtractedDocument {
  /** The detected type, e.g. `application/pdf`, `text/markdown`. */
  mimeType: string;
  title?: string;
  /** Page count of paginated sources (PDF). */
  pages?: number;
  /** PDF pages that had no text layer (scanned images) while other pages did; their content is not indexed. */
  pagesWithoutText?: number[];
  blocks: Block[];
}

export interface ExtractLimits {
  maxBytes: number;
  /** Decompressed size allowed for zip-based formats (.docx), against zip bombs. */
  maxUnzippedBytes: number;
  maxPages: number;
  /** Wall-clock budget for one extraction. */
  timeoutMs: number;
  /** CSV data rows allowed (the header excluded); default 100,000. */
  maxRows?: number;
  /** Characters allowed in one CSV record; default 1,000,000. */
  maxFieldChars?: number;
}

/** What `extractDocument` reads: the raw bytes and the hints a client sent with them. */
export interface ExtractInput {
  bytes: Buffer;
  filename?: string;
  contentType?: string;
  /** Aborts the extraction (for example when the ingestion job is cancelled). */
  signal?: AbortSignal;
}
