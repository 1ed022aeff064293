import { describe, expect, it } from "vitest";
import { decodeText, readHtml } from "../../../src/knowledge/crawl/html.js";
import { normaliseUrl, SiteScope } from "../../../src/knowledge/crawl/site.js";
import { parseSitemap } from "../../../src/knowledge/crawl/sitemap.js";

describe("readHtml", () => {
  it("extracts followable links against the first <base href>, dropping fragments and non-http schemes", () => {
    const facts = readHtml(
      `<html><head><title>  A &amp; B
        </title><base href="https://site.example/docs/"><base href="/ignored/"></head><body>
        <a href="intro">Intro</a><A HREF="intro#part-2">Again</A><a href="../faq?b=2&amp;a=1#x">FAQ</a>
        <a href="mailto:a@b.example">m</a><a href="javascript:void(0)">j</a><a href="data:text/html,x">d</a>
        <a href="http://[bad">bad</a><a rel="nofollow noopener" href="/login">login</a>
        <map><area href="/area"></map><script>document.write('<a href="/in-script">')</script>
        <!-- <a href="/in-comment"> --></body></html>`,
      "https://site.example/start",
    );
    expect(facts.title).toBe("A & B");
    expect(facts.nofollow).toBe(false);
    expect(facts.links).toEqual([
      "https://site.example/docs/intro",
      "https://site.example/faq?b=2&a=1",
      "https://site.example/area",
    ]);
  });

  it("follows nothing from a page whose robots meta says nofollow", () => {
    const facts = readHtml(`<meta name="ROBOTS" content="noindex, nofollow"><a href="/x">x</a>`, "http://s.example/");
    expect(facts).toMatchObject({ nofollow: true, links: [] });
  });

  it("ignores a base href that is not http(s)", () => {
    const facts = readHtml(`<base href="javascript:alert(1)"><a href="x">x</a>`, "http://s.example/dir/page");
    expect(facts.links).toEqual(["http://s.example/dir/x"]);
  });
});

describe("normaliseUrl", () => {
  it("removes only what provably names the same resource", () => {
    const n = (u: string) => normaliseUrl(new URL(u));
    expect(n("HTTP://Site.Example:80/a/./b/../c#frag")).toBe("http://site.example/a/c");
    expect(n("https://site.example/%7euser/%2fx?q=%61%2f")).toBe("https://site.example/~user/%2Fx?q=a%2F");
    expect(n("https://site.example/p?b=2&a=1")).toBe("https://site.example/p?b=2&a=1");
    expect(n("https://site.example/p?")).toBe("https://site.example/p?");
    expect(n("https://site.example")).toBe("https://site.example/");
  });
});

describe("SiteScope", () => {
  it("keeps to one host, its www variant, the same port, and allows only the http→https upgrade", () => {
    const http = new SiteScope(new URL("http://site.example/"));
    expect(http.contains(new URL("http://www.site.example/a"))).toBe(true);
    expect(http.contains(new URL("https://site.example/a"))).toBe(true);
    expect(http.contains(new URL("http://site.example:8080/a"))).toBe(false);
    expect(http.contains(new URL("http://other.example/"))).toBe(false);
    expect(http.contains(new URL("http://evilsite.example/"))).toBe(false);
    expect(http.contains(new URL("http://site.example.evil.example/"))).toBe(false);
    const https = new SiteScope(new URL("https://www.site.example/"));
    expect(https.contains(new URL("https://site.example/a"))).toBe(true);
    expect(https.contains(new URL("http://site.example/a"))).toBe(false);
  });
});

describe("parseSitemap", () => {
  it("reads urlsets and sitemap indexes, decoding XML escapes in <loc>", () => {
    expect(
      parseSitemap(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc> https://s.example/a?x=1&amp;y=2 </loc><lastmod>2024-01-01</lastmod></url>
        <url><loc>https://s.example/&#x62;</loc></url></urlset>`),
    ).toEqual({ pages: ["https://s.example/a?x=1&y=2", "https://s.example/b"], sitemaps: [] });
    expect(parseSitemap(`<sitemapindex><sitemap><loc>https://s.example/s1.xml</loc></sitemap></sitemapindex>`)).toEqual(
      { pages: [], sitemaps: ["https://s.example/s1.xml"] },
    );
  });

  it("does not expand DOCTYPE entities, and tolerates garbage", () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
      <urlset><url><loc>https://s.example/&b;</loc></url></urlset>`;
    expect(parseSitemap(laughs).pages).toEqual(["https://s.example/&b;"]);
    expect(parseSitemap("<html><body>not a sitemap")).toEqual({ pages: [], sitemaps: [] });
  });
});

describe("decodeText", () => {
  it("honours the header charset, then a meta charset, then UTF-8", () => {
    const latin1 = Buffer.from("<p>caf\xe9</p>", "latin1");
    expect(decodeText(latin1, "text/html; charset=ISO-8859-1")).toBe("<p>café</p>");
    expect(decodeText(Buffer.concat([Buffer.from('<meta charset="windows-1252">'), latin1]), "text/html")).toContain(
      "café",
    );
    expect(decodeText(Buffer.from("<p>café</p>"), "text/html")).toBe("<p>café</p>");
    expect(decodeText(Buffer.from("x"), "text/html; charset=no-such-charset")).toBe("x");
  });
});
