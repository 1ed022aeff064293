import { AsyncLocalStorage } from "node:async_hooks";
import type { FastifyRequest } from "fastify";
import { ApiError } from "../errors.js";
import { constantTimeEquals } from "../lib/secrets.js";
import type { FailureLimiter } from "./rate-limit/failures.js";
import type { App } from "./server.js";

export type AuthMode = "public" | "customer" | "admin";

/** Who a customer request acts as: an account, through its licence, and the site and key it came with. */
export interface Principal {
  accountId: string;
  licenseId: string;
  siteId: string | null;
  keyId: string | null;
  via: "api_key" | "license_key";
}

const requestPrincipal = new AsyncLocalStorage<Principal>();

/**
 * Who the request being handled acts as, from anywhere in the work it started (undefined outside a customer
 * request): how the ledger learns which site and key spend without every route passing them along.
 */
export function currentPrincipal(): Principal | undefined {
  return requestPrincipal.getStore();
}

/** How customer tokens are checked (the licences domain provides it; the HTTP layer only asks). */
export interface Authenticator {
  authenticate(token: string): Promise<Principal | undefined>;
  /** What `authenticate` would answer from its cache, without waiting; undefined when it would have to look. */
  cachedAuthentication(token: string): { principal: Principal | undefined } | undefined;
  licenseStatus(licenseId: string): Promise<string | undefined>;
}

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    auth?: AuthMode;
  }
}

/** A web session found from its cookie: who it acts as (customers) and the CSRF token its unsafe requests carry. */
export interface CookieSession {
  principal?: Principal;
  csrfToken: string;
}

/** Resolves the dashboard's (customer) or the admin pages' (operator) session cookie when there is no bearer token. */
export type SessionResolver = (
  request: FastifyRequest,
  kind: "customer" | "operator",
) => Promise<CookieSession | undefined>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A cookie rides along with any request the browser makes, so a cookie-authenticated request that changes something
 * must also prove it comes from our own pages: the session's CSRF token in X-CSRF-Token. Bearer tokens never need it.
 */
export function requireCsrf(request: FastifyRequest, expected: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const given = request.headers["x-csrf-token"];
  if (typeof given !== "string" || !constantTimeEquals(given, expected))
    throw new ApiError("FORBIDDEN", "a signed-in browser request that changes something needs the X-CSRF-Token header");
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

interface AuthDeps {
  licenses: Authenticator;
  adminToken?: string;
  sessions?: SessionResolver;
  operatorGuesses?: FailureLimiter;
}

/**
 * Every route declares `config.auth`; this hook enforces it before the body is even read. Customers authenticate
 * with an API key or licence key (or the dashboard session); the operator with ADMIN_TOKEN.
 */
export function registerAuth(app: App, deps: AuthDeps): void {
  app.decorateRequest("principal", undefined);
  // Written with `done` so that public routes and a customer key the cache knows (nearly every request) go through
  // without a promise; everything else takes the async path.
  app.addHook("onRequest", (request, _reply, done) => {
    const mode = request.routeOptions.config?.auth ?? "public";
    if (mode === "public") return done();
    const token = bearer(request);
    const cached = mode === "customer" && token ? deps.licenses.cachedAuthentication(token) : undefined;
    if (!cached) return void authenticate(request, mode, token, deps).then(() => done(), done);
    if (!cached.principal) return done(invalidKey());
    request.principal = cached.principal;
    done();
  });
  // The handler runs inside the principal's context (see currentPrincipal); every hook before it has authenticated.
  app.addHook("preHandler", (request, _reply, done) => {
    if (!request.principal) return done();
    requestPrincipal.run(request.principal, done);
  });
}

const invalidKey = () => new ApiError("UNAUTHENTICATED", "the API key is not valid or was revoked");

async function authenticate(
  request: FastifyRequest,
  mode: "customer" | "admin",
  token: string | undefined,
  deps: AuthDeps,
): Promise<void> {
  if (mode === "admin") {
    if (!deps.adminToken) throw new ApiError("FORBIDDEN", "operator endpoints are disabled: ADMIN_TOKEN is not set");
    if (token) {
      deps.operatorGuesses?.check(request.ip);
      if (!constantTimeEquals(token, deps.adminToken)) {
        deps.operatorGuesses?.fail(request.ip);
        throw new ApiError("UNAUTHENTICATED", "this endpoint needs the operator's ADMIN_TOKEN as a bearer token");
      }
      return;
    }
    const operator = await deps.sessions?.(request, "operator");
    if (!operator)
      throw new ApiError("UNAUTHENTICATED", "this endpoint needs the operator's ADMIN_TOKEN as a bearer token");
    requireCsrf(request, operator.csrfToken);
    return;
  }
  let principal: Principal | undefined;
  if (token) principal = await deps.licenses.authenticate(token);
  else {
    const session = await deps.sessions?.(request, "customer");
    if (session) requireCsrf(request, session.csrfToken);
    principal = session?.principal;
  }
  if (!principal) throw token ? invalidKey() : new ApiError("UNAUTHENTICATED", "send Authorization: Bearer <api key>");
  request.principal = principal;
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError("UNAUTHENTICATED");
  return request.principal;
}

/**
 * Account-wide settings (alerts, webhooks, auto top-up, spend limits) are the owner's alone: the licence key or a
 * session signed in with it. Any API key — a site's, or one with no site — is refused, so a leaked key can neither
 * lift its own cap nor subscribe to other sites' events. `what` names the settings in the refusal.
 */
export function requireOwner(request: FastifyRequest, what: string): Principal {
  const principal = principalOf(request);
  if (principal.via !== "license_key")
    throw new ApiError("FORBIDDEN", `Only the account owner can see or change ${what}: sign in with the licence key.`);
  return principal;
}

/** Spending needs an active licence; reading, and deleting data, never do. */
export async function requireActiveLicense(
  request: FastifyRequest,
  licenses: Pick<Authenticator, "licenseStatus">,
): Promise<Principal> {
  const principal = principalOf(request);
  const status = await licenses.licenseStatus(principal.licenseId);
  if (status !== "active")
    throw new ApiError("LICENSE_INACTIVE", `the licence is ${status ?? "unknown"}: renew it to spend credits`, {
      licenseStatus: status,
    });
  return principal;
}
