import type http from "node:http";
import { pipeline, type Readable } from "node:stream";
import zlib from "node:zlib";
import { ApiError, isApiError } from "../../errors.js";
import { checkUrl, type GuardDeps, redactUrl, refuseUrl } from "../../http/outbound/address-guard.js";
import { type Connector, pinnedConnector, requestPinned } from "../../http/outbound/pinned-request.js";

export { type Connector, type ConnectTarget, pinnedConnector } from "../../http/outbound/pinned-request.js";

/** Media types of pages the crawler ingests. */
export const PAGE_TYPES = ["text/html", "application/xhtml+xml", "text/plain", "application/pdf"] as const;
/** Media types a sitemap is served with. */
export const SITEMAP_TYPES = ["application/xml", "text/xml"] as const;

export const CRAWLER_USER_AGENT = "api-credits-crawler";
const USER_AGENT_HEADER = `${CRAWLER_USER_AGENT}/0.1`;
const DEFAULT_MAX_REDIRECTS = 5;

/** Limits and policy for one fetch. */
export interface SafeFetchOptions {
  /** Largest body kept (after decompression); reading stops there and the response is marked truncated. */
  maxBytes: number;
  /** Budget for the whole fetch: every DNS lookup, connection, redirect hop and the body. */
  timeoutMs: number;
  /** Media types accepted on a 2xx answer (lowercase essence; "" accepts a missing Content-Type). */
  accept: readonly string[];
  maxRedirects?: number;
  signal?: AbortSignal;
  /** Asked before a redirect is followed (after the guard passed it); false refuses the hop. */
  followRedirect?: (next: URL) => boolean | Promise<boolean>;
}

/** The test seams: the guard's resolver and loopback allowance, and the socket opener. */
export interface SafeFetchDeps extends GuardDeps {
  connect?: Connector;
}

/** One fetched response. Bodies of non-2xx answers are not read. */
export interface SafeResponse {
  /** The final URL, after redirects. */
  url: string;
  status: number;
  /** Lowercase media type without parameters, "" when absent. */
  contentType: string;
  /** The Content-Type header as sent (keeps the charset). */
  contentTypeHeader: string;
  bytes: Buffer;
  truncated: boolean;
  /** Every URL a redirect pointed to, in order. */
  redirects: string[];
  /** The checked address the final request was sent to. */
  address: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const defaultConnector = pinnedConnector();

function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}

function decoded(res: http.IncomingMessage): Readable {
  const encoding = mediaType(res.headers["content-encoding"]) || "identity";
  const noop = () => {};
  if (encoding === "identity") return res;
  if (encoding === "gzip" || encoding === "x-gzip") return pipeline(res, zlib.createGunzip(), noop);
  if (encoding === "deflate") return pipeline(res, zlib.createInflate(), noop);
  if (encoding === "br") return pipeline(res, zlib.createBrotliDecompress(), noop);
  throw new ApiError("PROVIDER_ERROR", `The server answered with an unsupported content encoding "${encoding}"`);
}

/** Reads at most maxBytes of the decoded body; the rest is never read, let alone buffered. */
async function readLimited(
  res: http.IncomingMessage,
  maxBytes: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of decoded(res) as AsyncIterable<Buffer>) {
    if (size + chunk.length > maxBytes) {
      chunks.push(chunk.subarray(0, maxBytes - size));
      size = maxBytes;
      truncated = true;
      break;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { bytes: Buffer.concat(chunks, size), truncated };
}

function failure(error: unknown, url: string | URL, timeout: AbortSignal, outer?: AbortSignal): unknown {
  if (outer?.aborted) return outer.reason;
  if (isApiError(error)) return error;
  if (timeout.aborted)
    return new ApiError("PROVIDER_TIMEOUT", `${redactUrl(url)} did not answer in time`, { url: redactUrl(url) });
  const message = (error as { code?: string }).code ?? (error as Error).message;
  return new ApiError("PROVIDER_ERROR", `${redactUrl(url)} could not be fetched: ${message}`, { url: redactUrl(url) });
}

/**
 * GET one URL with SSRF protection: every hop is checked by the guard and then connected to exactly the address that
 * was checked. Refusals throw ApiError URL_NOT_ALLOWED; a disallowed media type throws UNSUPPORTED_FILE_TYPE.
 */
export async function safeFetch(
  input: string,
  options: SafeFetchOptions,
  deps: SafeFetchDeps = {},
): Promise<SafeResponse> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const redirects: string[] = [];
  let current: string | URL = input;
  for (let hop = 0; ; hop++) {
    const target = await checkUrl(current, deps, signal).catch((error) => {
      throw failure(error, current, timeout, options.signal);
    });
    const headers = {
      "user-agent": USER_AGENT_HEADER,
      accept: options.accept.filter(Boolean).join(", ") || "*/*",
      "accept-encoding": "gzip, deflate, br",
    };
    let exchange: Awaited<ReturnType<typeof requestPinned>>;
    try {
      exchange = await requestPinned(target, deps.connect ?? defaultConnector, headers, signal);
    } catch (error) {
      throw failure(error, target.url, timeout, options.signal);
    }
    const { req, res, address } = exchange;
    try {
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode ?? 0) && location) {
        if (hop >= maxRedirects)
          throw refuseUrl(target.url, "too-many-redirects", `more than ${maxRedirects} redirects`);
        let next: URL;
        try {
          next = new URL(location, target.url);
        } catch {
          throw refuseUrl(target.url, "invalid-redirect", "it redirects to an invalid URL");
        }
        if (options.followRedirect && !(await options.followRedirect(next)))
          throw refuseUrl(next, "redirect-not-followed", `the redirect from ${target.hostname} leaves the crawl`);
        redirects.push(redactUrl(next));
        current = next;
        continue;
      }
      const status = res.statusCode ?? 0;
      const contentTypeHeader = res.headers["content-type"] ?? "";
      const contentType = mediaType(contentTypeHeader);
      const base = { url: target.url.href, status, contentType, contentTypeHeader, redirects, address };
      if (status < 200 || status > 299) return { ...base, bytes: Buffer.alloc(0), truncated: false };
      if (!options.accept.includes(contentType))
        throw new ApiError("UNSUPPORTED_FILE_TYPE", `${redactUrl(target.url)} is ${contentType || "untyped"}`, {
          url: redactUrl(target.url),
          contentType,
        });
      const body = await readLimited(res, options.maxBytes);
      return { ...base, ...body };
    } catch (error) {
      throw failure(error, target.url, timeout, options.signal);
    } finally {
      // One request per connection: closing it here stops any unread remainder of the body from arriving.
      res.destroy();
      req.destroy();
    }
  }
}
