import type http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { isApiError } from "../../../src/errors.js";
import { allowLoopbackForTests, type Resolver } from "../../../src/http/outbound/address-guard.js";
import {
  type CrawlDeps,
  type CrawledPage,
  type CrawlOptions,
  type CrawlSkip,
  crawlSite,
  validateCrawlUrl,
} from "../../../src/knowledge/crawl/crawler.js";
import { type LoopbackServer, neverConnect, recordingConnector, startLoopbackServer } from "./loopback-server.js";

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

type Routes = Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void>;
const page =
  (body: string, type = "text/html; charset=utf-8") =>
  (_req: unknown, res: http.ServerResponse) =>
    res.writeHead(200, { "content-type": type }).end(body);
const xml = (body: string) => page(`<?xml version="1.0" encoding="UTF-8"?>${body}`, "application/xml");

async function serveSite(routes: (port: number) => Routes): Promise<LoopbackServer> {
  let table: Routes = {};
  const server = await startLoopbackServer((req, res) => {
    const host = (req.headers.host ?? "").replace(/:\d+$/, "");
    const route = table[`${host}${req.url}`] ?? table[req.url ?? ""];
    if (route) route(req, res);
    else res.writeHead(404, { "content-type": "text/html" }).end("not found");
  });
  table = routes(server.port);
  servers.push(server);
  return server;
}

function resolverFor(names: Record<string, string>): Resolver {
  return async (hostname) => {
    const address = names[hostname];
    if (!address) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return [{ address, family: address.includes(":") ? 6 : 4 }];
  };
}

async function collect(options: CrawlOptions, deps: CrawlDeps): Promise<CrawledPage[]> {
  const pages: CrawledPage[] = [];
  for await (const p of crawlSite(options, deps)) pages.push(p);
  return pages;
}

async function crawlError(options: CrawlOptions, deps: CrawlDeps = {}) {
  try {
    await collect(options, deps);
  } catch (error) {
    return error;
  }
  throw new Error("the crawl was expected to fail");
}

const defaults = { maxPages: 50, maxDepth: 2, maxBytesPerPage: 50_000, maxTotalBytes: 10_000_000, timeoutMs: 5_000 };

/** A small site: links, a base href, robots rules, a sitemap index with an unlinked page, and traps. */
function smallSite(offsitePort: number) {
  return (port: number): Routes => {
    const site = `http://site.example:${port}`;
    return {
      "/robots.txt": page(`User-agent: *\nDisallow: /private/\nSitemap: ${site}/sitemap-index.xml\n`, "text/plain"),
      "/sitemap-index.xml": xml(
        `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${site}/sitemap-pages.xml</loc></sitemap></sitemapindex>`,
      ),
      "/sitemap-pages.xml": xml(
        `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <url><loc>${site}/orphan</loc></url><url><loc>${site}/about</loc></url>
          <url><loc>${site}/private/in-sitemap</loc></url><url><loc>http://other.example:${offsitePort}/from-sitemap</loc></url>
        </urlset>`,
      ),
      "/": page(`<html><head><title>Home &amp; Garden</title></head><body>
        <a href="/about">About</a> <a href="/about#team">Team</a> <a href="docs/">Docs</a>
        <a href="mailto:hi@site.example">Mail</a> <a href="javascript:alert(1)">JS</a> <a href="tel:+100">Tel</a>
        <a rel="nofollow" href="/nofollowed">No</a> <a href="http://other.example:${offsitePort}/">Elsewhere</a>
        <a href="/private/secret">Secret</a> <a href="/big">Big</a> <a href="/logo.png">Logo</a>
        <a href="/report.pdf">Report</a> <a href="http://www.site.example:${port}/www-page">WWW</a>
        <a href="#top">Top</a></body></html>`),
      "/about": page(
        `<html><head><base href="/docs/"><title>About</title></head><body><a href="guide">Guide</a></body></html>`,
      ),
      "/docs/": page(`<a href="/docs/deep1">Deeper</a>`),
      "/docs/guide": page("<p>guide</p>"),
      "/docs/deep1": page(`<a href="/docs/deep2">Deepest</a>`),
      "/docs/deep2": page("too deep"),
      "/orphan": page("<title>Orphan</title>only in the sitemap"),
      "/big": page(`<html><body>${"<p>lorem ipsum</p>".repeat(20_000)}</body></html>`),
      "/report.pdf": page("%PDF-1.4 fake", "application/pdf"),
      "/nofollowed": page("should not be fetched"),
      "/private/secret": page("should not be fetched"),
      "/private/in-sitemap": page("should not be fetched"),
      "www.site.example/www-page": page("<title>WWW</title>"),
    };
  };
}

