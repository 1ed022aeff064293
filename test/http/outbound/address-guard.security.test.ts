import { describe, expect, it } from "vitest";
import { isApiError } from "../../../src/errors.js";
import {
  allowLoopbackForTests,
  checkUrl,
  checkUrlWithoutResolving as checkWithoutDns,
  classifyAddress,
  type ResolvedAddress,
  type Resolver,
} from "../../../src/http/outbound/address-guard.js";

// No test here opens a socket: the guard is pure classification plus an injected resolver.

function stubResolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(resolver, { calls });
}

async function refusal(promise: Promise<unknown>): Promise<{ reason: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isApiError(error) && error.code === "URL_NOT_ALLOWED")
      return { reason: String(error.details.reason), message: error.message };
    throw error;
  }
  throw new Error("expected a URL_NOT_ALLOWED refusal, but the URL was accepted");
}

describe("classifyAddress", () => {
  const refused: [string, string][] = [
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["::", "unspecified"],
    ["10.0.0.5", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.1", "carrier-grade-nat"],
    ["100.127.255.254", "carrier-grade-nat"],
    ["169.254.1.1", "link-local"],
    ["fe80::1", "link-local"],
    ["febf::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["192.0.2.10", "documentation"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.9", "documentation"],
    ["2001:db8::1", "reserved"],
    ["198.18.0.1", "benchmarking"],
    ["198.19.255.255", "benchmarking"],
    ["192.0.0.8", "ietf-protocol"],
    ["240.0.0.1", "reserved"],
    ["192.88.99.1", "6to4-relay-anycast"],
    ["169.254.169.254", "cloud-metadata"],
    ["169.254.170.2", "cloud-metadata"],
    ["100.100.100.200", "cloud-metadata"],
    ["168.63.129.16", "cloud-metadata"],
    ["192.0.0.192", "cloud-metadata"],
    ["fd00:ec2::254", "cloud-metadata"],
    ["::ffff:127.0.0.1", "ipv4-mapped loopback"],
    ["::ffff:7f00:1", "ipv4-mapped loopback"],
    ["::ffff:10.0.0.5", "ipv4-mapped private"],
    ["::ffff:169.254.169.254", "ipv4-mapped cloud-metadata"],
    ["::127.0.0.1", "ipv4-compatible loopback"],
    ["::10.0.0.5", "ipv4-compatible private"],
    ["::8.8.8.8", "ipv4-compatible"],
    ["::ffff:0:8.8.8.8", "rfc6145"],
    ["64:ff9b::127.0.0.1", "nat64 loopback"],
    ["64:ff9b::a9fe:a9fe", "nat64 cloud-metadata"],
    ["64:ff9b:1::8.8.8.8", "nat64-local"],
    ["2002:7f00:1::1", "6to4 loopback"],
    ["2002:a00:5::1", "6to4 private"],
    ["2002:c0a8:101::1", "6to4 private"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "teredo"],
    ["2001:2::1", "benchmarking"],
    ["fec0::1", "deprecated-site-local"],
    ["100::1", "discard"],
    ["not-an-address", "invalid-address"],
  ];
  it.each(refused)("refuses %s as %s", (address, range) => {
    expect(classifyAddress(address)).toMatchObject({ public: false, range });
  });

  const allowed = [
    "8.8.8.8",
    "93.184.215.14",
    "1.1.1.1",
    "172.32.0.1",
    "100.128.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
  ];
  it.each(allowed)("allows public unicast %s", (address) => {
    expect(classifyAddress(address).public).toBe(true);
  });
});

describe("checkUrl", () => {
  it.each([
    ["ftp://example.com/", "scheme"],
    ["file:///etc/passwd", "scheme"],
    ["gopher://example.com:70/", "scheme"],
    ["data:text/html,hi", "scheme"],
    ["javascript:alert(1)", "scheme"],
    ["not a url", "invalid-url"],
    ["http://user:pass@example.com/", "credentials"],
    ["http://user@example.com/", "credentials"],
    ["http://example.com:22/", "port"],
    ["http://example.com:6379/", "port"],
    ["http://metadata.google.internal/computeMetadata/v1/", "metadata-host"],
    ["http://METADATA.GOOGLE.INTERNAL./", "metadata-host"],
    ["http://metadata/", "metadata-host"],
    ["http://metadata.goog/", "metadata-host"],
    ["http://instance-data/latest/meta-data/", "metadata-host"],
    ["http://instance-data.ec2.internal/", "metadata-host"],
    ["http://localhost/", "internal-name"],
    ["http://app.localhost/", "internal-name"],
    ["http://printer.local/", "internal-name"],
    ["http://db.internal/", "internal-name"],
    ["http://router.home.arpa/", "internal-name"],
    ["http://jenkins/", "single-label-name"],
  ])("refuses %s before resolving (%s)", async (url, reason) => {
    const resolver = stubResolver({});
    expect((await refusal(checkUrl(url, { resolver }))).reason).toBe(reason);
    expect(resolver.calls).toEqual([]);
  });

  it.each([
    ["http://2130706433/", "loopback"],
    ["http://0x7f.1/", "loopback"],
    ["http://0x7f000001/", "loopback"],
    ["http://0177.0.0.1/", "loopback"],
    ["http://127.1/", "loopback"],
    ["http://127.0.0.1./", "loopback"],
    ["http://%31%32%37.0.0.1/", "loopback"],
    ["http://[::1]/", "loopback"],
    ["http://[::ffff:127.0.0.1]/", "ipv4-mapped loopback"],
    ["http://[::127.0.0.1]/", "ipv4-compatible loopback"],
    ["http://[64:ff9b::7f00:1]/", "nat64 loopback"],
    ["http://0/", "unspecified"],
    ["http://0xa9.0xfe.0xa9.0xfe/latest/meta-data/", "cloud-metadata"],
    ["http://2852039166/", "cloud-metadata"],
    ["http://[fd00:ec2::254]/", "cloud-metadata"],
    ["http://100.100.100.200/", "cloud-metadata"],
    ["http://012.0.0.5/", "private"],
    ["https://192.168.0.1:8443/", "private"],
  ])("reads the normalised host of %s and refuses it (%s)", async (url, reason) => {
    const resolver = stubResolver({});
    expect((await refusal(checkUrl(url, { resolver }))).reason).toBe(reason);
    expect(resolver.calls).toEqual([]);
  });

  it.each([
    ["meta.evil.example", ["169.254.169.254"], "cloud-metadata"],
    ["intranet.evil.example", ["10.0.0.5"], "private"],
    ["mapped.evil.example", ["::ffff:127.0.0.1"], "ipv4-mapped loopback"],
    ["v6.evil.example", ["::1"], "loopback"],
    ["ula.evil.example", ["fd00:ec2::254"], "cloud-metadata"],
    ["cgnat.evil.example", ["100.100.100.200"], "cloud-metadata"],
    ["mixed.evil.example", ["93.184.215.14", "10.0.0.5"], "private"],
    ["mixed6.evil.example", ["2606:4700:4700::1111", "fe80::1"], "link-local"],
  ])("refuses %s resolving to %j (%s)", async (host, addresses, reason) => {
    const resolver = stubResolver({ [host]: addresses });
    const { message } = await refusal(checkUrl(`https://${host}/page`, { resolver }));
    expect((await refusal(checkUrl(`https://${host}/page`, { resolver }))).reason).toBe(reason);
    expect(message).toContain(host);
    expect(resolver.calls).toContain(host);
  });

  it("refuses a name that does not resolve", async () => {
    const resolver = stubResolver({});
    expect((await refusal(checkUrl("https://nowhere.example/", { resolver }))).reason).toBe("unresolvable");
  });

  it("accepts a public site and returns every checked address to connect to", async () => {
    const resolver = stubResolver({ "www.example.org": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"] });
    const target = await checkUrl("https://www.example.org/docs?q=1", { resolver });
    expect(target.hostname).toBe("www.example.org");
    expect(target.port).toBe(443);
    expect(target.addresses.map((a) => a.address)).toEqual(["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]);
  });

  it("redacts credentials from the refusal", async () => {
    const { message } = await refusal(checkUrl("http://admin:hunter2@example.com/"));
    expect(message).not.toContain("hunter2");
  });
});

describe("the loopback allowance for tests", () => {
  it("opens exactly one loopback address and port", async () => {
    const allow = allowLoopbackForTests("127.0.0.1", 40_123);
    await expect(checkUrl("http://127.0.0.1:40123/", { allow })).resolves.toMatchObject({ port: 40_123 });
    const resolver = stubResolver({ "site.example": ["127.0.0.1"], "other.example": ["127.0.0.2"] });
    await expect(checkUrl("http://site.example:40123/", { allow, resolver })).resolves.toBeTruthy();
    expect((await refusal(checkUrl("http://127.0.0.1:40124/", { allow }))).reason).toBe("port");
    expect((await refusal(checkUrl("http://127.0.0.1/", { allow }))).reason).toBe("loopback");
    expect((await refusal(checkUrl("http://127.0.0.2:40123/", { allow }))).reason).toBe("loopback");
    expect((await refusal(checkUrl("http://other.example:40123/", { allow, resolver }))).reason).toBe("loopback");
    expect((await refusal(checkUrl("http://[::1]:40123/", { allow }))).reason).toBe("loopback");
  });

  it("cannot be made for anything but loopback, nor forged to open another range", async () => {
    expect(() => allowLoopbackForTests("10.0.0.5", 80)).toThrow(/not a loopback/);
    expect(() => allowLoopbackForTests("169.254.169.254", 80)).toThrow(/not a loopback/);
    const forged = { address: "10.0.0.5", port: 80 };
    expect((await refusal(checkUrl("http://10.0.0.5/", { allow: forged }))).reason).toBe("private");
  });
});

describe("the webhooks' policy (any port; private addresses only when the operator allows them)", () => {
  const resolver = stubResolver({
    "hooks.example.com": ["93.184.216.34"],
    "rebound.example.com": ["93.184.216.34", "10.1.2.3"],
    "meta.example.com": ["169.254.169.254"],
  });

  it("accepts a public receiver on any port", async () => {
    const target = await checkUrl("https://hooks.example.com:9443/in", { resolver, anyPort: true });
    expect(target.addresses).toEqual([{ address: "93.184.216.34", family: 4 }]);
    expect((await refusal(checkUrl("https://hooks.example.com:9443/in", { resolver }))).reason).toBe("port");
  });

  it("refuses private, loopback, link-local and metadata addresses unless allowed", async () => {
    for (const url of ["http://10.0.0.8/", "http://127.0.0.1:3000/", "http://[::1]/", "http://169.254.10.1/"])
      expect(checkUrlWithoutResolving(() => url)).toBe("refused");
    expect((await refusal(checkUrl("https://rebound.example.com/", { resolver, anyPort: true }))).reason).toBe(
      "private",
    );
    expect(
      (await checkUrl("https://rebound.example.com/", { resolver, anyPort: true, allowPrivate: true })).addresses,
    ).toHaveLength(2);
    expect((await checkUrl("http://127.0.0.1:3000/", { anyPort: true, allowPrivate: true })).port).toBe(3000);
    expect(
      (
        await checkUrl("http://receiver.internal:80/", {
          resolver: async () => [{ address: "10.0.0.2", family: 4 }],
          allowPrivate: true,
        })
      ).hostname,
    ).toBe("receiver.internal");
  });

  it("refuses cloud metadata even when private addresses are allowed", async () => {
    const policy = { resolver, anyPort: true, allowPrivate: true };
    expect((await refusal(checkUrl("http://169.254.169.254/latest", policy))).reason).toBe("cloud-metadata");
    expect((await refusal(checkUrl("http://meta.example.com/", policy))).reason).toBe("cloud-metadata");
    expect((await refusal(checkUrl("http://[::ffff:169.254.169.254]/", policy))).reason).toContain("cloud-metadata");
    expect((await refusal(checkUrl("http://metadata.google.internal/", policy))).reason).toBe("metadata-host");
  });
});

function checkUrlWithoutResolving(url: () => string): "refused" | "accepted" {
  try {
    checkWithoutDns(url(), { anyPort: true });
    return "accepted";
  } catch (error) {
    if (isApiError(error) && error.code === "URL_NOT_ALLOWED") return "refused";
    throw error;
  }
}
