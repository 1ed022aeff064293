import { createRequire } from "node:module";
import type robotsParserTypes from "robots-parser";
import { isApiError } from "../../errors.js";
import { CRAWLER_USER_AGENT, type SafeResponse } from "./safe-fetch.js";

// robots-parser is CommonJS (`module.exports = fn`) but its types declare an ES default export, which NodeNext
// resolution then types as `{ default }`; requiring it gives the function under its declared type.
const robotsParser = createRequire(import.meta.url)("robots-parser") as typeof robotsParserTypes.default;

/** What one origin's robots.txt lets this crawler do. */
export interface RobotsRules {
  isAllowed(url: string): boolean;
  /** Crawl-delay for our user agent, in ms, already capped. */
  crawlDelayMs: number;
  /** Absolute URLs of the `Sitemap:` lines. */
  sitemaps: string[];
  /** How the rules were obtained, for skip reasons: `parsed`, `missing` (4xx) or `unreachable` (5xx, network). */
  source: "parsed" | "missing" | "unreachable";
}

/** Fetches one URL through the crawl's guarded fetch, accepting the given media types. */
export type TextFetcher = (url: string, accept: readonly string[], maxBytes: number) => Promise<SafeResponse>;

// RFC 9309 asks crawlers to parse at least 500 KiB; beyond that the rest is ignored.
const ROBOTS_MAX_BYTES = 512 * 1024;
// Servers often send robots.txt as text/html or without a type; the file is parsed as text whatever the label.
const ROBOTS_TYPES = ["text/plain", "text/html", "application/octet-stream", ""] as const;

function fixed(allowed: boolean, source: RobotsRules["source"]): RobotsRules {
  return { isAllowed: () => allowed, crawlDelayMs: 0, sitemaps: [], source };
}

/**
 * Loads robots.txt for an origin following RFC 9309: a 4xx answer means no rules (crawl everything), a 5xx answer
 * or an unreachable server means full disallow. Guard refusals (a redirect to a private address) also count as
 * unreachable: we could not read the rules, so we do not assume permission.
 */
export async function loadRobots(
  origin: string,
  fetchText: TextFetcher,
  maxCrawlDelayMs: number,
): Promise<RobotsRules> {
  const robotsUrl = new URL("/robots.txt", origin).href;
  let res: SafeResponse;
  try {
    res = await fetchText(robotsUrl, ROBOTS_TYPES, ROBOTS_MAX_BYTES);
  } catch (error) {
    // A cancelled crawl lands here too; the crawler notices its own signal and stops.
    if (isApiError(error) && error.code === "UNSUPPORTED_FILE_TYPE") return fixed(true, "missing");
    return fixed(false, "unreachable");
  }
  if (res.status >= 500 || res.status === 429) return fixed(false, "unreachable");
  if (res.status < 200 || res.status > 299) return fixed(true, "missing");
  const robot = robotsParser(robotsUrl, res.bytes.toString("utf8"));
  const delaySeconds = Number(robot.getCrawlDelay(CRAWLER_USER_AGENT) ?? 0);
  const crawlDelayMs =
    Number.isFinite(delaySeconds) && delaySeconds > 0 ? Math.min(delaySeconds * 1000, maxCrawlDelayMs) : 0;
  return {
    isAllowed: (url) => robot.isAllowed(url, CRAWLER_USER_AGENT) === true,
    crawlDelayMs,
    sitemaps: robot.getSitemaps(),
    source: "parsed",
  };
}
