import { isUtf8 } from "node:buffer";
import { ApiError } from "../../errors.js";

/** Byte offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid too.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

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
