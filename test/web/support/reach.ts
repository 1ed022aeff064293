import type { Locator, Page } from "playwright-core";

/**
 * Whether a control can be reached on this screen without scrolling sideways: the page is no wider than the
 * viewport, and the control, once scrolled into view vertically, lies entirely within the viewport's width. Fails with
 * what was out of reach.
 */
export async function assertReachable(page: Page, locator: Locator, what: string): Promise<void> {
  const width = page.viewportSize()!.width;
  const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  if (pageWidth > width) throw new Error(`the page is ${pageWidth}px wide on a ${width}px screen (at ${what})`);
  await locator.scrollIntoViewIfNeeded();
  // Scrolling the page must not have been sideways, and no scrolling box may hide part of the control.
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${what} is not displayed`);
  const scrollX = await page.evaluate(() => window.scrollX);
  if (scrollX !== 0) throw new Error(`reaching ${what} scrolled the page ${scrollX}px sideways`);
  if (box.x < 0 || box.x + box.width > width + 0.5)
    throw new Error(`${what} spans x=${box.x.toFixed(0)}…${(box.x + box.width).toFixed(0)} on a ${width}px screen`);
  const clipped = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.overflowX === "visible") continue;
      const c = p.getBoundingClientRect();
      if (r.left < c.left - 0.5 || r.right > c.right + 0.5) return true;
    }
    return false;
  });
  if (clipped) throw new Error(`${what} is cut off by a scrolling box`);
}
