import type { FastifyRequest } from "fastify";
import { validatorCompiler } from "fastify-type-provider-zod";
import type { z } from "zod";
import { ApiError } from "../errors.js";
import type { App } from "./server.js";

export interface UploadedFile {
  bytes: Buffer;
  filename?: string;
  contentType?: string;
}

export interface MultipartForm {
  files: Record<string, UploadedFile>;
  fields: Record<string, string>;
}

/** Reads a multipart form whose files may only use the names in `allowed` (one file per name). */
export async function readMultipart(request: FastifyRequest, allowed: string[]): Promise<MultipartForm> {
  const files: Record<string, UploadedFile> = {};
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === "file") {
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
      files[part.fieldname] = { bytes: await part.toBuffer(), filename: part.filename, contentType: part.mimetype };
    } else if (typeof part.value === "string") fields[part.fieldname] = part.value;
  }
  return { files, fields };
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