async function smallSiteSetup() {
  const offsite = await startLoopbackServer(page("off-site"));
  servers.push(offsite);
  const site = await serveSite(smallSite(offsite.port));
  const deps: CrawlDeps = {
    resolver: resolverFor({
      "site.example": "127.0.0.1",
      "www.site.example": "127.0.0.1",
      "other.example": "127.0.0.1",
    }),
    allow: allowLoopbackForTests("127.0.0.1", site.port),
  };
  return { site, offsite, deps, start: `http://site.example:${site.port}/` };
}

describe("crawlSite on a small site", () => {
  it("follows same-site links and the sitemap, honours robots.txt, depth and size limits", async () => {
    const { site, offsite, deps, start } = await smallSiteSetup();
    const skips: CrawlSkip[] = [];
    const pages = await collect({ ...defaults, startUrl: start, onSkip: (s) => skips.push(s) }, deps);
    const origin = `http://site.example:${site.port}`;
    const byUrl = new Map(pages.map((p) => [p.url, p]));
    expect([...byUrl.keys()].sort()).toEqual(
      [
        `${origin}/`,
        `${origin}/about`,
        `${origin}/big`,
        `${origin}/docs/`,
        `${origin}/docs/deep1`,
        `${origin}/docs/guide`,
        `${origin}/orphan`,
        `${origin}/report.pdf`,
        `http://www.site.example:${site.port}/www-page`,
      ].sort(),
    );
    expect(pages).toHaveLength(byUrl.size);
    expect(pages[0]).toMatchObject({ url: `${origin}/`, depth: 0, title: "Home & Garden", contentType: "text/html" });
    expect(byUrl.get(`${origin}/orphan`)).toMatchObject({ depth: 1, title: "Orphan" });
    expect(byUrl.get(`${origin}/docs/guide`)?.depth).toBe(2);
    expect(byUrl.get(`${origin}/report.pdf`)).toMatchObject({ contentType: "application/pdf", truncated: false });
    const big = byUrl.get(`${origin}/big`)!;
    expect(big.bytes.length).toBe(defaults.maxBytesPerPage);
    expect(big.truncated).toBe(true);

    const paths = site.requests.map((r) => r.path);
    for (const never of ["/private/secret", "/private/in-sitemap", "/nofollowed", "/logo.png", "/docs/deep2"])
      expect(paths).not.toContain(never);
    expect(paths.filter((p) => p === "/about")).toHaveLength(1);
    expect(site.requests.filter((r) => r.path === "/robots.txt").map((r) => r.host)).toEqual([
      `site.example:${site.port}`,
      `www.site.example:${site.port}`,
    ]);
    expect(offsite.connections).toBe(0);
    expect(
      skips
        .filter((s) => s.reason === "robots")
        .map((s) => new URL(s.url).pathname)
        .sort(),
    ).toEqual(["/private/in-sitemap", "/private/secret"]);
  });

  it("stops at maxPages without fetching more pages than it yields", async () => {
    const { site, deps, start } = await smallSiteSetup();
    const pages = await collect({ ...defaults, startUrl: start, maxPages: 3 }, deps);
    expect(pages).toHaveLength(3);
    const pageRequests = site.requests.filter((r) => !/robots|sitemap/.test(r.path));
    expect(pageRequests).toHaveLength(3);
  });

  it("crawls only the start page at depth 0, without reading sitemaps", async () => {
    const { site, deps, start } = await smallSiteSetup();
    const pages = await collect({ ...defaults, startUrl: start, maxDepth: 0 }, deps);
    expect(pages.map((p) => p.url)).toEqual([start]);
    expect(site.requests.map((r) => r.path)).toEqual(["/robots.txt", "/"]);
  });

  it("crawls a start URL that is a PDF", async () => {
    const { deps, site } = await smallSiteSetup();
    const start = `http://site.example:${site.port}/report.pdf`;
    const pages = await collect({ ...defaults, startUrl: start, maxDepth: 0 }, deps);
    expect(pages.map((p) => [p.url, p.contentType, p.bytes.toString()])).toEqual([
      [start, "application/pdf", "%PDF-1.4 fake"],
    ]);
  });

  it("keeps the sum of page bytes within maxTotalBytes", async () => {
    const { deps, start } = await smallSiteSetup();
    const pages = await collect({ ...defaults, startUrl: start, maxTotalBytes: 60_000 }, deps);
    const total = pages.reduce((sum, p) => sum + p.bytes.length, 0);
    expect(total).toBeLessThanOrEqual(60_000);
    expect(pages.length).toBeGreaterThan(1);
  });

  it("waits the robots.txt Crawl-delay between requests, capped", async () => {
    const site = await serveSite(() => ({
      "/robots.txt": page("User-agent: api-credits-crawler\nCrawl-delay: 30\n", "text/plain"),
      "/": page(`<a href="/a">a</a><a href="/b">b</a>`),
      "/a": page("a"),
      "/b": page("b"),
    }));
    const sleeps: number[] = [];
    const deps: CrawlDeps = {
      allow: allowLoopbackForTests("127.0.0.1", site.port),
      sleep: async (ms) => void sleeps.push(ms),
    };
    const pages = await collect({ ...defaults, startUrl: `${site.origin}/`, maxCrawlDelayMs: 2_000 }, deps);
    expect(pages).toHaveLength(3);
    // One wait before every request after robots.txt: the sitemap probe and three pages.
    const afterRobots = site.requests.length - 1;
    expect(sleeps).toEqual(Array(afterRobots).fill(2_000));
  });
});

