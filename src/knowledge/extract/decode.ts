import { isUtf8 } from "node:buffer";
import { ApiError } from "../../errors.js";
import { firstInvalidUtf8 } from "../../lib/utf8.js";

function decodeStrict(bytes: Uint8Array, encoding: string, reason: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ApiError("DOCUMENT_UNREADABLE", `The text is not valid ${encoding}`, { reason });
  }
}

/**
 * Decodes text bytes strictly: UTF-16 only with its byte order mark, UTF-8 otherwise (BOM stripped), or a legacy
 * `charset` the source declared (HTML). Invalid UTF-8 is refused with the offset of the first bad byte rather than
 * indexed with replacement characters.
 */
export function decodeText(bytes: Buffer, charset?: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeStrict(bytes.subarray(2), "utf-16le", "invalid_utf16");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeStrict(bytes.subarray(2), "utf-16be", "invalid_utf16");
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  if (isUtf8(body)) return body.toString("utf8");
  const label = charset?.trim().toLowerCase();
  if (label && label !== "utf-8" && label !== "utf8") {
    let decoder: TextDecoder | undefined;
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      // An unknown label: fall through to the UTF-8 verdict.
    }
    if (decoder) return decodeStrict(body, label, "invalid_encoding");
  }
  const offset = firstInvalidUtf8(body) + (body === bytes ? 0 : 3);
  throw new ApiError("DOCUMENT_UNREADABLE", `The text is not valid UTF-8 (first invalid byte at offset ${offset})`, {
    reason: "invalid_utf8",
    offset,
  });
}

/** The `charset` parameter of a Content-Type header, if any. */
export function charsetOf(contentType?: string): string | undefined {
  return contentType?.match(/charset\s*=\s*"?([\w.:-]+)"?/i)?.[1];
}
