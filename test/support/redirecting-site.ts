import { allowLoopbackForTests } from "../../src/http/outbound/address-guard.js";
import type { CrawlDeps } from "../../src/knowledge/crawl/crawler.js";
import { type LoopbackServer, recordingConnector, startLoopbackServer } from "../knowledge/crawl/loopback-server.js";

/**
 * A web site on loopback whose every page redirects to `internal.example`, another loopback port the crawler's guard
 * does not allow: a crawl of `startUrl` passes the route's check (its name resolves to the allowed port) and then fails
 * for good with URL_NOT_ALLOWED, before connecting to the internal server.
 */
export interface RedirectingSite {
  /** `http://site.example:<port>/` */
  startUrl: string;
  site: LoopbackServer;
  /** Where the redirect points; its `connections` stay 0. */
  internal: LoopbackServer;
  /** Every connection the crawler opened. */
  calls: ReturnType<typeof recordingConnector>["calls"];
  /** For `startTestApp(engine, env, { crawlDeps })`: names resolve to loopback, only the site's port is allowed. */
  crawlDeps: CrawlDeps;
  close(): Promise<void>;
}

export async function startRedirectingSite(): Promise<RedirectingSite> {
  const internal = await startLoopbackServer((_req, res) => res.end("internal"));
  const site = await startLoopbackServer((req, res) => {
    if (req.url === "/robots.txt") res.writeHead(404).end();
    else res.writeHead(302, { location: `http://internal.example:${internal.port}/` }).end();
  });
  const { calls, connect } = recordingConnector();
  const names: Record<string, string> = { "site.example": "127.0.0.1", "internal.example": "127.0.0.1" };
  return {
    startUrl: `http://site.example:${site.port}/`,
    site,
    internal,
    calls,
    crawlDeps: {
      resolver: async (hostname) => {
        const address = names[hostname];
        if (!address) throw new Error(`the redirecting site does not know ${hostname}`);
        return [{ address, family: 4 }];
      },
      allow: allowLoopbackForTests("127.0.0.1", site.port),
      connect,
    },
    async close() {
      await site.close();
      await internal.close();
    },
  };
}
