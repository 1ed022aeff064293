import { z } from "zod";
import { ApiError } from "../errors.js";
import { errors } from "../http/schemas.js";
import type { App } from "../http/server.js";
import type { RateLimitSettings } from "./rate-limits.js";

const Rate = z.object({
  rps: z.number().positive().max(1_000_000).describe("requests per second on average (0.5: one every 2 s)"),
  burst: z.number().int().min(1).max(1_000_000).describe("requests allowed at once after a quiet spell"),
});

const Setting = z.object({
  override: Rate.nullable().describe("this key's own rate; null: the default applies"),
  default: Rate.nullable().describe("RATE_LIMIT_RPS / RATE_LIMIT_BURST; null: not limited by default"),
  effective: Rate.nullable().describe("the rate in force; null: not limited"),
});

const SUBJECTS = [
  { kind: "api_key", path: "/v1/admin/api-keys/:id/rate-limit", noun: "API key", param: "key" },
  { kind: "license", path: "/v1/admin/licenses/:id/rate-limit", noun: "licence", param: "lic" },
] as const;

/**
 * The operator's request rate per API key, and per licence (its licence key and the owner's dashboard): read, set,
 * and back to the configured default. A change applies at once in this process and within seconds in the others.
 */
export function rateLimitRoutes(
  app: App,
  deps: { settings: RateLimitSettings; accountExists: (accountId: string) => Promise<boolean> },
): void {
  const admin = { config: { auth: "admin" as const } };
  app.get(
    "/v1/admin/accounts/:accountId/rate-limits",
    {
      ...admin,
      schema: {
        tags: ["admin"],
        summary: "The request rates set on an account's API keys and licences (the others follow the default)",
        security: [{ adminToken: [] }],
        params: z.object({ accountId: z.string().max(100) }),
        response: {
          200: z.object({
            default: Rate.nullable().describe("RATE_LIMIT_RPS / RATE_LIMIT_BURST; null: not limited by default"),
            data: z.array(
              z.object({
                kind: z.enum(["api_key", "license"]),
                id: z.string(),
                name: z.string().nullable().describe("the API key's name; null for a licence"),
                revoked: z.boolean().describe("the API key no longer works"),
                override: Rate,
              }),
            ),
          }),
          ...errors(401, 404),
        },
      },
    },
    async (request) => {
      const { accountId } = request.params;
      if (!(await deps.accountExists(accountId))) throw new ApiError("NOT_FOUND", `no account ${accountId}`);
      const rows = await deps.settings.accountOverrides(accountId);
      return {
        default: deps.settings.defaultRate,
        data: rows.map(({ rate, ...r }) => ({ ...r, override: rate })),
      };
    },
  );
  for (const subject of SUBJECTS) {
    const params = z.object({ id: z.string().min(1).max(100).describe(`A \`${subject.param}_…\` id`) });
    const missing = (id: string) => new ApiError("NOT_FOUND", `no ${subject.noun} ${id}`);

    app.get(
      subject.path,
      {
        ...admin,
        schema: {
          tags: ["admin"],
          summary: `The request rate of one ${subject.noun}`,
          security: [{ adminToken: [] }],
          params,
          response: { 200: Setting, ...errors(401, 404) },
        },
      },
      async (request) => {
        const setting = await deps.settings.setting(subject.kind, request.params.id);
        if (!setting) throw missing(request.params.id);
        return setting;
      },
    );

    app.put(
      subject.path,
      {
        ...admin,
        schema: {
          tags: ["admin"],
          summary: `Set the request rate of one ${subject.noun}; null returns it to the default`,
          description:
            "Requests over the rate are refused with 429 `RATE_LIMITED` and `Retry-After` before anything runs. " +
            "The change applies at once on this process and within 5 s on the others.",
          security: [{ adminToken: [] }],
          params,
          body: Rate.nullable().describe("the rate, or null to return to the default"),
          response: { 200: Setting, ...errors(400, 401, 404) },
        },
      },
      async (request) => {
        const setting = await deps.settings.set(subject.kind, request.params.id, request.body);
        if (!setting) throw missing(request.params.id);
        return setting;
      },
    );

    app.delete(
      subject.path,
      {
        ...admin,
        schema: {
          tags: ["admin"],
          summary: `Return one ${subject.noun} to the default request rate`,
          security: [{ adminToken: [] }],
          params,
          response: { 200: Setting, ...errors(401, 404) },
        },
      },
      async (request) => {
        const setting = await deps.settings.set(subject.kind, request.params.id, null);
        if (!setting) throw missing(request.params.id);
        return setting;
      },
    );
  }
}
