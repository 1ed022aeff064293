import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { ApiError } from "../errors.js";
import type { Principal } from "../http/auth.js";
import { requireCsrf } from "../http/auth.js";
import type { FailureLimiter } from "../http/rate-limit/failures.js";
import { errors, iso } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { constantTimeEquals } from "../lib/secrets.js";
import type { LicenseStore } from "../licenses/store.js";
import {
  clearSessionCookie,
  cookieName,
  readCookie,
  type SessionKind,
  secureCookies,
  setSessionCookie,
} from "./cookies.js";
import type { Session, SessionStore } from "./sessions.js";

const CustomerSession = z.object({
  signedIn: z.literal(true),
  kind: z.literal("customer"),
  accountId: z.string(),
  email: z.string(),
  licenseId: z.string(),
  plan: z.enum(["personal", "agency"]),
  licenseStatus: z.enum(["active", "revoked", "expired"]),
  siteId: z.string().nullable(),
  keyId: z.string().nullable(),
  via: z.enum(["api_key", "license_key"]),
  csrfToken: z.string().describe("Send it as the X-CSRF-Token header on every POST, PATCH and DELETE"),
  expiresAt: z.string(),
});

const SignedOut = z.object({ signedIn: z.literal(false) }).describe("No live dashboard session");

const OperatorSession = z.object({
  kind: z.literal("operator"),
  csrfToken: z.string().describe("Send it as the X-CSRF-Token header on every POST, PATCH and DELETE"),
  expiresAt: z.string(),
});

/** Finds the session of a kind behind the request's cookie; what the auth hook and these routes share. */
export class WebSessions {
  constructor(
    readonly store: SessionStore,
    private readonly env: string,
  ) {}

  cookie(request: FastifyRequest, kind: SessionKind): { name: string; secure: boolean; token?: string } {
    const secure = secureCookies(request, this.env);
    const name = cookieName(kind, secure);
    return { name, secure, token: readCookie(request, name) };
  }

  async resolve(request: FastifyRequest, kind: SessionKind): Promise<Session | undefined> {
    const { token } = this.cookie(request, kind);
    return token ? this.store.find(kind, token) : undefined;
  }

  async open(request: FastifyRequest, reply: FastifyReply, kind: SessionKind, principal?: Principal): Promise<Session> {
    const cookie = this.cookie(request, kind);
    // A fresh token on every sign-in: a token planted before sign-in never becomes a session.
    if (cookie.token) await this.store.close(cookie.token);
    const opened = await this.store.open(kind, principal);
    setSessionCookie(reply, {
      name: cookie.name,
      token: opened.token,
      maxAgeSeconds: this.store.policy(kind).maxAgeMs / 1000,
      secure: cookie.secure,
    });
    return opened.session;
  }

  async close(request: FastifyRequest, reply: FastifyReply, kind: SessionKind): Promise<boolean> {
    const cookie = this.cookie(request, kind);
    let closed = false;
    if (cookie.token) {
      const session = await this.store.find(kind, cookie.token);
      if (session) {
        requireCsrf(request, session.csrfToken);
        closed = await this.store.close(cookie.token);
      }
    }
    clearSessionCookie(reply, cookie.name, cookie.secure);
    return closed;
  }
}

