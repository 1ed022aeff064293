import { zipSync } from "fflate";
import mammoth from "mammoth";
import { ApiError } from "../../errors.js";
import type { Deadline } from "./deadline.js";
import { blocksOfHtmlFragment } from "./html.js";
import type { ExtractedDocument, ExtractLimits } from "./types.js";
import { inflateEntry, readZipDirectory, type ZipEntry } from "./zip.js";

const DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

// Deflate cannot exceed ~1032:1; real Word XML compresses 5–30:1. Anything far above that in a sizeable part is
// built to exhaust memory, not to be read.
const MAX_RATIO = 200;
const RATIO_CHECK_FLOOR = 1 << 20;

/** Only the XML parts carry text; media and embedded files are never inflated (mammoth is told to skip images). */
const isTextPart = (name: string) => /\.(xml|rels)$/i.test(name);

function guardAgainstBombs(entries: ZipEntry[], limits: ExtractLimits): void {
  const parts = entries.filter((e) => isTextPart(e.name));
  const declared = parts.reduce((sum, e) => sum + e.uncompressedSize, 0);
  if (declared > limits.maxUnzippedBytes) {
    throw new ApiError("PAYLOAD_TOO_LARGE", `The document unpacks to ${declared} bytes`, {
      reason: "unzipped_too_large",
      unzippedBytes: declared,
      maxUnzippedBytes: limits.maxUnzippedBytes,
    });
  }
  for (const entry of parts) {
    const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
    if (entry.uncompressedSize > RATIO_CHECK_FLOOR && ratio > MAX_RATIO) {
      throw new ApiError("DOCUMENT_UNREADABLE", `${entry.name} claims a ${Math.round(ratio)}:1 compression ratio`, {
        reason: "zip_bomb",
      });
    }
  }
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (!name.startsWith("#")) return ENTITIES[name] ?? whole;
    const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function titleOf(core: Uint8Array | undefined): string | undefined {
  const raw = core
    ? Buffer.from(core)
        .toString("utf8")
        .match(/<dc:title>([^<]*)<\/dc:title>/)?.[1]
    : undefined;
  const title = raw ? unescapeXml(raw).trim() : "";
  return title || undefined;
}

function isWordDocument(contentTypes: string): boolean {
  for (const tag of contentTypes.match(/<Override\b[^>]*>/g) ?? []) {
    if (tag.includes(`"${DOCX_MAIN}"`) || tag.includes(`'${DOCX_MAIN}'`)) return true;
  }
  return false;
}

/**
 * Text of a Word .docx. The zip is vetted and inflated here, within `maxUnzippedBytes` and each part's declared
 * size, and mammoth reads a re-packed copy holding only those bounded parts: it never inflates attacker data itself.
 */
export async function extractDocx(
  bytes: Buffer,
  limits: ExtractLimits,
  deadline: Deadline,
): Promise<ExtractedDocument> {
  const entries = readZipDirectory(bytes);
  const types = entries.find((e) => e.name === "[Content_Types].xml");
  if (!types || !entries.some((e) => e.name.startsWith("word/"))) {
    throw new ApiError("UNSUPPORTED_FILE_TYPE", "This zip archive is not a Word document", {
      detected: "application/zip",
    });
  }
  guardAgainstBombs(entries, limits);
  // No prototype: an entry named "__proto__" must be just a name.
  const parts: Record<string, [Uint8Array, { level: 0 }]> = Object.create(null);
  for (const entry of entries) {
    if (entry.name.endsWith("/")) continue;
    deadline.check();
    parts[entry.name] = [isTextPart(entry.name) ? inflateEntry(bytes, entry) : new Uint8Array(0), { level: 0 }];
  }
  if (!isWordDocument(Buffer.from(parts["[Content_Types].xml"]![0]).toString("utf8"))) {
    throw new ApiError("UNSUPPORTED_FILE_TYPE", "This zip archive is not a Word document", {
      detected: "application/zip",
    });
  }
  const repacked = Buffer.from(zipSync(parts));
  let html: string;
  try {
    const result = await deadline.race(
      mammoth.convertToHtml(
        { buffer: repacked },
        { convertImage: mammoth.images.imgElement(async () => ({ src: "" })), externalFileAccess: false },
      ),
    );
    html = result.value;
  } catch (error) {
    if (error instanceof ApiError || deadline.aborted) throw error;
    throw new ApiError("DOCUMENT_UNREADABLE", "The Word document is damaged", { reason: "corrupt" });
  }
  deadline.check();
  const title = titleOf(parts["docProps/core.xml"]?.[0]);
  return { mimeType: DOCX_MIME, blocks: blocksOfHtmlFragment(html), ...(title ? { title } : {}) };
}
