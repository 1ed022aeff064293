import type { Browser, Locator, Page } from "playwright-core";
import { DESKTOP, watchErrors } from "./browser.js";

/** Waits for `target`; if the page shows an error message instead, fails at once with that message. */
export async function outcome(page: Page, target: Locator, timeout = 30_000): Promise<void> {
  const alert = page.locator(".alert--error");
  await target.or(alert).first().waitFor({ timeout });
  if (!(await target.first().isVisible()))
    throw new Error(`the page shows an error: ${await alert.first().textContent()}`);
}

/** Records the text of every progress bar the page shows from now on (they can come and go between two looks). */
export async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      for (const el of Array.from(document.querySelectorAll(".progress"))) seen.push(el.textContent ?? "");
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

export async function progressSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
}

/** A fresh browser context (cookies, storage), signed in to the dashboard at `base` with `key`. */
export async function signedIn(
  browser: Browser,
  base: string,
  key: string,
  viewport: { width: number; height: number } = DESKTOP,
) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  page.on("dialog", (dialog) => void dialog.accept());
  await page.goto(`${base}/dashboard`);
  await page.getByLabel("Licence key or API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
  return { context, page, errors };
}

/** Follows a link of the dashboard's navigation. */
export const nav = (page: Page, name: string, options: { timeout?: number } = {}) =>
  page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name, exact: true }).click(options);

/** The balance in the page's header. */
export async function balanceShown(page: Page): Promise<string> {
  return (await page.getByTestId("header-balance").textContent())!.trim();
}
