import { ApiError, isApiError } from "../../errors.js";
import { checkUrl, type GuardDeps } from "../../http/outbound/address-guard.js";
import { decodeText, type HtmlFacts, readHtml } from "./html.js";
import { OriginGate, realSleep, type Sleep } from "./politeness.js";
import { loadRobots, type RobotsRules } from "./robots.js";
import { PAGE_TYPES, type SafeFetchDeps, type SafeResponse, SITEMAP_TYPES, safeFetch } from "./safe-fetch.js";
import { normaliseUrl, SiteScope } from "./site.js";
import { discoverSitemapPages } from "./sitemap.js";

/** One fetched page of the crawled site, ready for text extraction. */
export interface CrawledPage {
  /** Final URL after redirects, normalised. */
  url: string;
  /** Links followed from the start page (0); sitemap entries count as depth 1. */
  depth: number;
  /** Lowercase media type without parameters: one of PAGE_TYPES. */
  contentType: string;
  bytes: Buffer;
  title?: string;
  /** The body was cut at the per-page (or remaining total) byte limit. */
  truncated: boolean;
}

/** A URL the crawl did not ingest, and why (robots, http-404, URL_NOT_ALLOWED, UNSUPPORTED_FILE_TYPE, duplicate…). */
export interface CrawlSkip {
  url: string;
  depth: number;
  reason: string;
  detail: string;
}

/** Limits of one crawl. */
export interface CrawlOptions {
  startUrl: string;
  maxPages: number;
  maxDepth: number;
  maxBytesPerPage: number;
  maxTotalBytes: number;
  /** Per request: DNS, connect, redirects and body together. */
  timeoutMs: number;
  /** Cancels the crawl: the generator throws the signal's reason. */
  signal?: AbortSignal;
  /** Requests in flight at once (default 2, at most 8). */
  concurrency?: number;
  /** Wall-clock budget for the whole crawl; when spent the crawl ends normally with what it has. */
  maxDurationMs?: number;
  /** Cap on robots.txt Crawl-delay (default 10 s). */
  maxCrawlDelayMs?: number;
  onSkip?: (skip: CrawlSkip) => void;
}

/** The seams of a crawl: the guard's resolver and loopback allowance, the socket opener, and sleep. */
export interface CrawlDeps extends SafeFetchDeps {
  sleep?: Sleep;
}

const MAX_SITEMAP_FILES = 10;
const MAX_SITEMAP_BYTES = 10 * 1024 * 1024;
// Never pages: fetching them would only spend requests on a refused media type.
const NOT_PAGES =
  /\.(png|jpe?g|gif|webp|avif|svg|ico|bmp|tiff?|css|js|mjs|map|json|woff2?|ttf|otf|eot|mp[34]|m4a|wav|ogg|flac|webm|avi|mov|mkv|zip|gz|tgz|bz2|xz|rar|7z|tar|exe|dmg|iso|apk|bin)$/i;

/**
 * Checks a crawl's start URL as the crawl will (scheme, credentials, host, every resolved address), so the route
 * can answer 422 URL_NOT_ALLOWED at once instead of failing the background job. Connects to nothing.
 */
export async function validateCrawlUrl(url: string, deps: GuardDeps = {}): Promise<void> {
  await checkUrl(url, deps);
}

function positiveInt(name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min)
    throw new ApiError("VALIDATION_FAILED", `${name} must be an integer of at least ${min}`, { field: name });
  return value;
}

type Item = { url: URL; key: string; depth: number };
type Outcome = { kind: "page"; page: CrawledPage; links: string[] } | { kind: "skip"; reason: string; error: unknown };

function describeFailure(error: unknown): { reason: string; detail: string } {
  if (isApiError(error)) {
    const reason = typeof error.details.reason === "string" ? `${error.code}:${error.details.reason}` : error.code;
    return { reason, detail: error.message };
  }
  return { reason: "error", detail: error instanceof Error ? error.message : String(error) };
}

/**
 * Crawls one site breadth first and yields its pages as they arrive. The start URL is checked before anything is
 * fetched (a refusal throws); every request, redirect hop, robots.txt and sitemap goes through safeFetch. If no
 * page at all could be crawled, the start page's failure is thrown.
 */
