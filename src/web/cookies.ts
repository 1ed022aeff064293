import type { FastifyReply, FastifyRequest } from "fastify";

export type SessionKind = "customer" | "operator";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/**
 * Cookies are `Secure` everywhere except plain-http development on this machine (NODE_ENV development or test, and a
 * loopback host), where a browser would refuse to store them. `request.protocol` honours X-Forwarded-Proto only
 * with TRUST_PROXY.
 */
export function secureCookies(request: FastifyRequest, env: string): boolean {
  if (env === "production") return true;
  return !(request.protocol === "http" && LOCAL_HOSTS.has(request.hostname.toLowerCase()));
}

/**
 * A secure cookie takes the `__Host-` prefix, which browsers only accept from a secure origin for the whole host
 * (no Domain, Path=/): a sibling subdomain cannot plant or shadow it.
 */
export function cookieName(kind: SessionKind, secure: boolean): string {
  const base = kind === "customer" ? "apic_session" : "apic_operator";
  return secure ? `__Host-${base}` : base;
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

export function setSessionCookie(
  reply: FastifyReply,
  input: { name: string; token: string; maxAgeSeconds: number; secure: boolean },
): void {
  const attrs = [`${input.name}=${input.token}`, "Path=/", "HttpOnly", "SameSite=Strict"];
  attrs.push(`Max-Age=${Math.max(0, Math.floor(input.maxAgeSeconds))}`);
  if (input.secure) attrs.push("Secure");
  reply.header("set-cookie", attrs.join("; "));
}

export function clearSessionCookie(reply: FastifyReply, name: string, secure: boolean): void {
  setSessionCookie(reply, { name, token: "", maxAgeSeconds: 0, secure });
}
