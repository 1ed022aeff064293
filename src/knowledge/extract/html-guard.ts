import { ApiError } from "../../errors.js";

/**
 * linkedom's parser (htmlparser2 underneath) is quadratic in nesting depth: 50,000 nested elements (300 KB) take
 * seconds, 100,000 most of a minute, and parsing cannot be interrupted. So the depth the parser will build is
 * measured on the raw markup first, with htmlparser2's own rules for implied end tags (an unclosed <p> or <li> does
 * not nest when the next one opens). Browsers stop nesting at 512 as well.
 */
export const MAX_NESTING = 512;

const VOID = new Set(
  "area base basefont br col command embed frame hr img input isindex keygen link meta param source track wbr".split(
    " ",
  ),
);
const P = ["p"];
const FORM = ["input", "option", "optgroup", "select", "button", "datalist", "textarea"];
// htmlparser2's `openImpliesClose`: opening the key closes these elements while they are innermost.
const IMPLIES_CLOSE = new Map<string, string[]>([
  ["tr", ["tr", "th", "td"]],
  ["th", ["th"]],
  ["td", ["thead", "th", "td"]],
  ["body", ["head", "link", "script"]],
  ["li", ["li"]],
  ["option", ["option"]],
  ["optgroup", ["optgroup", "option"]],
  ["dd", ["dd", "dt"]],
  ["dt", ["dd", "dt"]],
  ["rt", ["rt", "rp"]],
  ["rp", ["rt", "rp"]],
  ["tbody", ["thead", "tbody"]],
  ["tfoot", ["thead", "tbody"]],
  ...["select", "input", "output", "button", "datalist", "textarea"].map((t): [string, string[]] => [t, FORM]),
  ...(
    "p h1 h2 h3 h4 h5 h6 address article aside blockquote details div dl fieldset figcaption figure footer form " +
    "header hr main nav ol pre section table ul"
  )
    .split(" ")
    .map((t): [string, string[]] => [t, P]),
]);
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "noembed", "noframes", "iframe", "plaintext"]);

/** Throws DOCUMENT_UNREADABLE `too_deeply_nested` when parsing `html` would nest elements past `MAX_NESTING`. */
export function assertShallowHtml(html: string): void {
  const stack: string[] = [];
  let foreign = 0;
  // `[^<>]*` stops at the next "<": the scan stays linear on hostile input such as "<a<a<a…".
  const token = /<!--|<(\/?)([a-zA-Z][\w:-]*)([^<>]*)>/g;
  for (let m = token.exec(html); m !== null; m = token.exec(html)) {
    if (m[0] === "<!--") {
      const end = html.indexOf("-->", token.lastIndex);
      token.lastIndex = end === -1 ? html.length : end + 3;
      continue;
    }
    const name = m[2]!.toLowerCase();
    if (m[1]) {
      const at = stack.lastIndexOf(name);
      if (at !== -1) {
        for (const closed of stack.splice(at)) if (closed === "svg" || closed === "math") foreign--;
      }
      continue;
    }
    const closes = IMPLIES_CLOSE.get(name);
    while (closes && stack.length > 0 && closes.includes(stack.at(-1)!)) stack.pop();
    if (VOID.has(name) || (foreign > 0 && m[3]!.endsWith("/"))) continue;
    if (RAW_TEXT.has(name)) {
      const close = new RegExp(`</${name}`, "gi");
      close.lastIndex = token.lastIndex;
      token.lastIndex = close.exec(html)?.index ?? html.length;
      continue;
    }
    if (name === "svg" || name === "math") foreign++;
    stack.push(name);
    if (stack.length > MAX_NESTING) {
      throw new ApiError("DOCUMENT_UNREADABLE", `The HTML nests elements more than ${MAX_NESTING} deep`, {
        reason: "too_deeply_nested",
      });
    }
  }
}
