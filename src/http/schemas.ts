import { z } from "zod";

/** Schemas shared by many routes. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    requestId: z.string().optional(),
  })
  .loose()
  .describe("An RFC 9457 problem document; `code` is one of a closed list");

export const Credits = z.number().describe("Credits, with up to three decimals (exact millicredits)");

export const IdParam = (name: string, prefix: string) =>
  z.object({ [name]: z.string().min(1).max(100).describe(`A \`${prefix}_…\` id`) });

export const Pagination = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe("`nextCursor` of the previous page"),
});

export const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/** Standard error responses of a route, for the OpenAPI document. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, Problem])) as Record<number, typeof Problem>;
}

/** A resource's scope: a site of the account, or null for every site of it (what the owner creates by default). */
export const ScopeSiteId = z
  .string()
  .max(100)
  .nullable()
  .describe("the site it is restricted to; null: shared by every site of the account");
