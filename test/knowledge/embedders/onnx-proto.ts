/**
 * Just enough of the protobuf wire format and of onnx.proto (ModelProto and what it nests) to write a small ONNX
 * graph by hand. Field numbers are those of onnx/onnx.proto.
 */

type Field = Uint8Array;

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const concat = (parts: Field[]): Uint8Array => Buffer.concat(parts);
const key = (field: number, wireType: number) => varint((field << 3) | wireType);
export const int = (field: number, value: number | bigint): Field =>
  Uint8Array.from([...key(field, 0), ...varint(value)]);
export const bytes = (field: number, value: Uint8Array): Field =>
  concat([Uint8Array.from([...key(field, 2), ...varint(value.length)]), value]);
export const str = (field: number, value: string): Field => bytes(field, Buffer.from(value, "utf8"));
export const msg = (field: number, ...parts: Field[]): Field => bytes(field, concat(parts));
export const encode = (...parts: Field[]): Uint8Array => concat(parts);

export const FLOAT = 1;
export const INT64 = 7;

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian). */
export function tensor(field: number, name: string, dataType: number, dims: number[], raw: Uint8Array): Field {
  return msg(field, ...dims.map((d) => int(1, d)), int(2, dataType), str(8, name), bytes(9, raw));
}

/** ValueInfoProto (name = 1, type = 2) of a tensor whose dimensions are numbers or symbolic names. */
export function valueInfo(field: number, name: string, elemType: number, dims: (number | string)[]): Field {
  const shape = dims.map((d) => msg(1, typeof d === "number" ? int(1, d) : str(2, d)));
  return msg(field, str(1, name), msg(2, msg(1, int(1, elemType), msg(2, ...shape))));
}

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5 (AttributeProto: name 1, i 3, type 20). */
export function node(
  op: string,
  inputs: string[],
  outputs: string[],
  intAttributes: Record<string, number> = {},
): Field {
  const attributes = Object.entries(intAttributes).map(([name, value]) =>
    msg(5, str(1, name), int(3, value), int(20, 2)),
  );
  return msg(
    1,
    ...inputs.map((i) => str(1, i)),
    ...outputs.map((o) => str(2, o)),
    str(3, `${op}_${outputs[0]}`),
    str(4, op),
    ...attributes,
  );
}
