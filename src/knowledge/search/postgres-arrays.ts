import { unitVector } from "./hybrid.js";

/**
 * A batch's vectors and sealed texts as array parameters. node-pg sends a `Buffer` parameter in binary format, which
 * the server reads with the type's receive function (`array_recv`): no number printed in the process nor parsed by
 * the server, and bytes without hex. PGlite takes parameters as text, so it gets the arrays' text literals.
 */
export type ArrayEncoding = "binary" | "text";

const FLOAT4_OID = 700;
const BYTEA_OID = 17;

/** The binary form of a one-dimensional array without nulls (`array_send`'s layout). */
function binaryArray(elementOid: number, count: number, bytes: number): { buf: Buffer; offset: number } {
  const buf = Buffer.allocUnsafe(20 + 4 * count + bytes);
  buf.writeInt32BE(1, 0); // dimensions
  buf.writeInt32BE(0, 4); // no nulls
  buf.writeInt32BE(elementOid, 8);
  buf.writeInt32BE(count, 12);
  buf.writeInt32BE(1, 16); // lower bound
  return { buf, offset: 20 };
}

/** Every vector, each made a unit vector, end to end in one `real[]` (row i is elements i·d+1 … i·d+d). */
export function vectorsParam(vectors: Float32Array[], encoding: ArrayEncoding): Buffer | string {
  const units = vectors.map(unitVector);
  const count = units.reduce((n, v) => n + v.length, 0);
  if (encoding === "text") return `{${units.map((v) => v.join(",")).join(",")}}`;
  const { buf, offset } = binaryArray(FLOAT4_OID, count, 4 * count);
  let at = offset;
  for (const v of units) {
    for (let i = 0; i < v.length; i++) {
      buf.writeInt32BE(4, at);
      buf.writeFloatBE(v[i]!, at + 4);
      at += 8;
    }
  }
  return buf;
}

/** Byte strings as one `bytea[]`. */
export function byteaParam(values: Buffer[], encoding: ArrayEncoding): Buffer | string {
  if (encoding === "text") return `{${values.map((b) => `"\\\\x${b.toString("hex")}"`).join(",")}}`;
  const { buf, offset } = binaryArray(
    BYTEA_OID,
    values.length,
    values.reduce((n, b) => n + b.length, 0),
  );
  let at = offset;
  for (const b of values) {
    buf.writeInt32BE(b.length, at);
    b.copy(buf, at + 4);
    at += 4 + b.length;
  }
  return buf;
}
