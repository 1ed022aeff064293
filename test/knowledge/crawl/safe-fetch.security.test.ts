import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ApiError, isApiError } from "../../../src/errors.js";
import { allowLoopbackForTests, type Resolver } from "../../../src/http/outbound/address-guard.js";
import { PAGE_TYPES, pinnedConnector, safeFetch } from "../../../src/knowledge/crawl/safe-fetch.js";
import { type LoopbackServer, neverConnect, recordingConnector, startLoopbackServer } from "./loopback-server.js";

const limits = { maxBytes: 1_000_000, timeoutMs: 5_000, accept: PAGE_TYPES };

function resolverOf(table: Record<string, string[][]>) {
  const calls: string[] = [];
  const seen = new Map<string, number>();
  const resolve: Resolver = async (hostname) => {
    calls.push(hostname);
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    // Each lookup takes the next answer set (the last one repeats): a DNS server that changes its mind.
    const n = seen.get(hostname) ?? 0;
    seen.set(hostname, n + 1);
    const addresses = answers[Math.min(n, answers.length - 1)]!;
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { calls, resolve };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isApiError(error)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

const servers: LoopbackServer[] = [];
async function serve(...args: Parameters<typeof startLoopbackServer>) {
  const server = await startLoopbackServer(...args);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const html = (body: string) => (_req: unknown, res: import("node:http").ServerResponse) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(body);
};

describe("refusals before any connection", () => {
  it("refuses a loopback start URL without the allowance, and the listener sees no connection at all", async () => {
    const listener = await serve(html("secret"));
    const error = await rejection(safeFetch(`${listener.origin}/`, limits));
    expect(error.code).toBe("URL_NOT_ALLOWED");
    expect(error.message).toContain("127.0.0.1");
    expect(listener.connections).toBe(0);
  });

  it.each([
    ["169.254.169.254", "cloud-metadata"],
    ["10.0.0.5", "private"],
    ["::ffff:127.0.0.1", "ipv4-mapped loopback"],
  ])("refuses a name resolving to %s before opening a socket", async (address, reason) => {
    const dns = resolverOf({ "victim.example": [[address]] });
    const { calls, connect } = recordingConnector(neverConnect);
    const error = await rejection(safeFetch("https://victim.example/", limits, { resolver: dns.resolve, connect }));
    expect(error.code).toBe("URL_NOT_ALLOWED");
    expect(error.details).toMatchObject({ reason, address });
    expect(error.message).toContain("victim.example");
    expect(calls).toEqual([]);
  });
});

describe("fetching from the allowed test server", () => {
  it("connects to exactly the checked address and keeps the original Host", async () => {
    const site = await serve(html("<title>Hello</title>"));
    const dns = resolverOf({ "site.example": [["127.0.0.1"]] });
    const { calls, connect } = recordingConnector();
    const allow = allowLoopbackForTests("127.0.0.1", site.port);
    const res = await safeFetch(`http://site.example:${site.port}/hello`, limits, {
      resolver: dns.resolve,
      connect,
      allow,
    });
    expect(res).toMatchObject({ status: 200, contentType: "text/html", truncated: false, address: "127.0.0.1" });
    expect(res.bytes.toString()).toBe("<title>Hello</title>");
    expect(calls).toEqual([{ address: "127.0.0.1", family: 4, port: site.port, tls: false }]);
    expect(site.requests).toEqual([{ path: "/hello", host: `site.example:${site.port}` }]);
  });

  it("follows redirects within the guard and reports them", async () => {
    const site = await serve((req, res) => {
      if (req.url === "/old") res.writeHead(301, { location: "/new" }).end();
      else html("new")(req, res);
    });
    const allow = allowLoopbackForTests("127.0.0.1", site.port);
    const res = await safeFetch(`${site.origin}/old`, limits, { allow });
    expect(res.url).toBe(`${site.origin}/new`);
    expect(res.redirects).toEqual([`${site.origin}/new`]);
    expect(res.bytes.toString()).toBe("new");
  });

  it("stops after five redirects", async () => {
    const site = await serve((req, res) => {
      const n = Number(req.url?.split("/")[2] ?? 0);
      res.writeHead(302, { location: `/r/${n + 1}` }).end();
    });
    const allow = allowLoopbackForTests("127.0.0.1", site.port);
    const error = await rejection(safeFetch(`${site.origin}/r/0`, limits, { allow }));
    expect(error.details.reason).toBe("too-many-redirects");
    expect(site.requests.map((r) => r.path)).toEqual(["/r/0", "/r/1", "/r/2", "/r/3", "/r/4", "/r/5"]);
  });

  it("returns a non-2xx answer without reading its body", async () => {
    const site = await serve((_req, res) => res.writeHead(404, { "content-type": "text/html" }).end("missing"));
    const res = await safeFetch(`${site.origin}/`, limits, { allow: allowLoopbackForTests("127.0.0.1", site.port) });
    expect(res.status).toBe(404);
    expect(res.bytes.length).toBe(0);
  });

  it("refuses media types that are not pages", async () => {
    const site = await serve((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end("PNG"));
    const error = await rejection(
      safeFetch(`${site.origin}/a.png`, limits, { allow: allowLoopbackForTests("127.0.0.1", site.port) }),
    );
    expect(error.code).toBe("UNSUPPORTED_FILE_TYPE");
    expect(error.details.contentType).toBe("image/png");
  });

  it("cuts a large body at maxBytes", async () => {
    const chunk = Buffer.alloc(64 * 1024, "x");
    const site = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      let sent = 0;
      const pump = () => {
        while (sent < 64 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    });
    const res = await safeFetch(
      `${site.origin}/big`,
      { ...limits, maxBytes: 10_000 },
      {
        allow: allowLoopbackForTests("127.0.0.1", site.port),
      },
    );
    expect(res.bytes.length).toBe(10_000);
    expect(res.truncated).toBe(true);
  });

  it("applies maxBytes to the decompressed body, so a compression bomb is cut too", async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, "a"));
    const site = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" });
      res.end(bomb);
    });
    const res = await safeFetch(
      `${site.origin}/`,
      { ...limits, maxBytes: 50_000 },
      {
        allow: allowLoopbackForTests("127.0.0.1", site.port),
      },
    );
    expect(bomb.length).toBeLessThan(50_000);
    expect(res.bytes.length).toBe(50_000);
    expect(res.truncated).toBe(true);
  });

  it("gives up on a server that never answers", async () => {
    const site = await serve(() => {});
    const error = await rejection(
      safeFetch(
        `${site.origin}/`,
        { ...limits, timeoutMs: 300 },
        { allow: allowLoopbackForTests("127.0.0.1", site.port) },
      ),
    );
    expect(error.code).toBe("PROVIDER_TIMEOUT");
  });
});

