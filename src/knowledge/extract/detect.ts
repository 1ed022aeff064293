import { ApiError } from "../../errors.js";

/** The parsers `extractDocument` dispatches to. */
export type SourceFormat = "pdf" | "docx" | "markdown" | "html" | "csv" | "text";

export const MIME_TYPES: Record<SourceFormat, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  markdown: "text/markdown",
  html: "text/html",
  csv: "text/csv",
  text: "text/plain",
};

interface Magic {
  mime: string;
  offset?: number;
  bytes: number[] | string;
  /** A short signature that text could start with: it counts only when a NUL byte follows nearby. */
  short?: true;
}

// Formats we refuse, recognised by their signatures so that a PNG named `notes.txt` is never read as text.
const REFUSED: Magic[] = [
  { mime: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mime: "image/jpeg", bytes: [0xff, 0xd8, 0xff] },
  { mime: "image/gif", bytes: "GIF8", short: true },
  { mime: "image/webp", offset: 8, bytes: "WEBP" },
  { mime: "image/tiff", bytes: [0x49, 0x49, 0x2a, 0x00] },
  { mime: "image/tiff", bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { mime: "image/x-icon", bytes: [0x00, 0x00, 0x01, 0x00] },
  { mime: "video/mp4", offset: 4, bytes: "ftyp" },
  { mime: "application/x-elf", bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { mime: "application/x-msdownload", bytes: "MZ", short: true },
  { mime: "application/x-mach-binary", bytes: [0xcf, 0xfa, 0xed, 0xfe] },
  { mime: "application/x-mach-binary", bytes: [0xce, 0xfa, 0xed, 0xfe] },
  { mime: "application/x-mach-binary", bytes: [0xca, 0xfe, 0xba, 0xbe] },
  { mime: "application/wasm", bytes: [0x00, 0x61, 0x73, 0x6d] },
  { mime: "application/gzip", bytes: [0x1f, 0x8b] },
  { mime: "application/x-bzip2", bytes: "BZh91AY&SY" },
  { mime: "application/x-xz", bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { mime: "application/zstd", bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { mime: "application/x-7z-compressed", bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { mime: "application/vnd.rar", bytes: "Rar!\x1a\x07" },
  { mime: "application/x-ole-storage", bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] },
  { mime: "application/vnd.sqlite3", bytes: "SQLite format 3\0" },
  { mime: "application/rtf", bytes: "{\\rtf" },
  { mime: "application/postscript", bytes: "%!PS" },
  { mime: "audio/mpeg", bytes: "ID3", short: true },
  { mime: "audio/ogg", bytes: "OggS", short: true },
  { mime: "audio/flac", bytes: "fLaC", short: true },
  { mime: "audio/wav", offset: 8, bytes: "WAVE" },
];

function matches(bytes: Buffer, magic: Magic): boolean {
  const sig = typeof magic.bytes === "string" ? Buffer.from(magic.bytes, "latin1") : Buffer.from(magic.bytes);
  const offset = magic.offset ?? 0;
  if (bytes.length < offset + sig.length || !bytes.subarray(offset, offset + sig.length).equals(sig)) return false;
  return !magic.short || bytes.subarray(0, 64).includes(0);
}

const EXTENSIONS: Record<string, SourceFormat> = {
  pdf: "pdf",
  docx: "docx",
  md: "markdown",
  markdown: "markdown",
  html: "html",
  htm: "html",
  xhtml: "html",
  csv: "csv",
  tsv: "csv",
  txt: "text",
  text: "text",
};

const CONTENT_TYPES: Record<string, SourceFormat> = {
  "application/pdf": "pdf",
  [MIME_TYPES.docx]: "docx",
  "text/markdown": "markdown",
  "text/x-markdown": "markdown",
  "text/html": "html",
  "application/xhtml+xml": "html",
  "text/csv": "csv",
  "text/tab-separated-values": "csv",
  "text/plain": "text",
};

function hintedFormat(filename?: string, contentType?: string): SourceFormat | undefined {
  const ext = filename?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (ext && EXTENSIONS[ext]) return EXTENSIONS[ext];
  const mime = contentType?.split(";")[0]?.trim().toLowerCase();
  return mime ? CONTENT_TYPES[mime] : undefined;
}

function hasTextBom(bytes: Buffer): boolean {
  return (
    (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) ||
    (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes[0] === 0xfe && bytes[1] === 0xff)
  );
}

/** What a customer can upload instead, said the same way wherever a file is refused. */
export const WHAT_WORKS =
  "Knowledge bases accept PDF, Word (.docx), Markdown, HTML, CSV and plain-text files, or a website's address.";

/**
 * Decides which parser reads `bytes`: signatures first (so a binary is refused whatever its name), then the file
 * name's extension, then the declared content type, then a look at the text itself.
 */
export function detectFormat(bytes: Buffer, filename?: string, contentType?: string): SourceFormat {
  const head = bytes.subarray(0, 1024);
  if (head.includes("%PDF-", 0, "latin1")) return "pdf";
  if (matches(bytes, { mime: "application/zip", bytes: [0x50, 0x4b, 0x03, 0x04] })) return "docx";
  if (matches(bytes, { mime: "application/zip", bytes: [0x50, 0x4b, 0x05, 0x06] })) return "docx";
  for (const magic of REFUSED) {
    if (matches(bytes, magic)) {
      throw new ApiError("UNSUPPORTED_FILE_TYPE", `This file cannot be indexed. ${WHAT_WORKS}`, {
        detected: magic.mime,
      });
    }
  }
  const hinted = hintedFormat(filename, contentType);
  // A file that claims to be a PDF or .docx but lacks the signature is a damaged one, reported as such.
  if (hinted === "pdf" || hinted === "docx") return hinted;
  if (!hasTextBom(bytes) && bytes.subarray(0, 8192).includes(0)) {
    throw new ApiError("UNSUPPORTED_FILE_TYPE", `This file is not text, so it cannot be indexed. ${WHAT_WORKS}`, {
      detected: "application/octet-stream",
    });
  }
  if (hinted) return hinted;
  const start = bytes.subarray(0, 512).toString("latin1").trimStart().toLowerCase();
  if (start.startsWith("<!doctype html") || start.startsWith("<html")) return "html";
  return "text";
}
