import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

let lastMs = 0;
let counter = 0;

/**
 * A prefixed id that sorts by creation time (`kb_01hx…`): 10 characters of milliseconds,
 * 4 of a per-process counter (so ids made in the same millisecond still sort), 12 random.
 */
export function newId(prefix: string): string {
  const now = Date.now();
  if (now === lastMs) counter++;
  else {
    lastMs = now;
    counter = 0;
  }
  return `${prefix}_${encode(now, 10)}${encode(counter, 4)}${randomChars(12)}`;
}

/** A random secret of `length` base32 characters (5 bits each). */
export function randomChars(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

function encode(value: number, width: number): string {
  let out = "";
  let v = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[v % 32] + out;
    v = Math.floor(v / 32);
  }
  return out;
}
