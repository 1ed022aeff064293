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

/**
 * A lone low surrogate: what `decodeMarkingInvalid` puts where the bytes were not UTF-8. It can never come out of
 * valid UTF-8, and a text holding it is refused by `textFault` exactly like one holding an escaped lone surrogate.
 */
export const INVALID_BYTES_MARK = "\uDFFF";

/**
 * Decodes bytes as UTF-8, each byte that is not part of a valid sequence becoming `INVALID_BYTES_MARK` (rather than
 * U+FFFD, which a client may legitimately send): the caller can then tell which field the bad bytes were in.
 */
export function decodeMarkingInvalid(bytes: Buffer): string {
  let text = "";
  let start = 0;
  for (;;) {
    const bad = firstInvalidUtf8(bytes.subarray(start));
    if (bad < 0) return text + bytes.toString("utf8", start);
    text += bytes.toString("utf8", start, start + bad) + INVALID_BYTES_MARK;
    start += bad + 1;
  }
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a text cannot be stored as given, or undefined when it can: PostgreSQL refuses U+0000 in text and JSON, and
 * an unpaired surrogate has no UTF-8 form (drivers would silently write U+FFFD in its place).
 */
export function textFault(text: string): "nul" | "not_utf8" | undefined {
  if (text.includes("\u0000")) return "nul";
  if (UNPAIRED_SURROGATE.test(text)) return "not_utf8";
  return undefined;
}