describe("crawlSite refusals", () => {
  it("refuses a loopback start URL without the allowance; the listener sees no connection", async () => {
    const listener = await serveSite(() => ({ "/": page("internal") }));
    const error = await crawlError({ ...defaults, startUrl: `http://127.0.0.1:${listener.port}/` });
    expect(isApiError(error) && error.code).toBe("URL_NOT_ALLOWED");
    expect(listener.connections).toBe(0);
  });

  it("refuses a start URL whose name resolves to the metadata address, before connecting", async () => {
    const { calls, connect } = recordingConnector(neverConnect);
    const deps = { resolver: resolverFor({ "imds.example": "169.254.169.254" }), connect };
    const error = await crawlError({ ...defaults, startUrl: "http://imds.example/latest/meta-data/" }, deps);
    expect(isApiError(error) && error.details.reason).toBe("cloud-metadata");
    expect(calls).toEqual([]);
  });

  it("fails when the start page redirects to an address the guard refuses, connecting nowhere else", async () => {
    const internal = await serveSite(() => ({ "/": page("internal") }));
    const site = await serveSite(() => ({
      "/": (_req, res) => res.writeHead(302, { location: `${internal.origin}/` }).end(),
    }));
    const error = await crawlError(
      { ...defaults, startUrl: `${site.origin}/`, maxDepth: 0 },
      { allow: allowLoopbackForTests("127.0.0.1", site.port) },
    );
    expect(isApiError(error) && error.code).toBe("URL_NOT_ALLOWED");
    expect(internal.connections).toBe(0);
  });

  it("fails when robots.txt disallows the whole site", async () => {
    const site = await serveSite(() => ({
      "/robots.txt": page("User-agent: *\nDisallow: /\n", "text/plain"),
      "/": page("home"),
    }));
    const error = await crawlError(
      { ...defaults, startUrl: `${site.origin}/` },
      { allow: allowLoopbackForTests("127.0.0.1", site.port) },
    );
    expect(isApiError(error) && error.details.reason).toBe("robots");
    expect(site.requests.map((r) => r.path)).toEqual(["/robots.txt"]);
  });

  it("treats a robots.txt that answers 5xx as disallowing everything", async () => {
    const site = await serveSite(() => ({
      "/robots.txt": (_req, res) => res.writeHead(503).end(),
      "/": page("home"),
    }));
    const error = await crawlError(
      { ...defaults, startUrl: `${site.origin}/` },
      { allow: allowLoopbackForTests("127.0.0.1", site.port) },
    );
    expect(isApiError(error) && error.details.reason).toBe("robots");
    expect(site.requests.map((r) => r.path)).not.toContain("/");
  });
});

describe("crawlSite time and cancellation", () => {
  it("ends normally with the pages it has when maxDurationMs is spent", async () => {
    const site = await serveSite(() => ({
      "/": page(`<a href="/slow">slow</a>`),
      "/slow": () => {},
    }));
    const pages = await collect(
      { ...defaults, startUrl: `${site.origin}/`, maxDepth: 1, maxDurationMs: 500, timeoutMs: 60_000 },
      { allow: allowLoopbackForTests("127.0.0.1", site.port) },
    );
    expect(pages.map((p) => new URL(p.url).pathname)).toEqual(["/"]);
  });

  it("throws the abort reason when the caller cancels", async () => {
    const site = await serveSite(() => ({ "/": page(`<a href="/a">a</a>`), "/a": page("a") }));
    const controller = new AbortController();
    const crawl = crawlSite(
      { ...defaults, startUrl: `${site.origin}/`, signal: controller.signal },
      { allow: allowLoopbackForTests("127.0.0.1", site.port) },
    );
    const first = await crawl.next();
    expect(first.done).toBe(false);
    controller.abort(new Error("cancelled by the job"));
    await expect(crawl.next()).rejects.toThrow("cancelled by the job");
  });
});

describe("validateCrawlUrl", () => {
  it("refuses a hostile URL with URL_NOT_ALLOWED and accepts a public one, connecting to neither", async () => {
    const resolver = resolverFor({ "public.example": "93.184.215.14", "evil.example": "10.1.2.3" });
    await expect(validateCrawlUrl("https://public.example/docs", { resolver })).resolves.toBeUndefined();
    await expect(validateCrawlUrl("https://evil.example/", { resolver })).rejects.toMatchObject({
      code: "URL_NOT_ALLOWED",
      status: 422,
    });
    await expect(validateCrawlUrl("http://[::1]/", { resolver })).rejects.toMatchObject({ code: "URL_NOT_ALLOWED" });
  });
});
