import { z } from "zod";
import { ApiError } from "../errors.js";
import { jsonOrMultipart, parseBody, readMultipart } from "../http/multipart.js";
import { Credits, errors } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { mcToCredits } from "./pricing.js";
import { QuoteRequest, quote } from "./quotes.js";
import type { CreditsRouteDeps } from "./routes.js";

/** Prices an operation (or a file's indexing) without running it. */
export function quoteRoutes(app: App, deps: CreditsRouteDeps): void {
  app.post(
    "/v1/quotes",
    {
      config: { auth: "customer" },
      validatorCompiler: jsonOrMultipart,
      schema: {
        tags: ["credits"],
        summary: "Price an operation without running it",
        description:
          "JSON names the operation and what it needs. To price indexing a file, send it as multipart/form-data in " +
          "`file` (any format a knowledge base accepts): it is read and its tokens counted exactly as an upload " +
          "would, and nothing is stored.",
        security: [{ apiKey: [] }],
        body: QuoteRequest,
        response: {
          200: z.object({ operation: z.string(), credits: Credits, quantity: z.record(z.string(), z.unknown()) }),
          ...errors(400, 401, 413, 415, 422),
        },
      },
    },
    async (request) => {
      if (request.isMultipart()) {
        const form = await readMultipart(request, ["file"]);
        const file = form.files.file;
        if (!file)
          throw new ApiError("VALIDATION_FAILED", "send the file to price in the field `file`", { field: "file" });
        const { tokens, pages } = await deps.fileTokens(file);
        const q = quote(deps.pricing.current(), { operation: "training.embed", tokens }, deps.textTokens);
        return {
          operation: q.operation,
          credits: mcToCredits(q.mc),
          quantity: { ...q.quantity, ...(pages ? { pages } : {}) },
        };
      }
      const q = quote(deps.pricing.current(), parseBody(QuoteRequest, request.body), deps.textTokens);
      return { operation: q.operation, credits: mcToCredits(q.mc), quantity: q.quantity };
    },
  );
}
