import { crc32, inflateRawSync } from "node:zlib";
import { ApiError } from "../../errors.js";

/** One file of a zip archive, as its central directory declares it (nothing is inflated to read this). */
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const MAX_ENTRIES = 10_000;

function corrupt(detail: string): ApiError {
  return new ApiError("DOCUMENT_UNREADABLE", detail, { reason: "corrupt" });
}

function findEndOfDirectory(bytes: Buffer): number {
  const last = bytes.length - 22;
  for (let i = last; i >= Math.max(0, last - 65_535); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) return i;
  }
  throw corrupt("Not a zip archive (no end of central directory)");
}

function readU64(bytes: Buffer, at: number): number {
  const value = bytes.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt("Zip64 size out of range");
  return Number(value);
}

/** Entry count, directory offset and size, from the classic record or its Zip64 extension. */
function directoryBounds(bytes: Buffer, eocd: number): { count: number; offset: number; size: number } {
  let count = bytes.readUInt16LE(eocd + 10);
  let size = bytes.readUInt32LE(eocd + 12);
  let offset = bytes.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || bytes.readUInt32LE(locator) !== 0x07064b50) throw corrupt("Zip64 locator missing");
    const record = readU64(bytes, locator + 8);
    if (record + 56 > bytes.length || bytes.readUInt32LE(record) !== 0x06064b50) throw corrupt("Zip64 record missing");
    count = readU64(bytes, record + 32);
    size = readU64(bytes, record + 40);
    offset = readU64(bytes, record + 48);
  }
  if (offset + size > bytes.length) throw corrupt("The zip's central directory lies outside the file");
  return { count, offset, size };
}

function applyZip64Extra(bytes: Buffer, start: number, end: number, entry: ZipEntry): void {
  let at = start;
  while (at + 4 <= end) {
    const id = bytes.readUInt16LE(at);
    const length = bytes.readUInt16LE(at + 2);
    let field = at + 4;
    if (id === 0x0001) {
      // Only the fields whose classic value is saturated are present, in this order.
      if (entry.uncompressedSize === 0xffffffff && field + 8 <= end) {
        entry.uncompressedSize = readU64(bytes, field);
        field += 8;
      }
      if (entry.compressedSize === 0xffffffff && field + 8 <= end) {
        entry.compressedSize = readU64(bytes, field);
        field += 8;
      }
      if (entry.localHeaderOffset === 0xffffffff && field + 8 <= end) entry.localHeaderOffset = readU64(bytes, field);
      return;
    }
    at += 4 + length;
  }
}

/** Lists a zip's entries from its central directory; refuses archives whose directory is malformed. */
export function readZipDirectory(bytes: Buffer): ZipEntry[] {
  if (bytes.length < 22) throw corrupt("Not a zip archive (too short)");
  const { count, offset, size } = directoryBounds(bytes, findEndOfDirectory(bytes));
  if (count > MAX_ENTRIES) throw corrupt(`The zip has ${count} entries`);
  const entries: ZipEntry[] = [];
  let at = offset;
  const end = offset + size;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || bytes.readUInt32LE(at) !== 0x02014b50) throw corrupt("Malformed zip central directory");
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    if (at + 46 + nameLength + extraLength + commentLength > end) throw corrupt("Malformed zip central directory");
    const entry: ZipEntry = {
      name: bytes.toString("utf8", at + 46, at + 46 + nameLength),
      flags: bytes.readUInt16LE(at + 8),
      method: bytes.readUInt16LE(at + 10),
      crc32: bytes.readUInt32LE(at + 16),
      compressedSize: bytes.readUInt32LE(at + 20),
      uncompressedSize: bytes.readUInt32LE(at + 24),
      localHeaderOffset: bytes.readUInt32LE(at + 42),
    };
    applyZip64Extra(bytes, at + 46 + nameLength, at + 46 + nameLength + extraLength, entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Inflates one entry, never producing more than its declared size: an entry whose data inflates past what the
 * directory declared is a zip bomb, and zlib stops as soon as the output passes the cap.
 */
export function inflateEntry(bytes: Buffer, entry: ZipEntry): Buffer {
  if (entry.flags & 0x1) throw new ApiError("DOCUMENT_UNREADABLE", "The archive is encrypted", { reason: "encrypted" });
  const local = entry.localHeaderOffset;
  if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) throw corrupt("Malformed zip entry");
  const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
  if (start + entry.compressedSize > bytes.length) throw corrupt("A zip entry lies outside the file");
  const data = bytes.subarray(start, start + entry.compressedSize);
  let out: Buffer;
  if (entry.method === 0) {
    out = data;
  } else if (entry.method === 8) {
    try {
      out = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
        throw new ApiError("DOCUMENT_UNREADABLE", `${entry.name} inflates past its declared size`, {
          reason: "zip_bomb",
        });
      }
      throw corrupt(`${entry.name} cannot be inflated`);
    }
  } else {
    throw corrupt(`${entry.name} uses an unsupported compression method (${entry.method})`);
  }
  if (out.length !== entry.uncompressedSize || crc32(out) !== entry.crc32) {
    throw corrupt(`${entry.name} does not match its declared size or checksum`);
  }
  return out;
}
