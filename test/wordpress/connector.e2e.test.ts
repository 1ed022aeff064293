import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/lib/package-root.js";
import { OpenAiFake } from "../images/providers/fakes/openai.js";
import { grant, startTestApp, type TestApp } from "../support/app.js";
import { type FakeStripe, startFakeStripe } from "../support/fake-stripe.js";
import { launchBrowser, waitForText } from "../web/support/browser.js";
import {
  ADMIN_PASSWORD,
  ADMIN_USER,
  debugLog,
  startWordPress,
  type WordPressSite,
  wordpressAvailable,
} from "./support/site.js";

type PluginWindow = { apiCredits: { rest: string; nonce: string } };

/**
 * The whole loop a site owner sees: a real WordPress (Debian's package on PHP's server) with the plugin installed
 * from its zip, the real api-credits on loopback, Chromium in wp-admin. Every page and REST answer the browser gets
 * is kept and scanned for the site API key at the end.
 */
describe.skipIf(!wordpressAvailable)("the WordPress connector, end to end", () => {
  let app: TestApp;
  let stripe: FakeStripe;
  let openai: OpenAiFake;
  let site: WordPressSite;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let license: { key: string; accountId: string };
  let activationCode = "";
  const seen: { url: string; body: string }[] = [];
  const siteKeys = new Set<string>();
  const leftLoopback: string[] = [];
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    stripe = await startFakeStripe();
    // Generation and prompt edits need a generative provider: OpenAI's Images API, spoken by a loopback fake.
    // Upscaling stays with the local engine (OpenAI does not upscale).
    openai = await OpenAiFake.start();
    app = await startTestApp("sqlite", {
      STRIPE_SECRET_KEY: "sk_test_123",
      STRIPE_API_BASE: stripe.url,
      IMAGE_PROVIDER: "openai",
      OPENAI_API_KEY: openai.apiKey,
      OPENAI_BASE_URL: `${openai.server.url}/v1`,
    });
    // The request that starts image work waits 1 s on the service (WordPress's HTTP API waits no less); the prompt
    // edit below makes the provider slower than that, so it goes through the 202-and-poll path of production.
    site = await startWordPress({ defines: { API_CREDITS_WAIT_SECONDS: 1 } });
    const lic = await app.admin("POST", "/v1/admin/licenses", {
      email: `wp${Date.now()}@example.com`,
      plan: "personal",
    });
    license = { key: lic.body.key, accountId: lic.body.accountId };
    browser = await launchBrowser();
    context = await browser.newContext();
    // Only loopback: anything else WordPress's pages reference (Gravatar, emoji CDN, Stripe's Checkout) is recorded
    // and refused before it leaves the machine.
    await context.route(
      (url) => !/^(127\.0\.0\.1|localhost)$/.test(url.hostname),
      (route) => {
        leftLoopback.push(route.request().url());
        return route.abort();
      },
    );
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on("pageerror", (error) => scriptErrors.push(error.message));
    page.on("response", async (response) => {
      try {
        seen.push({ url: response.url(), body: await response.text() });
      } catch {
        // redirects and aborted requests have no body
      }
    });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await app?.close();
    await stripe?.close();
    await openai?.server.close();
  });

  const wp = (p: string) => `${site.url}${p}`;
  /** WORDPRESS_SCREENSHOTS=1 refreshes the README's pictures of the screens (docs/images/wordpress-*.png). */
  const shot = async (name: string) => {
    if (process.env.WORDPRESS_SCREENSHOTS)
      await page.screenshot({
        path: path.join(PACKAGE_ROOT, "docs", "images", `wordpress-${name}.png`),
        fullPage: true,
      });
  };
  /** What a system cron does when DISABLE_WP_CRON is set: request wp-cron.php, which runs the due events. */
  const runCron = async () => {
    const r = await fetch(wp("/wp-cron.php"));
    expect(r.status).toBe(200);
  };
  const documentsOf = async (postId: number) => {
    const kbs = (await app.api("GET", "/v1/knowledge-bases", { token: license.key })).body.data;
    if (kbs.length === 0) return [];
    const docs = await app.api("GET", `/v1/knowledge-bases/${kbs[0].id}/documents`, { token: license.key });
    return docs.body.data.filter((d: { metadata: { postId: number } }) => d.metadata.postId === postId);
  };
  const currentKey = async () => (await site.php("echo API_Credits_Settings::site_key();")).trim();
  const balance = async () => (await app.api("GET", "/v1/balance", { token: license.key })).body.credits as number;
  /** The plugin's REST routes with the logged-in admin's cookie and nonce, as the screens call them. */
  const pluginRest = (route: string, method = "GET", body?: unknown) =>
    page.evaluate(
      async ({ route, method, body }) => {
        const res = await fetch(`${(window as unknown as PluginWindow).apiCredits.rest}${route}`, {
          method,
          headers: {
            "X-WP-Nonce": (window as unknown as PluginWindow).apiCredits.nonce,
            "Content-Type": "application/json",
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: await res.json() };
      },
      { route, method, body },
    );
  /** WordPress's own REST API (posts), as the block editor calls it. */
  const coreRest = (route: string, method = "GET", body?: unknown) =>
    page.evaluate(
      async ({ route, method, body }) => {
        const base = (window as unknown as PluginWindow).apiCredits.rest.replace(/api-credits\/v1$/, "wp/v2");
        const res = await fetch(`${base}${route}`, {
          method,
          headers: {
            "X-WP-Nonce": (window as unknown as PluginWindow).apiCredits.nonce,
            "Content-Type": "application/json",
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: await res.json() };
      },
      { route, method, body },
    );

  it("signs in, activates the plugin and connects with the owner's one-time code; the key is stored sealed", async () => {
    await page.goto(wp("/wp-login.php"));
    await page.fill("#user_login", ADMIN_USER);
    await page.fill("#user_pass", ADMIN_PASSWORD);
    await Promise.all([page.waitForURL(/wp-admin/), page.click("#wp-submit")]);
    await page.goto(wp("/wp-admin/plugins.php"));
    await Promise.all([
      page.waitForURL(/activate=true/),
      page.click('tr[data-plugin="api-credits/api-credits.php"] .activate a'),
    ]);
    expect(await page.locator('tr[data-plugin="api-credits/api-credits.php"].active').count()).toBe(1);

    // The agency owner creates a code for this site in the service; the site's admin never sees the licence key.
    const made = await app.api("POST", "/v1/activation-codes", { token: license.key, body: { siteUrl: site.url } });
    expect(made.status).toBe(201);
    activationCode = made.body.code;
    await page.goto(wp("/wp-admin/admin.php?page=api-credits"));
    await page.fill('input[name="serviceUrl"]', app.url);
    await page.fill('input[name="key"]', activationCode);
    await page.click('button:has-text("Connect")');
    await waitForText(page.locator(".api-credits-site"), site.url, { contains: true });
    // The plan as the service tells the site's key.
    await waitForText(page.locator(".api-credits-plan"), "Personal (1 of 1 site used)");
    const codes = await app.api("GET", "/v1/activation-codes", { token: license.key });
    expect(codes.body.data[0]).toMatchObject({ status: "used", siteUrl: site.url });
    const key = await currentKey();
    expect(key).toMatch(/\S{20,}/);
    siteKeys.add(key);
    const stored = await site.php("echo get_option('api_credits_connection')['sealedKey'];");
    expect(stored).toMatch(/^acv1:/);
    expect(stored).not.toContain(key);
    // The service knows this WordPress by its home URL.
    const account = await app.admin("GET", `/v1/admin/accounts/${license.accountId}`);
    expect(account.body.sites.map((s: { url: string }) => s.url)).toContain(site.url);
  });

  it("shows the balance after an operator grant in the admin bar and the dashboard widget", async () => {
    await grant(app, license.accountId, 100);
    await page.goto(wp("/wp-admin/index.php"));
    await waitForText(page.locator("#api-credits-bar-balance"), "Credits: 100");
    await waitForText(page.locator("#api_credits_balance .api-credits-credits"), "100");
    await waitForText(
      page.locator("#api_credits_balance .api-credits-widget-plan"),
      `Personal (1 of 1 site used) · ${site.url}`,
    );
    expect(await page.locator("#api_credits_balance svg.api-credits-spark").count()).toBe(1);
    expect(await page.locator("#api_credits_balance .api-credits-low").count()).toBe(0);

    // The owner's low-balance alert (set with the licence key in the service): below it, the widget says so.
    const alertAt = (thresholdCredits: number) =>
      app.api("PUT", "/v1/balance-alert", { token: license.key, body: { thresholdCredits, email: false } });
    expect((await alertAt(150)).status).toBe(200);
    await page.reload();
    const low = page.locator("#api_credits_balance .api-credits-low");
    await waitForText(low, /running low/);
    expect(await low.locator("a").getAttribute("href")).toContain("page=api-credits#buy");
    await shot("dashboard");
    expect((await alertAt(50)).status).toBe(200);
    await page.reload();
    await waitForText(page.locator("#api_credits_balance .api-credits-credits"), "100");
    expect(await page.locator("#api_credits_balance .api-credits-low").count()).toBe(0);
  });

  let originalId = 0;
  it("upscales an uploaded PNG ×2 into a new attachment, charging exactly the quoted credits", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "wp-png-"));
    const png = path.join(dir, "bird.png");
    const pixels = Buffer.alloc(48 * 32 * 3, 200);
    for (let y = 10; y < 22; y++) for (let x = 16; x < 32; x++) pixels.fill(20, (y * 48 + x) * 3, (y * 48 + x) * 3 + 3);
    writeFileSync(
      png,
      await sharp(pixels, { raw: { width: 48, height: 32, channels: 3 } })
        .png()
        .toBuffer(),
    );
    await page.goto(wp("/wp-admin/media-new.php?browser-uploader"));
    await page.setInputFiles("#async-upload", png);
    await Promise.all([page.waitForURL(/upload\.php/), page.click("#html-upload")]);
    originalId = Number(
      await site.php("echo get_posts(['post_type'=>'attachment','post_status'=>'inherit','fields'=>'ids'])[0];"),
    );
    expect(originalId).toBeGreaterThan(0);

    await page.goto(wp("/wp-admin/upload.php?mode=list"));
    const link = page.locator(`#post-${originalId} .api_credits a`);
    await page.goto(new URL((await link.getAttribute("href"))!, site.url).toString());
    const before = await balance();
    await page.click(".api-credits-upscale-2");
    const quoted = Number(await page.locator(".api-credits-quote strong").getAttribute("data-credits"));
    expect(quoted).toBe(10);
    await shot("media");
    await page.click(".api-credits-confirm");
    const made = page.locator(".api-credits-result a.api-credits-new");
    await made.waitFor({ timeout: 60_000 });
    expect(await made.getAttribute("data-width")).toBe("96");
    expect(await made.getAttribute("data-height")).toBe("64");
    const newId = Number(await made.getAttribute("data-id"));
    expect(newId).not.toBe(originalId);
    expect(await balance()).toBe(before - quoted);
    const meta = JSON.parse(
      await site.php(
        `echo wp_json_encode(['new' => wp_get_attachment_metadata(${newId}), 'old' => wp_get_attachment_metadata(${originalId}), 'ops' => get_post_meta(${newId}, '_api_credits', true), 'file' => getimagesize(get_attached_file(${newId}))]);`,
      ),
    );
    expect([meta.new.width, meta.new.height]).toEqual([96, 64]);
    expect([meta.file[0], meta.file[1]]).toEqual([96, 64]);
    expect([meta.old.width, meta.old.height]).toEqual([48, 32]);
    expect(meta.ops).toMatchObject({ operation: "upscale", credits: 10, sourceAttachmentId: originalId });
    expect(meta.ops.model).toBeTruthy();
  });

  it("removes an object painted with the mask into another new attachment", async () => {
    await page.goto(wp(`/wp-admin/upload.php?page=api-credits-media&attachment=${originalId}`));
    const canvas = page.locator("canvas.api-credits-mask");
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.45);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.55, { steps: 8 });
    await page.mouse.up();
    const before = await balance();
    await page.click(".api-credits-remove");
    const quoted = Number(await page.locator(".api-credits-quote strong").getAttribute("data-credits"));
    expect(quoted).toBeGreaterThan(0);
    await page.click(".api-credits-confirm");
    const made = page.locator(".api-credits-result a.api-credits-new");
    await made.waitFor({ timeout: 60_000 });
    expect(await made.getAttribute("data-width")).toBe("48");
    expect(await balance()).toBe(before - quoted);
    const ops = JSON.parse(
      await site.php(
        `echo wp_json_encode(get_post_meta(${await made.getAttribute("data-id")}, '_api_credits', true));`,
      ),
    );
    expect(ops).toMatchObject({ operation: "edit", sourceAttachmentId: originalId });
  });

  it("edits with a prompt and generates from a prompt, each into a new attachment at the quoted price", async () => {
    await page.goto(wp(`/wp-admin/upload.php?page=api-credits-media&attachment=${originalId}`));
    await page.fill(".api-credits-edit-prompt", "make the square red");
    let before = await balance();
    await page.click(".api-credits-edit");
    let quoted = Number(await page.locator(".api-credits-quote strong").getAttribute("data-credits"));
    // A provider slower than the first request's wait: that request answers 202 and the screen polls until done.
    openai.latencyMs = 2500;
    const started = page.waitForResponse((r) => /media(\/|%2F)\d+(\/|%2F)edit/.test(r.url()));
    const finished = page.waitForResponse(
      async (r) => /media(\/|%2F)jobs/.test(r.url()) && (await r.text()).includes('"status":"done"'),
      { timeout: 60_000 },
    );
    await page.click(".api-credits-confirm");
    const first = await started;
    expect([first.status(), (await first.json()).status]).toEqual([202, "running"]);
    await finished;
    openai.latencyMs = 0;
    const edited = page.locator(".api-credits-result a.api-credits-new").first();
    await edited.waitFor({ timeout: 60_000 });
    expect(await balance()).toBe(before - quoted);
    const editMeta = JSON.parse(
      await site.php(
        `echo wp_json_encode(get_post_meta(${await edited.getAttribute("data-id")}, '_api_credits', true));`,
      ),
    );
    expect(editMeta).toMatchObject({ operation: "edit", provider: "openai", sourceAttachmentId: originalId });

    await page.fill(".api-credits-generate-prompt", "a quokka at dawn");
    before = await balance();
    await page.click(".api-credits-generate");
    quoted = Number(await page.locator("section:last-of-type .api-credits-quote strong").getAttribute("data-credits"));
    expect(quoted).toBe(20);
    await page.click("section:last-of-type .api-credits-confirm");
    const generated = page.locator("section:last-of-type .api-credits-result a.api-credits-new").first();
    await generated.waitFor({ timeout: 60_000 });
    expect(await balance()).toBe(before - quoted);
    const genMeta = JSON.parse(
      await site.php(
        `echo wp_json_encode(get_post_meta(${await generated.getAttribute("data-id")}, '_api_credits', true));`,
      ),
    );
    expect(genMeta).toMatchObject({
      operation: "generate",
      provider: "openai",
      sourceAttachmentId: 0,
      prompt: "a quokka at dawn",
    });
  });

  let postId = 0;
  it("keeps published posts in the knowledge base, finds them with the block, and forgets a trashed one", async () => {
    await page.goto(wp("/wp-admin/admin.php?page=api-credits"));
    await page.locator(".api-credits-search-enabled").check();
    await page.waitForFunction(
      () => (document.querySelector(".api-credits-search-enabled") as HTMLInputElement).checked,
    );
    await expect.poll(async () => (await pluginRest("/connection")).body.options.searchEnabled).toBe(true);

    const searchPage = await coreRest("/pages", "POST", {
      title: "Search",
      status: "publish",
      content: "<!-- wp:api-credits/search /-->",
    });
    expect(searchPage.status).toBe(201);
    const post = await coreRest("/posts", "POST", {
      title: "Quokka husbandry",
      status: "publish",
      content: "<p>Our zorbalite quokkas eat fresh leaves every morning.</p>",
    });
    expect(post.status).toBe(201);
    postId = post.body.id;
    const secret = await coreRest("/posts", "POST", {
      title: "Hidden",
      status: "private",
      content: "<p>privatequokkaword</p>",
    });
    const locked = await coreRest("/posts", "POST", {
      title: "Locked",
      status: "publish",
      password: "pw",
      content: "<p>lockedquokkaword</p>",
    });
    expect([secret.status, locked.status]).toEqual([201, 201]);

    // Saving only queued the posts: nothing reached the service yet, and the settings screen says what waits.
    expect((await app.api("GET", "/v1/knowledge-bases", { token: license.key })).body.data).toEqual([]);
    await page.goto(wp("/wp-admin/admin.php?page=api-credits"));
    await waitForText(page.locator(".api-credits-sync-status"), /^2 saved posts are waiting to be sent/);
    await runCron();
    await page.reload();
    await waitForText(
      page.locator(".api-credits-sync-status"),
      "Every saved post has been sent to the knowledge base.",
    );

    const kbs = await app.api("GET", "/v1/knowledge-bases", { token: license.key });
    expect(kbs.body.data).toHaveLength(1);
    const docs = await app.api("GET", `/v1/knowledge-bases/${kbs.body.data[0].id}/documents`, { token: license.key });
    const postIds = docs.body.data.map((d: { metadata: { postId: number } }) => d.metadata.postId).sort();
    expect(postIds).toEqual([searchPage.body.id, postId].sort());

    // An unchanged re-save costs nothing and keeps the document; an edit replaces it (charged for its tokens).
    const docOf = async () => (await site.php(`echo get_post_meta(${postId}, '_api_credits_doc_id', true);`)).trim();
    const firstDoc = await docOf();
    const beforeResave = await balance();
    expect((await coreRest(`/posts/${postId}`, "POST", { title: "Quokka husbandry" })).status).toBe(200);
    await runCron();
    expect(await docOf()).toBe(firstDoc);
    expect(await balance()).toBe(beforeResave);
    const edited = await coreRest(`/posts/${postId}`, "POST", {
      content: "<p>Our zorbalite quokkas eat fresh leaves every morning and nap at noon.</p>",
    });
    expect(edited.status).toBe(200);
    expect(await docOf()).toBe(firstDoc);
    await runCron();
    expect(await docOf()).not.toBe(firstDoc);
    expect(await balance()).toBeLessThan(beforeResave);
    const kbDocs = await app.api("GET", `/v1/knowledge-bases/${kbs.body.data[0].id}/documents`, { token: license.key });
    expect(kbDocs.body.data.map((d: { id: string }) => d.id)).not.toContain(firstDoc);

    const search = async (q: string) => {
      await page.goto(
        `${searchPage.body.link}${searchPage.body.link.includes("?") ? "&" : "?"}acs_q=${encodeURIComponent(q)}`,
      );
      return page.locator(".api-credits-search-results li a");
    };
    const found = await search("zorbalite");
    expect(await found.first().getAttribute("href")).toBe(post.body.link);
    expect(await found.first().textContent()).toBe("Quokka husbandry");
    await shot("search");
    // With the block's script the form answers in place, through the plugin's public route: no page load.
    await page.goto(searchPage.body.link);
    await page.evaluate(() => {
      (window as unknown as { samePage: boolean }).samePage = true;
    });
    await page.fill('.api-credits-search input[name="acs_q"]', "zorbalite");
    await page.press('.api-credits-search input[name="acs_q"]', "Enter");
    const inPlace = page.locator(".api-credits-search-output .api-credits-search-results li a").first();
    await waitForText(inPlace, "Quokka husbandry");
    expect(await inPlace.getAttribute("href")).toBe(post.body.link);
    expect(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true);
    expect(new URL(page.url()).searchParams.get("acs_q")).toBe("zorbalite");
    // Semantic search always answers its nearest passages: what matters is which posts can ever be among them.
    const hrefs = async (q: string) => (await search(q)).evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(await hrefs("privatequokkaword")).not.toContain(secret.body.link);
    expect(await hrefs("lockedquokkaword")).not.toContain(locked.body.link);

    await page.goto(wp("/wp-admin/"));
    expect((await coreRest(`/posts/${postId}`, "DELETE")).status).toBe(200);
    const after = await app.api("GET", `/v1/knowledge-bases/${kbs.body.data[0].id}/documents`, { token: license.key });
    expect(after.body.data.map((d: { metadata: { postId: number } }) => d.metadata.postId)).toEqual([
      searchPage.body.id,
    ]);
    expect(await hrefs("zorbalite")).not.toContain(post.body.link);
  });

  it("says plainly when credits run out, with a link to buy, and buying returns to wp-admin", async () => {
    const now = await balance();
    await app.admin("POST", `/v1/admin/accounts/${license.accountId}/grants`, { credits: -now, reason: "test" });
    await page.goto(wp(`/wp-admin/upload.php?page=api-credits-media&attachment=${originalId}`));
    await page.click(".api-credits-upscale-4");
    await page.click(".api-credits-confirm");
    const notice = page.locator(".api-credits-op .api-credits-402");
    await notice.waitFor();
    expect(await notice.locator("a").getAttribute("href")).toContain("page=api-credits#buy");
    await page.goto(wp("/wp-admin/index.php"));
    expect(await page.locator(".notice.api-credits-402 a").textContent()).toBe("Buy credits");

    await page.goto(wp("/wp-admin/admin.php?page=api-credits#buy"));
    const checkout = page.waitForRequest(/checkout\.stripe\.test/);
    await page.locator(".api-credits-packs button").first().waitFor();
    // The packs as the service sells them: `credits` already includes the bonus.
    expect(await page.locator(".api-credits-packs button").allTextContents()).toEqual([
      "Buy 1,000 credits for $10.00",
      "Buy 2,750 credits for $25.00 (250 bonus included)",
      "Buy 6,000 credits for $50.00 (1,000 bonus included)",
      "Buy 13,000 credits for $100.00 (3,000 bonus included)",
    ]);
    await waitForText(page.locator(".api-credits-balance .api-credits-credits"), "0");
    await waitForText(page.locator(".api-credits-plan"), "Personal (1 of 1 site used)");
    await page.locator(".api-credits-sync-status").waitFor();
    await shot("settings");
    await page.locator(".api-credits-packs button").first().click();
    const sent = await checkout;
    const sessionId = new URL(sent.url()).pathname.split("/").at(-1)!;
    expect(stripe.sessions.get(sessionId)!.success_url).toBe(
      `${site.url}/wp-admin/admin.php?page=api-credits&checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    );
    // The refused Checkout page ends as Chromium's error page; the next test starts from there.
    await expect.poll(() => page.url()).toMatch(/^chrome-error:/);
    await page.waitForLoadState();
  });

  it("retries a post saved while out of credits, shows why it waits, and sends it once credits are back", async () => {
    expect(await balance()).toBe(0);
    await page.goto(wp("/wp-admin/"));
    const post = await coreRest("/posts", "POST", {
      title: "Wombat care",
      status: "publish",
      content: "<p>Wombats dig their burrows with quolloxite claws.</p>",
    });
    expect(post.status).toBe(201);
    await runCron();
    expect(await documentsOf(post.body.id)).toEqual([]);
    await page.goto(wp("/wp-admin/admin.php?page=api-credits"));
    const problem = page.locator(`.api-credits-sync-problems li[data-post="${post.body.id}"]`);
    await waitForText(problem, /Wombat care: attempt 1 failed, retrying at .+ — .*credits/i);
    await grant(app, license.accountId, 20);
    await page.click(".api-credits-sync-retry");
    await waitForText(
      page.locator(".api-credits-sync-status"),
      "Every saved post has been sent to the knowledge base.",
    );
    expect(await documentsOf(post.body.id)).toHaveLength(1);
    expect(await page.locator(".api-credits-sync-problems").count()).toBe(0);
  });

  it("disconnects (the service revokes the key) and reconnects", async () => {
    const old = await currentKey();
    await page.goto(wp("/wp-admin/admin.php?page=api-credits"));
    await page.click(".api-credits-disconnect");
    await page.locator('input[name="serviceUrl"]').waitFor();
    expect((await app.api("GET", "/v1/balance", { token: old })).status).toBe(401);
    expect(await site.php("var_export(get_option('api_credits_connection'));")).toBe("false");
    // The code was for one use: it is refused, plainly, and nothing is connected.
    await page.fill('input[name="serviceUrl"]', app.url);
    await page.fill('input[name="key"]', activationCode);
    await page.click('button:has-text("Connect")');
    await waitForText(page.locator(".api-credits-settings .notice-error"), /already used/);
    expect(await site.php("var_export(get_option('api_credits_connection'));")).toBe("false");
    await page.fill('input[name="key"]', license.key);
    await page.click('button:has-text("Connect")');
    await waitForText(page.locator(".api-credits-site"), site.url, { contains: true });
    siteKeys.add(await currentKey());
  });

  it("deletes the site's data with a receipt, and uninstalling with deletion asked leaves nothing behind", async () => {
    await grant(app, license.accountId, 50);
    expect(
      (await coreRest("/posts", "POST", { title: "Again", status: "publish", content: "<p>again</p>" })).status,
    ).toBe(201);
    await page.goto(wp("/wp-admin/admin.php?page=api-credits"));
    page.once("dialog", (d) => d.accept());
    await page.click(".api-credits-delete-data");
    await waitForText(
      page.locator(".api-credits-receipt"),
      /Deleted 1 knowledge bases, \d+ documents and [1-9]\d* images/,
    );
    expect((await app.api("GET", "/v1/knowledge-bases", { token: license.key })).body.data).toHaveLength(0);

    // "Index everything" rebuilds the knowledge base from every eligible post, with progress.
    await page.click(".api-credits-index");
    await waitForText(page.locator(".api-credits-index-progress"), /— done/);
    const eligible = Number(
      await site.php(
        "echo count(get_posts(['post_type' => ['post','page'], 'post_status' => 'publish', 'has_password' => false, 'numberposts' => -1]));",
      ),
    );
    expect(eligible).toBeGreaterThan(2);
    expect(await page.locator(".api-credits-index-progress").textContent()).toContain(`${eligible} of ${eligible}`);
    const rebuilt = await app.api("GET", "/v1/knowledge-bases", { token: license.key });
    expect(rebuilt.body.data).toHaveLength(1);
    const rebuiltDocs = await app.api("GET", `/v1/knowledge-bases/${rebuilt.body.data[0].id}/documents`, {
      token: license.key,
    });
    expect(rebuiltDocs.body.data).toHaveLength(eligible);
    await page.reload();
    await page.locator(".api-credits-delete-on-uninstall").check();
    await expect.poll(async () => (await pluginRest("/connection")).body.options.deleteDataOnUninstall).toBe(true);
    const key = await currentKey();

    await page.goto(wp("/wp-admin/plugins.php"));
    await Promise.all([
      page.waitForURL(/deactivate=true/),
      page.click('tr[data-plugin="api-credits/api-credits.php"] .deactivate a'),
    ]);
    page.once("dialog", (d) => d.accept());
    await page.click('tr[data-plugin="api-credits/api-credits.php"] .delete a');
    // WordPress replaces the row with a "was deleted" row once uninstall.php has run and the folder is gone.
    await page.locator('tr.plugin-deleted-tr[data-plugin="api-credits/api-credits.php"]').waitFor();
    expect((await app.api("GET", "/v1/knowledge-bases", { token: license.key })).body.data).toHaveLength(0);
    expect((await app.api("GET", "/v1/balance", { token: key })).status).toBe(401);
    const leftovers = await site.php(
      "global $wpdb; echo $wpdb->get_var(\"SELECT COUNT(*) FROM {$wpdb->options} WHERE option_name LIKE 'api\\\\_credits%' OR option_name LIKE '\\\\_transient%api\\\\_credits\\\\_plan'\") . ',' . $wpdb->get_var(\"SELECT COUNT(*) FROM {$wpdb->postmeta} WHERE meta_key LIKE '\\\\_api\\\\_credits\\\\_doc%' OR meta_key LIKE '\\\\_api\\\\_credits\\\\_sync%'\") . ',' . var_export(wp_next_scheduled('api_credits_sync'), true);",
    );
    expect(leftovers).toBe("0,0,false");
  });

  it("never showed the browser a site API key, and never left loopback but for the refused Checkout page", () => {
    expect(seen.length).toBeGreaterThan(30);
    for (const key of siteKeys) for (const r of seen) expect(r.body.includes(key), r.url).toBe(false);
    for (const r of seen) expect(r.body.includes(license.key), r.url).toBe(false);
    expect(leftLoopback.filter((u) => !u.startsWith("https://checkout.stripe.test/"))).toEqual([]);
    expect(debugLog(site)).not.toMatch(/api-credits/);
    expect(scriptErrors).toEqual([]);
  });
});
