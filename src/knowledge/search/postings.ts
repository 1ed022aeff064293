/**
 * Postings of one term in one block, as bytes: for each chunk in ascending key order, varint(key − previous key)
 * (the first is absolute), varint(term frequency), varint(chunk length in tokens). Keeping the length beside each
 * posting lets BM25 score a chunk without looking anything else up. Appending to a block only needs its last key.
 */
export interface Posting {
  key: number;
  tf: number;
  length: number;
}

function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** Bytes for `postings` (keys ascending, each above `after`), to append to a block whose last key is `after`. */
export function encodePostings(after: number, postings: Posting[]): Uint8Array {
  const out: number[] = [];
  let previous = after;
  for (const p of postings) {
    if (!(p.key > previous)) throw new Error(`postings out of order: ${p.key} after ${previous}`);
    writeVarint(out, p.key - previous);
    writeVarint(out, p.tf);
    writeVarint(out, p.length);
    previous = p.key;
  }
  return Uint8Array.from(out);
}

/** Decoded postings side by side; `count` entries are filled. */
export interface PostingArrays {
  keys: Float64Array;
  tf: Float64Array;
  length: Float64Array;
  count: number;
}

export function postingArrays(capacity: number): PostingArrays {
  return {
    keys: new Float64Array(capacity),
    tf: new Float64Array(capacity),
    length: new Float64Array(capacity),
    count: 0,
  };
}

/**
 * Appends a block's postings to `out` (which must have room). One flat loop: it is the innermost loop of every
 * keyword search, so it allocates nothing and calls nothing.
 */
export function decodeInto(block: Uint8Array, out: PostingArrays): void {
  const { keys, tf, length } = out;
  let n = out.count;
  let i = 0;
  let key = 0;
  const end = block.length;
  while (i < end) {
    let b = block[i++]!;
    let v = b & 0x7f;
    for (let scale = 0x80; b & 0x80; scale *= 0x80) {
      b = block[i++]!;
      v += (b & 0x7f) * scale;
    }
    key += v;
    b = block[i++]!;
    v = b & 0x7f;
    for (let scale = 0x80; b & 0x80; scale *= 0x80) {
      b = block[i++]!;
      v += (b & 0x7f) * scale;
    }
    tf[n] = v;
    b = block[i++]!;
    v = b & 0x7f;
    for (let scale = 0x80; b & 0x80; scale *= 0x80) {
      b = block[i++]!;
      v += (b & 0x7f) * scale;
    }
    length[n] = v;
    keys[n++] = key;
  }
  out.count = n;
}

export function decodePostings(block: Uint8Array): Posting[] {
  const arrays = postingArrays(block.length);
  decodeInto(block, arrays);
  return Array.from({ length: arrays.count }, (_, i) => ({
    key: arrays.keys[i]!,
    tf: arrays.tf[i]!,
    length: arrays.length[i]!,
  }));
}
