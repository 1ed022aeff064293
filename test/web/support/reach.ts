import type { Locator } from "playwright-core";

/**
 * Whether a control can be reached on this screen without scrolling sideways: the page is no wider than the
 * viewport, and the control, scrolled into view vertically only (never sideways, not even inside a scrolling box),
 * lies entirely within the viewport's width and is not cut off by any box around it. Fails with what was out of reach.
 */
export async function assertReachable(locator: Locator, what: string): Promise<void> {
  await locator.waitFor();
  const problem = await locator.evaluate((el) => {
    const width = window.innerWidth;
    const pageWidth = document.documentElement.scrollWidth;
    if (pageWidth > width) return `the page is ${pageWidth}px wide on a ${width}px screen`;
    const before = el.getBoundingClientRect();
    window.scrollBy(0, before.top - window.innerHeight / 2);
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return "it is not displayed";
    if (r.left < -0.5 || r.right > width + 0.5)
      return `it spans x=${r.left.toFixed(0)}…${r.right.toFixed(0)} on a ${width}px screen`;
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflowX === "visible") continue;
      const c = p.getBoundingClientRect();
      if (r.left < c.left - 0.5 || r.right > c.right + 0.5)
        return `it is cut off by a scrolling box (${p.tagName.toLowerCase()}.${p.className})`;
    }
    return undefined;
  });
  if (problem) throw new Error(`${what} cannot be reached without scrolling sideways: ${problem}`);
}