describe("redirects are checked before connecting", () => {
  it("refuses a redirect to another loopback listener, which sees no connection", async () => {
    const otherPort = await serve(html("other port"));
    const site = await serve((req, res) => {
      const to = req.url === "/to-port" ? `${otherPort.origin}/` : `http://127.0.0.2:${site.port}/`;
      res.writeHead(302, { location: to }).end();
    });
    // Same port as the site, on another loopback address: only the address check can refuse it.
    const otherAddress = await serve(html("other address"), { address: "127.0.0.2", port: site.port });
    const allow = allowLoopbackForTests("127.0.0.1", site.port);
    for (const path of ["/to-port", "/to-address"]) {
      const error = await rejection(safeFetch(`${site.origin}${path}`, limits, { allow }));
      expect(error.code).toBe("URL_NOT_ALLOWED");
    }
    expect(otherPort.connections).toBe(0);
    expect(otherAddress.connections).toBe(0);
    expect(site.requests.map((r) => r.path)).toEqual(["/to-port", "/to-address"]);
  });

  it("refuses a redirect to a name that resolves to a private address", async () => {
    const site = await serve((_req, res) => res.writeHead(307, { location: "http://intranet.example/admin" }).end());
    const dns = resolverOf({ "intranet.example": [["10.0.0.5"]] });
    const { calls, connect } = recordingConnector();
    const error = await rejection(
      safeFetch(`${site.origin}/`, limits, {
        resolver: dns.resolve,
        connect,
        allow: allowLoopbackForTests("127.0.0.1", site.port),
      }),
    );
    expect(error.details).toMatchObject({ reason: "private", address: "10.0.0.5" });
    expect(calls.map((c) => c.address)).toEqual(["127.0.0.1"]);
  });
});

