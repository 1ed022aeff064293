import { readFile } from "node:fs/promises";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyReply } from "fastify";
import type { ImageOffer } from "../credits/catalogue.js";
import type { Pricing } from "../credits/pricing.js";
import type { Sql } from "../db/sql.js";
import type { FailureLimiter } from "../http/rate-limit/failures.js";
import type { App } from "../http/server.js";
import type { LicenseStore } from "../licenses/store.js";
import { siteStylesheet, WEB_DIST } from "./assets.js";
import { FAVICON_SVG, html, layout, PAGE_HEADERS } from "./html.js";
import { renderPricingPage, siteHeader } from "./pricing-page.js";
import { sessionRoutes, WebSessions } from "./session-routes.js";
import { SessionStore } from "./sessions.js";

export interface WebDeps {
  /** The pricing in force now: read on every request, so a change of prices shows at once. */
  pricing: () => Pricing;
  tokenizer: string;
  licenses: LicenseStore;
  web: WebSessions;
  adminToken?: string;
  /** Counts wrong operator tokens per address (shared with the bearer check). */
  operatorGuesses: FailureLimiter;
  /** Whether customers can buy (payments configured). */
  purchasable: boolean;
  /** The image operations this deployment offers: the pricing page sells only these. */
  imageOffer?: ImageOffer;
  /** The Vite build output (default dist/web). */
  distDir?: string;
}

/** The sessions behind the dashboard and the operator pages; pass `resolve` to registerAuth. */
export function createWebSessions(input: { sql: Sql; adminToken?: string; env: string }): WebSessions {
  return new WebSessions(new SessionStore(input.sql, { adminToken: input.adminToken }), input.env);
}

function sendHtml(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply
    .status(status)
    .headers(PAGE_HEADERS)
    .header("cache-control", "no-cache")
    .type("text/html; charset=utf-8")
    .send(body);
}

/** The pricing page, the two single-page apps, their assets and the session endpoints they sign in with. */
export async function webRoutes(app: App, deps: WebDeps): Promise<void> {
  const dist = deps.distDir ?? WEB_DIST;
  sessionRoutes(app, {
    web: deps.web,
    licenses: deps.licenses,
    adminToken: deps.adminToken,
    operatorGuesses: deps.operatorGuesses,
  });

  const pricingPage = async (_request: unknown, reply: FastifyReply) =>
    sendHtml(
      reply,
      renderPricingPage({
        pricing: deps.pricing(),
        tokenizer: deps.tokenizer,
        stylesheet: siteStylesheet(dist),
        purchasable: deps.purchasable,
        imageOffer: deps.imageOffer,
      }),
    );
  app.get("/", { schema: { hide: true } }, pricingPage);
  app.get("/pricing", { schema: { hide: true } }, pricingPage);

  app.get("/favicon.svg", { schema: { hide: true } }, async (_request, reply) =>
    reply.type("image/svg+xml").header("cache-control", "public, max-age=86400").send(FAVICON_SVG),
  );
  app.get("/favicon.ico", { schema: { hide: true } }, async (_request, reply) => reply.redirect("/favicon.svg", 301));

  const spa = (file: "dashboard.html" | "admin.html") => async (_request: unknown, reply: FastifyReply) => {
    let body: string;
    try {
      body = await readFile(path.join(dist, file), "utf8");
    } catch {
      return sendHtml(reply, notBuiltPage(siteStylesheet(dist)), 503);
    }
    return sendHtml(reply, body);
  };
  for (const [prefix, file] of [
    ["/dashboard", "dashboard.html"],
    ["/admin", "admin.html"],
  ] as const) {
    app.get(prefix, { schema: { hide: true } }, spa(file));
    app.get(`${prefix}/*`, { schema: { hide: true } }, spa(file));
  }

  // Vite puts a content hash in every asset's name, so they may be cached for good.
  await app.register(fastifyStatic, {
    root: path.join(dist, "assets"),
    prefix: "/assets/",
    decorateReply: false,
    index: false,
    immutable: true,
    maxAge: "365d",
    schemaHide: true,
    suppressWarning: true,
  });

  const cleanup = setInterval(() => {
    deps.web.store.deleteExpired().catch((err) => app.log.error({ err }, "expired sessions cleanup failed"));
  }, 3600_000);
  cleanup.unref();
  app.addHook("onClose", async () => clearInterval(cleanup));
}

function notBuiltPage(stylesheet: string | undefined): string {
  return layout({
    title: "Not built — AI Credits",
    description: "The web pages have not been built.",
    stylesheet,
    body: html`${siteHeader()}<main id="main" class="wrap section"><h1>The web pages are not built</h1>
<p>Run <code>npm run build</code> (it includes <code>vite build --config web/vite.config.ts</code>) and reload.</p></main>`,
  });
}
