/**
 * What the text rule (src/http/text-rule.ts) costs a JSON body: Fastify's own parse of the decoded text against
 * the rule's parse from bytes — the common body (valid UTF-8, no `\u` escape: one isUtf8 pass and a byte search) and
 * a body with escapes (every string walked). Median microseconds per body over many runs.
 */
import { performance } from "node:perf_hooks";
import { parseJsonText } from "../src/http/text-rule.js";
import { fmt, percentile, table } from "./lib/stats.js";

const prose = "Glaciers carve U-shaped valleys and leave moraines when the ice retreats. Zoë's café notes. ";
const bodies: [string, unknown][] = [
  ["query (60 B)", { query: "how do glaciers carve valleys", topK: 5 }],
  ["document, 1 MB of text", { name: "notes.txt", text: prose.repeat(11_000), metadata: { author: "Zoë" } }],
  [
    "document, 1 MB, 1,000 `\\u` escapes",
    { name: "notes.txt", text: `${prose}\u0001`.repeat(1_000) + prose.repeat(10_000), metadata: { author: "Zoë" } },
  ],
  ["500 metadata-like strings", { items: Array.from({ length: 500 }, (_, i) => ({ key: `k${i}`, value: "é\t" })) }],
];

function median(run: () => void, minMs = 400): number {
  const times: number[] = [];
  const until = performance.now() + minMs;
  while (performance.now() < until || times.length < 20) {
    const t = performance.now();
    run();
    times.push((performance.now() - t) * 1000);
  }
  return percentile(times, 50);
}

const rows = bodies.map(([label, value]) => {
  const bytes = Buffer.from(JSON.stringify(value));
  const plain = median(() => JSON.parse(bytes.toString("utf8")));
  const ruled = median(() => parseJsonText(bytes, JSON.parse));
  return [label, fmt(bytes.length / 1024, 0), fmt(plain), fmt(ruled), `${fmt((ruled / plain - 1) * 100, 0)} %`];
});
console.log(table(["body", "KiB", "JSON.parse µs", "with the text rule µs", "overhead"], rows));
