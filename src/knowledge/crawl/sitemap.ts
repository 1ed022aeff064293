import { XMLParser } from "fast-xml-parser";

/** The URLs one sitemap file lists: pages (a `<urlset>`) or further sitemaps (a `<sitemapindex>`). */
export interface SitemapEntries {
  pages: string[];
  sitemaps: string[];
}

// Entity processing is off so a DOCTYPE cannot expand entities (billion laughs); the five predefined entities and
// character references, all a <loc> may contain, are decoded by hand below.
const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  processEntities: false,
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => name === "url" || name === "sitemap",
});

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (whole, name: string) => {
    if (name[0] !== "#") return PREDEFINED[name.toLowerCase()] ?? whole;
    const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function locs(entries: unknown): string[] {
  if (!Array.isArray(entries)) return [];
  const out: string[] = [];
  for (const entry of entries) {
    const loc = (entry as { loc?: unknown } | null)?.loc;
    if (typeof loc === "string" && loc.trim()) out.push(decodeEntities(loc.trim()));
  }
  return out;
}

/** Parses a sitemap or sitemap index; anything that is not one yields no entries rather than an error. */
export function parseSitemap(xml: string): SitemapEntries {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch {
    return { pages: [], sitemaps: [] };
  }
  const urlset = doc.urlset as { url?: unknown } | undefined;
  const index = doc.sitemapindex as { sitemap?: unknown } | undefined;
  return { pages: locs(urlset?.url), sitemaps: locs(index?.sitemap) };
}

/** Fetches one sitemap file; resolves undefined when it cannot be read (a missing sitemap is normal). */
export type SitemapFetcher = (url: URL) => Promise<string | undefined>;

/**
 * Walks sitemaps and sitemap indexes breadth first from the candidates, reading at most maxFiles files, and returns
 * the page URLs that pass `accept`, up to maxPages of them.
 */
export async function discoverSitemapPages(options: {
  candidates: URL[];
  fetchSitemap: SitemapFetcher;
  accept: (url: URL) => boolean;
  maxFiles: number;
  maxPages: number;
}): Promise<URL[]> {
  const queue = [...options.candidates];
  const queued = new Set(queue.map((u) => u.href));
  const pages: URL[] = [];
  let files = 0;
  while (queue.length > 0 && files < options.maxFiles && pages.length < options.maxPages) {
    const sitemapUrl = queue.shift()!;
    files++;
    const xml = await options.fetchSitemap(sitemapUrl);
    if (xml === undefined) continue;
    const entries = parseSitemap(xml);
    for (const loc of entries.pages) {
      const url = URL.canParse(loc) ? new URL(loc) : undefined;
      if (url && options.accept(url) && pages.length < options.maxPages) pages.push(url);
    }
    for (const loc of entries.sitemaps) {
      const url = URL.canParse(loc) ? new URL(loc) : undefined;
      if (url && options.accept(url) && !queued.has(url.href)) {
        queued.add(url.href);
        queue.push(url);
      }
    }
  }
  return pages;
}
