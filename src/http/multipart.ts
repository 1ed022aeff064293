import type { FastifyRequest } from "fastify";
import { validatorCompiler } from "fastify-type-provider-zod";
import type { z } from "zod";
import { ApiError } from "../errors.js";
import type { App } from "./server.js";
import { checkText, findTextFault, textOfBytes, textRefusal } from "./text-rule.js";

export interface UploadedFile {
  bytes: Buffer;
  filename?: string;
  contentType?: string;
}

export interface MultipartForm {
  files: Record<string, UploadedFile>;
  fields: Record<string, string>;
}

/** Largest value of a form field (a name, metadata as JSON), and how many fields a form may carry. */
export const MULTIPART_FIELD_LIMITS = { bytes: 100_000, fields: 20 };

/**
 * Reads a multipart form whose files may only use the names in `allowed` (one file per name). The server hands every
 * part over as bytes (see `isPartAFile` in server.ts), so a field's value is checked as UTF-8 here instead of being
 * decoded to U+FFFD by the parser; a part without a file name is a field.
 */
export async function readMultipart(request: FastifyRequest, allowed: string[]): Promise<MultipartForm> {
  const files: Record<string, UploadedFile> = {};
  const fields: Record<string, string> = {};
  let fieldCount = 0;
  for await (const part of request.parts()) {
    if (part.type !== "file") continue;
    checkText(part.fieldname, "a form field's name");
    if (part.filename === undefined) {
      if (++fieldCount > MULTIPART_FIELD_LIMITS.fields)
        throw new ApiError("PAYLOAD_TOO_LARGE", `at most ${MULTIPART_FIELD_LIMITS.fields} form fields`);
      fields[part.fieldname] = textOfBytes(await readField(part.file, part.fieldname), part.fieldname);
      continue;
    }
    if (!allowed.includes(part.fieldname) || files[part.fieldname]) {
      await part.toBuffer().catch(() => {});
      throw new ApiError(
        "VALIDATION_FAILED",
        `unexpected file field \`${part.fieldname}\`; send ${allowed.join(", ")}`,
        {
          field: part.fieldname,
        },
      );
    }
    // The parser decodes part headers itself, putting U+FFFD where the bytes of a file name were not UTF-8: a name
    // holding U+FFFD is refused as such (no client spells a file name with it on purpose).
    const filenameField = `${part.fieldname}.filename`;
    checkText(part.filename, filenameField);
    if (part.filename.includes("\uFFFD")) throw textRefusal(filenameField, "not_utf8");
    files[part.fieldname] = { bytes: await part.toBuffer(), filename: part.filename, contentType: part.mimetype };
  }
  return { files, fields };
}

/** A form field that carries JSON (metadata, an outpaint box), parsed under the text rule; `field` names it. */
export function parseJsonField(text: string, field: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("VALIDATION_FAILED", `the ${field} field is not JSON`, { field });
  }
  const refusal = findTextFault(value, field);
  if (refusal) throw refusal;
  return value;
}

async function readField(stream: AsyncIterable<Buffer>, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > MULTIPART_FIELD_LIMITS.bytes)
      throw new ApiError(
        "PAYLOAD_TOO_LARGE",
        `the form field \`${name}\` is over ${MULTIPART_FIELD_LIMITS.bytes} bytes`,
      );
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * For routes that take JSON or multipart: the body schema documents the JSON form in the OpenAPI document, but is
 * not enforced by Fastify (a multipart body would fail it); the handler validates JSON with `parseJsonBody`.
 */
export const jsonOrMultipart: Parameters<App["post"]>[1]["validatorCompiler"] = (req) =>
  req.httpPart === "body" ? (data: unknown) => ({ value: data }) : validatorCompiler(req as never);

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined || body === null) throw new ApiError("VALIDATION_FAILED", "the request has no body");
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ field: ["body", ...i.path].join("."), message: i.message }));
    throw new ApiError("VALIDATION_FAILED", `${errors[0]?.field}: ${errors[0]?.message}`, { errors });
  }
  return parsed.data;
}