export async function* crawlSite(options: CrawlOptions, deps: CrawlDeps = {}): AsyncGenerator<CrawledPage> {
  const maxPages = positiveInt("maxPages", options.maxPages);
  const maxDepth = positiveInt("maxDepth", options.maxDepth, 0);
  const maxBytesPerPage = positiveInt("maxBytesPerPage", options.maxBytesPerPage);
  const maxTotalBytes = positiveInt("maxTotalBytes", options.maxTotalBytes);
  const timeoutMs = positiveInt("timeoutMs", options.timeoutMs);
  const concurrency = Math.min(8, positiveInt("concurrency", options.concurrency ?? 2));
  const maxCrawlDelayMs = options.maxCrawlDelayMs ?? 10_000;
  const sleep = deps.sleep ?? realSleep;

  const start = (await checkUrl(options.startUrl, deps, options.signal)).url;
  const scope = new SiteScope(start);
  const stop = new AbortController();
  const signal = AbortSignal.any([
    stop.signal,
    ...(options.signal ? [options.signal] : []),
    ...(options.maxDurationMs ? [AbortSignal.timeout(options.maxDurationMs)] : []),
  ]);

  const robots = new Map<string, Promise<RobotsRules>>();
  const gates = new Map<string, Promise<OriginGate>>();
  const fetchOnce = (url: string, accept: readonly string[], maxBytes: number) =>
    safeFetch(url, { maxBytes, timeoutMs, accept, signal, followRedirect: (next) => scope.contains(next) }, deps);
  const rulesFor = (url: URL): Promise<RobotsRules> => {
    let rules = robots.get(url.origin);
    if (!rules) {
      rules = loadRobots(url.origin, fetchOnce, maxCrawlDelayMs);
      robots.set(url.origin, rules);
    }
    return rules;
  };
  const gateFor = (url: URL): Promise<OriginGate> => {
    let gate = gates.get(url.origin);
    if (!gate) {
      gate = rulesFor(url).then((rules) => new OriginGate(rules.crawlDelayMs, sleep));
      gates.set(url.origin, gate);
    }
    return gate;
  };
  // Robots rules are checked again on every redirect hop, since a redirect may lead into a disallowed path.
  const fetchPolitely = async (url: URL, accept: readonly string[], maxBytes: number): Promise<SafeResponse> => {
    await (await gateFor(url)).turn(signal);
    return safeFetch(
      url.href,
      {
        maxBytes,
        timeoutMs,
        accept,
        signal,
        followRedirect: async (next) => scope.contains(next) && (await rulesFor(next)).isAllowed(next.href),
      },
      deps,
    );
  };

  const skip = (item: Item, reason: string, detail: string) =>
    options.onSkip?.({ url: item.url.href, depth: item.depth, reason, detail });
  const seen = new Set<string>();
  const crawled = new Set<string>();
  const frontier: Item[] = [];
  const enqueue = (url: URL, depth: number) => {
    if (depth > maxDepth || !scope.contains(url) || NOT_PAGES.test(url.pathname)) return;
    const key = normaliseUrl(url);
    if (seen.has(key)) return;
    seen.add(key);
    frontier.push({ url: new URL(key), key, depth });
  };

  const fetchPage = async (item: Item, maxBytes: number): Promise<Outcome> => {
    try {
      const res = await fetchPolitely(item.url, PAGE_TYPES, maxBytes);
      if (res.status < 200 || res.status > 299) {
        const error = new ApiError("PROVIDER_ERROR", `${res.url} answered ${res.status}`, {
          url: res.url,
          upstreamStatus: res.status,
        });
        return { kind: "skip", reason: `http-${res.status}`, error };
      }
      const url = normaliseUrl(new URL(res.url));
      const html = res.contentType === "text/html" || res.contentType === "application/xhtml+xml";
      const facts: HtmlFacts = html
        ? readHtml(decodeText(res.bytes, res.contentTypeHeader), url)
        : { links: [], nofollow: false };
      const page: CrawledPage = {
        url,
        depth: item.depth,
        contentType: res.contentType,
        bytes: res.bytes,
        ...(facts.title ? { title: facts.title } : {}),
        truncated: res.truncated,
      };
      return { kind: "page", page, links: facts.links };
    } catch (error) {
      return { kind: "skip", ...describeFailure(error), error };
    }
  };

  // The start page is fetched whatever its path looks like; the customer asked for it.
  const startKey = normaliseUrl(start);
  seen.add(startKey);
  frontier.push({ url: new URL(startKey), key: startKey, depth: 0 });
  let startFailure: unknown;
  if (maxDepth >= 1) {
    const startRules = await rulesFor(start);
    const candidates = [...new Set([...startRules.sitemaps, new URL("/sitemap.xml", start).href])]
      .filter((href) => URL.canParse(href))
      .map((href) => new URL(href))
      .filter((url) => scope.contains(url));
    const pages = await discoverSitemapPages({
      candidates,
      maxFiles: MAX_SITEMAP_FILES,
      maxPages: maxPages * 2 + 10,
      accept: (url) => scope.contains(url),
      fetchSitemap: async (url) => {
        if (signal.aborted || !(await rulesFor(url)).isAllowed(url.href)) return undefined;
        const res = await fetchPolitely(url, SITEMAP_TYPES, MAX_SITEMAP_BYTES).catch(() => undefined);
        return res && res.status >= 200 && res.status <= 299 && !res.truncated ? res.bytes.toString("utf8") : undefined;
      },
    });
    for (const url of pages) enqueue(url, 1);
  }

  const maxRequests = maxPages * 3 + 10;
  let requests = 0;
  let yielded = 0;
  let totalBytes = 0;
  let reservedBytes = 0;
  let nextId = 0;
  const inflight = new Map<number, Promise<{ id: number; item: Item; budget: number; outcome: Outcome }>>();
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      if (signal.aborted) break;
      while (
        !signal.aborted &&
        inflight.size < concurrency &&
        frontier.length > 0 &&
        yielded + inflight.size < maxPages
      ) {
        // Bytes are reserved when a request starts, so concurrent pages cannot overshoot maxTotalBytes together.
        const budget = Math.min(maxBytesPerPage, maxTotalBytes - totalBytes - reservedBytes);
        if (budget <= 0 || requests >= maxRequests) break;
        const item = frontier.shift()!;
        if (crawled.has(item.key)) continue;
        const rules = await rulesFor(item.url);
        options.signal?.throwIfAborted();
        if (!rules.isAllowed(item.url.href)) {
          if (item.key === startKey) startFailure = robotsRefusal(item.url, rules);
          skip(item, rules.source === "unreachable" ? "robots-unreachable" : "robots", "robots.txt does not allow it");
          continue;
        }
        requests++;
        reservedBytes += budget;
        const id = nextId++;
        inflight.set(
          id,
          fetchPage(item, budget).then((outcome) => ({ id, item, budget, outcome })),
        );
      }
      if (inflight.size === 0) break;
      const { id, item, budget, outcome } = await Promise.race(inflight.values());
      inflight.delete(id);
      reservedBytes -= budget;
      options.signal?.throwIfAborted();
      if (signal.aborted) break;
      if (outcome.kind === "skip") {
        if (item.key === startKey) startFailure = outcome.error;
        skip(item, outcome.reason, describeFailure(outcome.error).detail);
        continue;
      }
      // A redirect can land on a page crawled under another URL; its final URL decides.
      crawled.add(item.key);
      if (crawled.has(outcome.page.url) && outcome.page.url !== item.key) {
        skip(item, "duplicate", `redirects to ${outcome.page.url}, already crawled`);
        continue;
      }
      crawled.add(outcome.page.url);
      seen.add(outcome.page.url);
      totalBytes += outcome.page.bytes.length;
      yielded++;
      for (const link of outcome.links) enqueue(new URL(link), item.depth + 1);
      yield outcome.page;
    }
    if (yielded === 0 && startFailure !== undefined) throw startFailure;
  } finally {
    stop.abort();
    await Promise.allSettled(inflight.values());
  }
}

function robotsRefusal(url: URL, rules: RobotsRules): ApiError {
  const why = rules.source === "unreachable" ? "its robots.txt could not be read" : "its robots.txt disallows it";
  return new ApiError("URL_NOT_ALLOWED", `Not crawling ${url.href}: ${why}`, { url: url.href, reason: "robots" });
}
