import { describe, expect, it } from "vitest";
import { DEFAULT_EXTRACT_LIMITS, extractDocument } from "../../../src/knowledge/extract/index.js";

const filler = (topic: string) =>
  `${topic} is described here at length so that the article is clearly the main content of the page. `.repeat(6);

const PAGE = `<!DOCTYPE html>
<html><head><title>Field guide</title><style>body { color: red }</style><script>var tracking = "SCRIPT-TEXT";</script></head>
<body>
  <nav><a href="/">Home</a> <a href="/shop">Shop</a> NAV-TEXT</nav>
  <article>
    <h1>Birds of the coast</h1>
    <p>${filler("The heron")}</p>
    <h2>Sightings</h2>
    <table>
      <thead><tr><th>Species</th><th>Count</th><th>Month</th></tr></thead>
      <tbody><tr><td>Heron</td><td>4</td><td>May</td></tr><tr><td>Gull</td><td>31</td><td>June</td></tr></tbody>
    </table>
    <p>${filler("The gull")}<script>document.write("INLINE-SCRIPT")</script></p>
    <ul><li>Bring binoculars</li><li>Stay on the path</li></ul>
  </article>
  <footer>Copyright FOOTER-TEXT</footer>
</body></html>`;

async function extractHtml(html: string, contentType = "text/html") {
  return extractDocument(
    { bytes: Buffer.from(html, "utf8"), filename: "page.html", contentType },
    DEFAULT_EXTRACT_LIMITS,
  );
}

describe("HTML extraction", () => {
  it("keeps the article: headings, paragraphs, list items and table rows with their header", async () => {
    const doc = await extractHtml(PAGE);
    expect(doc.mimeType).toBe("text/html");
    expect(doc.title).toBe("Field guide");
    const texts = doc.blocks.map((b) => b.text);
    const headings = doc.blocks.filter((b) => b.kind === "heading").map((b) => b.text);
    expect(headings).toEqual(["Birds of the coast", "Sightings"]);
    expect(doc.blocks.filter((b) => b.kind === "row")).toEqual([
      { text: "Species: Heron; Count: 4; Month: May", kind: "row", heading: "Sightings" },
      { text: "Species: Gull; Count: 31; Month: June", kind: "row", heading: "Sightings" },
    ]);
    expect(texts).toContain("Bring binoculars");
    expect(texts.some((t) => t.startsWith("The heron is described"))).toBe(true);
  });

  it("drops scripts, styles, navigation and page chrome", async () => {
    const all = (await extractHtml(PAGE)).blocks.map((b) => b.text).join("\n");
    for (const junk of ["SCRIPT-TEXT", "INLINE-SCRIPT", "NAV-TEXT", "FOOTER-TEXT", "color: red"]) {
      expect(all).not.toContain(junk);
    }
  });

  it("falls back to the body text when Readability finds no article", async () => {
    const doc = await extractHtml(
      "<nav>Menu</nav><h3>Opening hours</h3><p>Mon–Fri 9–17.</p><script>x()</script><table><tr><td>Sat</td><td>closed</td></tr></table>",
    );
    expect(doc.blocks).toEqual([
      { text: "Opening hours", kind: "heading", heading: "Opening hours" },
      { text: "Mon–Fri 9–17.", kind: "text", heading: "Opening hours" },
      { text: "Sat; closed", kind: "text", heading: "Opening hours" },
    ]);
    expect(doc.title).toBe("Opening hours");
  });

  it("uses the first row as the header of a table without <th>, and reads a layout table as content", async () => {
    const data = await extractHtml(
      "<table><tr><td>Plan</td><td>Price</td></tr><tr><td>Personal</td><td>$10</td></tr></table>",
    );
    expect(data.blocks).toEqual([{ text: "Plan: Personal; Price: $10", kind: "row" }]);
    const layout = await extractHtml(
      `<table><tr><td><p>${"Long column text. ".repeat(80)}</p></td><td><p>Sidebar</p></td></tr></table>`,
    );
    expect(layout.blocks.every((b) => b.kind === "text")).toBe(true);
    expect(layout.blocks[0]!.text.startsWith("Long column text. Long column text.")).toBe(true);
  });

  it("decodes a page in the legacy charset it declares", async () => {
    const html =
      '<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head><body><p>Cr\xe8me br\xfbl\xe9e</p></body></html>';
    const doc = await extractDocument(
      { bytes: Buffer.from(html, "latin1"), filename: "menu.htm" },
      DEFAULT_EXTRACT_LIMITS,
    );
    expect(doc.title).toBe("Café");
    expect(doc.blocks.map((b) => b.text)).toEqual(["Crème brûlée"]);
  });

  it("recognises an HTML document by its doctype when no name says so", async () => {
    const doc = await extractDocument({ bytes: Buffer.from(PAGE) }, DEFAULT_EXTRACT_LIMITS);
    expect(doc.mimeType).toBe("text/html");
  });
});
