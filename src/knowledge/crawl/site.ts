const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * RFC 3986 §6.2.2 normalisation of percent-encoding: escapes of unreserved characters are decoded and the hex of
 * the others is upper-cased. Both forms name the same resource by definition, so nothing else is touched.
 */
function normalisePercent(part: string): string {
  return part.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/**
 * The key under which a URL is crawled once: the WHATWG serialisation (lower-case scheme and host, default port
 * and dot segments removed) without the fragment, with percent-encoding normalised. Query parameters keep their
 * order: a server may read them in order, so reordering could merge different pages.
 */
export function normaliseUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.hash = "";
  const normal = new URL(`${copy.origin}${normalisePercent(copy.pathname)}${normalisePercent(copy.search)}`);
  // `new URL` drops a bare "?"; keep it, since "/a?" and "/a" are not proven equal.
  return copy.href.endsWith("?") && !normal.search ? `${normal.href}?` : normal.href;
}

function bareHost(hostname: string): string {
  return hostname.replace(/\.+$/, "").replace(/^www\./, "");
}

function effectivePort(url: URL): string {
  return url.port || (url.protocol === "https:" ? "443" : "80");
}

/**
 * The site being crawled: same host (with or without `www.`), same scheme and port. Moving from http to https on
 * default ports stays on the site, since sites redirect there; the reverse would downgrade the crawl.
 */
export class SiteScope {
  private readonly host: string;

  constructor(private readonly start: URL) {
    this.host = bareHost(start.hostname);
  }

  contains(url: URL): boolean {
    if (url.protocol !== "http:" && url.protocol !== "https:") return false;
    if (bareHost(url.hostname) !== this.host) return false;
    if (url.protocol === this.start.protocol) return effectivePort(url) === effectivePort(this.start);
    return this.start.protocol === "http:" && !this.start.port && !url.port;
  }
}
