import type { FastifyRequest } from "fastify";
import type { LicenseStore, Principal } from "../licenses/store.js";
import { constantTimeEquals } from "../licenses/keys.js";
import { ApiError } from "./errors.js";
import type { App } from "./server.js";

export type AuthMode = "public" | "customer" | "admin";

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    auth?: AuthMode;
  }
}

/** Resolves extra principals (the dashboard's session cookie) when there is no bearer token. */
export type PrincipalResolver = (request: FastifyRequest) => Promise<Principal | undefined>;

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/**
 * Every route declares `config.auth`; this hook enforces it before the body is even read. Customers authenticate
 * with an API key or licence key (or the dashboard session); the operator with ADMIN_TOKEN.
 */
export function registerAuth(
  app: App,
  deps: { licenses: LicenseStore; adminToken?: string; sessionPrincipal?: PrincipalResolver },
): void {
  app.decorateRequest("principal", undefined);
  app.addHook("onRequest", async (request) => {
    const mode = request.routeOptions.config?.auth ?? "public";
    if (mode === "public") return;
    const token = bearer(request);
    if (mode === "admin") {
      if (!deps.adminToken) throw new ApiError("FORBIDDEN", "operator endpoints are disabled: ADMIN_TOKEN is not set");
      if (!token || !constantTimeEquals(token, deps.adminToken))
        throw new ApiError("UNAUTHENTICATED", "this endpoint needs the operator's ADMIN_TOKEN as a bearer token");
      return;
    }
    const principal = token ? await deps.licenses.authenticate(token) : await deps.sessionPrincipal?.(request);
    if (!principal)
      throw new ApiError(
        "UNAUTHENTICATED",
        token ? "the API key is not valid or was revoked" : "send Authorization: Bearer <api key>",
      );
    request.principal = principal;
  });
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError("UNAUTHENTICATED");
  return request.principal;
}

/** Spending needs an active licence; reading, and deleting data, never do. */
export async function requireActiveLicense(request: FastifyRequest, licenses: LicenseStore): Promise<Principal> {
  const principal = principalOf(request);
  const status = await licenses.licenseStatus(principal.licenseId);
  if (status !== "active")
    throw new ApiError("LICENSE_INACTIVE", `the licence is ${status ?? "unknown"}: renew it to spend credits`, {
      licenseStatus: status,
    });
  return principal;
}