export function sessionRoutes(
  app: App,
  deps: { web: WebSessions; licenses: LicenseStore; adminToken?: string; operatorGuesses: FailureLimiter },
): void {
  const { web, licenses } = deps;

  async function describeCustomer(session: Session): Promise<z.infer<typeof CustomerSession>> {
    const p = session.principal!;
    const license = await licenses.getLicense(p.licenseId);
    if (!license) throw new ApiError("UNAUTHENTICATED", "the licence of this session no longer exists");
    return {
      signedIn: true,
      kind: "customer",
      accountId: p.accountId,
      email: license.email,
      licenseId: p.licenseId,
      plan: license.plan,
      licenseStatus: license.status,
      siteId: p.siteId,
      keyId: p.keyId,
      via: p.via,
      csrfToken: session.csrfToken,
      expiresAt: iso(session.expiresAt)!,
    };
  }

  app.post(
    "/v1/sessions",
    {
      schema: {
        tags: ["sessions"],
        summary: "Sign in to the dashboard with a licence key or an API key: sets an HttpOnly session cookie",
        body: z.object({ key: z.string().trim().min(1).max(200) }),
        response: { 201: CustomerSession, ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const principal = await licenses.authenticate(request.body.key);
      if (!principal) throw new ApiError("UNAUTHENTICATED", "this is not a valid licence key or API key");
      const session = await web.open(request, reply, "customer", principal);
      reply.header("cache-control", "no-store");
      return reply.status(201).send(await describeCustomer(session));
    },
  );

  app.get(
    "/v1/session",
    {
      schema: {
        tags: ["sessions"],
        summary: "Who the dashboard session is, and its CSRF token",
        description:
          "The session as `POST /v1/sessions` answers it; a page asks this on every load, signed in or not, so it " +
          "always answers 200: `{signedIn: false}` when the " +
          "request carries no live session (no cookie, an expired or signed-out one, a licence that no longer exists). " +
          "The other routes still answer 401 to a request without a valid session or key.",
        response: { 200: z.union([CustomerSession, SignedOut]) },
      },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      const session = await web.resolve(request, "customer");
      if (!session) return { signedIn: false as const };
      return describeCustomer(session).catch((error: unknown) => {
        if (error instanceof ApiError && error.code === "UNAUTHENTICATED") return { signedIn: false as const };
        throw error;
      });
    },
  );

  app.delete(
    "/v1/session",
    {
      schema: {
        tags: ["sessions"],
        summary: "Sign out of the dashboard (needs the X-CSRF-Token header)",
        response: { 200: z.object({ signedOut: z.boolean() }), ...errors(403) },
      },
    },
    async (request, reply) => ({ signedOut: await web.close(request, reply, "customer") }),
  );

  app.post(
    "/v1/admin/sessions",
    {
      schema: {
        tags: ["sessions"],
        summary: "Operator sign-in with ADMIN_TOKEN: sets a separate HttpOnly operator session cookie",
        body: z.object({ token: z.string().trim().min(1).max(500) }),
        response: { 201: OperatorSession, ...errors(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      if (!deps.adminToken) throw new ApiError("FORBIDDEN", "operator sign-in is disabled: ADMIN_TOKEN is not set");
      deps.operatorGuesses.check(request.ip);
      if (!constantTimeEquals(request.body.token, deps.adminToken)) {
        deps.operatorGuesses.fail(request.ip);
        throw new ApiError("UNAUTHENTICATED", "this is not the operator's ADMIN_TOKEN");
      }
      const session = await web.open(request, reply, "operator");
      reply.header("cache-control", "no-store");
      return reply
        .status(201)
        .send({ kind: "operator" as const, csrfToken: session.csrfToken, expiresAt: iso(session.expiresAt)! });
    },
  );

  app.get(
    "/v1/admin/session",
    {
      schema: {
        tags: ["sessions"],
        summary: "The operator session and its CSRF token; `{signedIn: false}` when not signed in",
        description:
          "A probe: the admin pages ask it on every load, so a signed-out visit answers 200 `{signedIn: false}` " +
          "rather than an error status (every other /v1/admin route still answers 401 without a session).",
        response: { 200: z.union([OperatorSession.extend({ signedIn: z.literal(true) }), SignedOut]) },
      },
    },
    async (request, reply) => {
      reply.header("cache-control", "no-store");
      const session = await web.resolve(request, "operator");
      if (!session) return { signedIn: false as const };
      return {
        kind: "operator" as const,
        signedIn: true as const,
        csrfToken: session.csrfToken,
        expiresAt: iso(session.expiresAt)!,
      };
    },
  );

  app.delete(
    "/v1/admin/session",
    {
      schema: {
        tags: ["sessions"],
        summary: "Operator sign-out (needs the X-CSRF-Token header)",
        response: { 200: z.object({ signedOut: z.boolean() }), ...errors(403) },
      },
    },
    async (request, reply) => ({ signedOut: await web.close(request, reply, "operator") }),
  );
}
