import { isUtf8 } from "node:buffer";
import type { FastifyRequest } from "fastify";
import { ApiError } from "../errors.js";
import { decodeMarkingInvalid, firstInvalidUtf8, textFault } from "../lib/utf8.js";

/*
 * One rule for every string the service accepts, applied here at the edge and nowhere else: text is UTF-8 (no
 * invalid bytes, no unpaired surrogate) and holds no U+0000. PostgreSQL refuses NUL in text and JSON (a 500 deep
 * inside a store), and invalid bytes would otherwise be replaced by U+FFFD and stored (and charged) silently.
 * A refusal is 400 VALIDATION_FAILED naming the field the way zod does (`body.metadata.author`, `querystring.cursor`,
 * `params.id`, `headers.idempotency-key`), before authentication reads anything.
 */

const MESSAGES = {
  nul: "contains U+0000 (NUL), which cannot be stored",
  not_utf8: "is not valid UTF-8 text (invalid bytes or an unpaired surrogate)",
} as const;

export function textRefusal(field: string, fault: keyof typeof MESSAGES): ApiError {
  const message = MESSAGES[fault];
  return new ApiError("VALIDATION_FAILED", `${field} ${message}`, { errors: [{ field, message }] });
}

/** Throws VALIDATION_FAILED naming `field` when `text` breaks the rule. */
export function checkText(text: string, field: string): void {
  const fault = textFault(text);
  if (fault) throw textRefusal(field, fault);
}

/** The first string (value or property name) under `value` that breaks the rule, as a refusal; iterative, so deep
 * nesting cannot overflow the stack. */
export function findTextFault(value: unknown, root: string): ApiError | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === "string") {
      const fault = textFault(node);
      if (fault) return textRefusal(path, fault);
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${path}.${i}`]);
    } else if (node !== null && typeof node === "object") {
      const entries = Object.entries(node);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        // A bad property name is reported on its object: echoing the name back would repeat the bad text.
        const fault = textFault(key);
        if (fault)
          return new ApiError("VALIDATION_FAILED", `${path}: a property name ${MESSAGES[fault]}`, {
            errors: [{ field: path, message: `a property name ${MESSAGES[fault]}` }],
          });
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return undefined;
}

type JsonParser = (text: string) => unknown;

/**
 * Parses a JSON body from its bytes under the rule. Valid UTF-8 without a `\u` escape cannot hide a NUL or a lone
 * surrogate (JSON forbids raw control characters in strings), so the common body is parsed without a walk.
 */
export function parseJsonText(bytes: Buffer, parse: JsonParser, root = "body"): unknown {
  const valid = isUtf8(bytes);
  const text = valid ? bytes.toString("utf8") : decodeMarkingInvalid(bytes);
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    if (valid) throw error;
    throw notUtf8Body(bytes, root);
  }
  if (valid && !bytes.includes("\\u")) return value;
  const refusal = findTextFault(value, root);
  if (refusal) throw refusal;
  // Invalid bytes whose mark paired up with an escaped high surrogate: refused without a field.
  if (!valid) throw notUtf8Body(bytes, root);
  return value;
}

function notUtf8Body(bytes: Buffer, field: string): ApiError {
  const offset = firstInvalidUtf8(bytes);
  const message = `is not valid UTF-8 (first invalid byte at offset ${offset})`;
  return new ApiError("VALIDATION_FAILED", `${field} ${message}`, { errors: [{ field, message }], offset });
}

/** Text from bytes under the rule (a multipart field, a file name's bytes), naming `field` when it breaks it. */
export function textOfBytes(bytes: Buffer, field: string): string {
  if (!isUtf8(bytes)) throw textRefusal(field, "not_utf8");
  const text = bytes.toString("utf8");
  checkText(text, field);
  return text;
}

/** Headers whose values the service stores; they travel as bytes (Node reads them as latin1). */
const TEXT_HEADERS = ["idempotency-key"];

/** Path parameters, the query string (from the raw URL: the parser keeps undecodable escapes as they are) and the
 * text headers, under the rule. */
export function checkRequestText(request: FastifyRequest): void {
  const params = request.params as Record<string, string> | undefined;
  if (params) for (const [name, value] of Object.entries(params)) checkText(value, `params.${name}`);
  const url = request.raw.url ?? "";
  const q = url.indexOf("?");
  if (q >= 0) checkQueryString(url.slice(q + 1));
  for (const name of TEXT_HEADERS) {
    const value = request.headers[name];
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
      textOfBytes(Buffer.from(v, "latin1"), `headers.${name}`);
  }
}

function checkQueryString(query: string): void {
  // Only an escape can spell a byte the rule refuses: Node refuses raw control and non-ASCII bytes in the URL.
  if (!query.includes("%")) return;
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const key = percentDecoded(rawKey);
    const keyText = key.toString("utf8");
    // The field is named as decoded when that is good text, else as sent (escapes and all).
    const field = `querystring.${isUtf8(key) && !textFault(keyText) ? keyText : rawKey}`;
    textOfBytes(key, field);
    if (eq >= 0) textOfBytes(percentDecoded(pair.slice(eq + 1)), field);
  }
}

/** The bytes a query-string component spells (`+` is a space); a `%` not followed by two hex digits stays itself,
 * as Fastify's own parser keeps it. The URL is ASCII: Node refuses any other byte in it. */
function percentDecoded(component: string): Buffer {
  const text = component.replaceAll("+", " ");
  if (!text.includes("%")) return Buffer.from(text, "latin1");
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.charCodeAt(i) === 0x25 ? text.slice(i + 1, i + 3) : "";
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else out.push(text.charCodeAt(i));
  }
  return Buffer.from(out);
}