describe("DNS rebinding", () => {
  it("connects to the address that was checked, not to a later answer", async () => {
    const checked = await serve(html("checked"));
    const rebound = await serve(html("rebound"), { address: "127.0.0.2", port: checked.port });
    const dns = resolverOf({ "rebind.example": [["127.0.0.1"], ["127.0.0.2"]] });
    const deps = { resolver: dns.resolve, allow: allowLoopbackForTests("127.0.0.1", checked.port) };
    const res = await safeFetch(`http://rebind.example:${checked.port}/`, limits, deps);
    expect(res.bytes.toString()).toBe("checked");
    expect(dns.calls).toEqual(["rebind.example"]);
    // The next lookup answers 127.0.0.2: the guard sees it and refuses before connecting.
    const error = await rejection(safeFetch(`http://rebind.example:${checked.port}/`, limits, deps));
    expect(error.details).toMatchObject({ reason: "loopback", address: "127.0.0.2" });
    expect(checked.connections).toBe(1);
    expect(rebound.connections).toBe(0);
  });

  it("pins a public answer: the connect step gets exactly that address and no second lookup happens", async () => {
    const loopback = await serve(html("internal"));
    const dns = resolverOf({ "rebind.example": [["93.184.215.14"], ["127.0.0.1"]] });
    const { calls, connect } = recordingConnector(neverConnect);
    const error = await rejection(
      safeFetch(`https://rebind.example:${loopback.port}/`, limits, {
        resolver: dns.resolve,
        connect,
        allow: allowLoopbackForTests("127.0.0.1", loopback.port),
      }),
    );
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(calls).toEqual([
      { address: "93.184.215.14", family: 4, port: loopback.port, tls: true, servername: "rebind.example" },
    ]);
    expect(dns.calls).toEqual(["rebind.example"]);
    expect(loopback.connections).toBe(0);
  });
});

describe("several checked addresses", () => {
  it("tries the next checked address only when a connection cannot be opened, in the resolver's order", async () => {
    const dns = resolverOf({ "multi.example": [["2606:4700:4700::1111", "93.184.215.14"]] });
    const { calls, connect } = recordingConnector(neverConnect);
    const error = await rejection(safeFetch("http://multi.example/", limits, { resolver: dns.resolve, connect }));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(calls.map((c) => [c.address, c.family])).toEqual([
      ["2606:4700:4700::1111", 6],
      ["93.184.215.14", 4],
    ]);
    expect(dns.calls).toEqual(["multi.example"]);
  });
});

describe("HTTPS to a pinned address", () => {
  let dir: string;
  let tls: { key: string; cert: string };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "crawl-tls-"));
    const [key, cert] = [join(dir, "key.pem"), join(dir, "cert.pem")];
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-subj",
        "/CN=site.example",
        "-addext",
        "subjectAltName=DNS:site.example",
        "-days",
        "1",
      ],
      { stdio: "ignore" },
    );
    tls = { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("sends SNI and Host for the name and verifies the certificate against it", async () => {
    const site = await serve(html("secure"), { tls });
    const dns = resolverOf({ "site.example": [["127.0.0.1"]], "wrong.example": [["127.0.0.1"]] });
    const { calls, connect } = recordingConnector(pinnedConnector({ ca: tls.cert }));
    const deps = { resolver: dns.resolve, connect, allow: allowLoopbackForTests("127.0.0.1", site.port) };
    const res = await safeFetch(`https://site.example:${site.port}/`, limits, deps);
    expect(res.bytes.toString()).toBe("secure");
    expect(site.requests).toEqual([{ path: "/", host: `site.example:${site.port}`, servername: "site.example" }]);
    expect(calls[0]).toMatchObject({ address: "127.0.0.1", servername: "site.example", tls: true });
    // The same address under a name the certificate does not cover fails verification.
    const error = await rejection(safeFetch(`https://wrong.example:${site.port}/`, limits, deps));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(site.requests).toHaveLength(1);
  });
});
