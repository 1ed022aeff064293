import { Parser } from "htmlparser2";
import { normaliseUrl } from "./site.js";

/** What the crawler needs from an HTML page. */
export interface HtmlFacts {
  title?: string;
  /** Absolute http(s) URLs of followable links, normalised, fragments dropped, in document order, no duplicates. */
  links: string[];
  /** The page asked robots not to follow its links (`<meta name="robots" content="nofollow">`). */
  nofollow: boolean;
}

const ROBOTS_META_NAMES = new Set(["robots", "api-credits-crawler"]);

/** Reads title, base URL, links and robots meta from HTML with a streaming tokenizer (no DOM is built). */
export function readHtml(html: string, pageUrl: string): HtmlFacts {
  let baseHref: string | undefined;
  let titleText: string | undefined;
  let inTitle = false;
  let nofollow = false;
  const hrefs: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if ((name === "a" || name === "area") && attrs.href !== undefined) {
          const rel = (attrs.rel ?? "").toLowerCase().split(/\s+/);
          if (!rel.includes("nofollow")) hrefs.push(attrs.href);
        } else if (name === "base" && attrs.href !== undefined && baseHref === undefined) {
          // Only the first <base href> counts, and it applies to links before it too (HTML's document base URL).
          baseHref = attrs.href;
        } else if (name === "meta" && ROBOTS_META_NAMES.has((attrs.name ?? "").toLowerCase())) {
          const directives = (attrs.content ?? "").toLowerCase().split(/[\s,]+/);
          if (directives.includes("nofollow") || directives.includes("none")) nofollow = true;
        } else if (name === "title" && titleText === undefined) {
          inTitle = true;
          titleText = "";
        }
      },
      ontext(text) {
        if (inTitle) titleText += text;
      },
      onclosetag(name) {
        if (name === "title") inTitle = false;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);

  const base = resolveBase(baseHref, pageUrl);
  const links: string[] = [];
  const unique = new Set<string>();
  if (!nofollow) {
    for (const href of hrefs) {
      const link = toLink(href, base);
      if (link && !unique.has(link)) {
        unique.add(link);
        links.push(link);
      }
    }
  }
  const title = titleText?.replace(/\s+/g, " ").trim();
  return { ...(title ? { title } : {}), links, nofollow };
}

function resolveBase(baseHref: string | undefined, pageUrl: string): URL {
  const page = new URL(pageUrl);
  if (baseHref === undefined) return page;
  try {
    const base = new URL(baseHref, page);
    return base.protocol === "http:" || base.protocol === "https:" ? base : page;
  } catch {
    return page;
  }
}

/** mailto:, javascript:, tel:, data: and unparseable hrefs are not links to crawl. */
function toLink(href: string, base: URL): string | undefined {
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  return normaliseUrl(url);
}

function charsetFrom(contentType: string): string | undefined {
  return /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType)?.[1];
}

/** Decodes a page to text: BOM, then the Content-Type charset, then a `<meta>` charset in the first 1 KiB, then UTF-8. */
export function decodeText(bytes: Buffer, contentTypeHeader: string): string {
  let label: string | undefined;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) label = "utf-8";
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) label = "utf-16le";
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) label = "utf-16be";
  label ??= charsetFrom(contentTypeHeader);
  label ??= charsetFrom(
    /<meta[^>]+charset\s*=\s*["']?[\w.:-]+/i.exec(bytes.subarray(0, 1024).toString("latin1"))?.[0] ?? "",
  );
  try {
    return new TextDecoder(label ?? "utf-8").decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}
