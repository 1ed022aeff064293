import ipaddr from "ipaddr.js";

/** Where an address sits: `public` is true only for globally routable unicast that is not a known metadata service. */
export interface AddressClass {
  public: boolean;
  /** `unicast` when public; otherwise the refused class, e.g. `loopback`, `private`, `cloud-metadata`. */
  range: string;
  /** The IPv4 address an IPv6 form (IPv4-mapped, NAT64, 6to4, IPv4-compatible) carries, when it decided the verdict. */
  embedded?: string;
}

// Cloud instance-metadata and host-platform endpoints. Most already fall in a refused class; naming them keeps the
// refusal explicit, and 168.63.129.16 (Azure WireServer) sits in public space, so only this list refuses it.
const METADATA_ADDRESSES = new Set(
  [
    "169.254.169.254", // AWS, GCP, Azure, OCI, DigitalOcean, Hetzner, OpenStack
    "169.254.170.2", // AWS ECS task metadata
    "169.254.0.23", // Tencent Cloud
    "100.100.100.200", // Alibaba Cloud
    "192.0.0.192", // Oracle Cloud (legacy)
    "168.63.129.16", // Azure WireServer
    "fd00:ec2::254", // AWS IMDS over IPv6
  ].map((a) => ipaddr.parse(a).toNormalizedString()),
);

// Finer names for parts of ipaddr.js's IPv4 "reserved" class, so refusals say which range matched.
const IPV4_NAMED: [string, string][] = [
  ["255.255.255.255/32", "broadcast"],
  ["192.0.0.0/24", "ietf-protocol"],
  ["192.0.2.0/24", "documentation"],
  ["198.51.100.0/24", "documentation"],
  ["203.0.113.0/24", "documentation"],
  ["198.18.0.0/15", "benchmarking"],
  ["192.88.99.0/24", "6to4-relay-anycast"],
  ["240.0.0.0/4", "reserved"],
];
const IPV4_NAMED_PARSED = IPV4_NAMED.map(([cidr, name]) => ({ cidr: ipaddr.IPv4.parseCIDR(cidr), name }));

function kebab(range: string): string {
  return range.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function classifyIPv4(ip: ipaddr.IPv4): AddressClass {
  if (METADATA_ADDRESSES.has(ip.toNormalizedString())) return { public: false, range: "cloud-metadata" };
  for (const { cidr, name } of IPV4_NAMED_PARSED) if (ip.match(cidr)) return { public: false, range: name };
  const range = ip.range();
  // as112 and amt are anycast infrastructure, not web hosts; everything but plain unicast is refused.
  return range === "unicast" ? { public: true, range } : { public: false, range: kebab(range) };
}

function ipv4FromParts(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** Judges an IPv6 address by the IPv4 address it embeds: the packet ends up there. */
function viaEmbedded(inner: ipaddr.IPv4, form: string): AddressClass {
  const verdict = classifyIPv4(inner);
  const embedded = inner.toString();
  return verdict.public
    ? { public: true, range: "unicast", embedded }
    : { public: false, range: `${form} ${verdict.range}`, embedded };
}

function classifyIPv6(ip: ipaddr.IPv6): AddressClass {
  if (METADATA_ADDRESSES.has(ip.toNormalizedString())) return { public: false, range: "cloud-metadata" };
  const p = ip.parts;
  if (ip.isIPv4MappedAddress()) return viaEmbedded(ip.toIPv4Address(), "ipv4-mapped");
  const firstSixZero = p.slice(0, 6).every((x) => x === 0);
  if (firstSixZero && !(p[6] === 0 && (p[7] === 0 || p[7] === 1))) {
    // ::a.b.c.d is deprecated (RFC 4291) and stacks differ in how they route it: refused whatever it embeds.
    const inner = viaEmbedded(ipv4FromParts(p[6]!, p[7]!), "ipv4-compatible");
    return { public: false, range: inner.public ? "ipv4-compatible" : inner.range, embedded: inner.embedded };
  }
  const range = ip.range();
  if (range === "rfc6052") {
    // 64:ff9b::/96 is the well-known NAT64 prefix a DNS64 resolver answers with; 64:ff9b:1::/48 is local-use.
    if (p[2] !== 0) return { public: false, range: "nat64-local" };
    return viaEmbedded(ipv4FromParts(p[6]!, p[7]!), "nat64");
  }
  if (range === "6to4") return viaEmbedded(ipv4FromParts(p[1]!, p[2]!), "6to4");
  // Teredo hides the client's IPv4 address and goes through relays we do not control; no website lives there.
  if (range === "teredo") return { public: false, range: "teredo" };
  // Only 2000::/3 is allocated as global unicast; anything else (::/8, fec0::/10, 5f00::/16…) is not a web host.
  if ((p[0]! & 0xe000) !== 0x2000)
    return { public: false, range: range === "unicast" ? "not-global-unicast" : kebab(range) };
  return range === "unicast" ? { public: true, range } : { public: false, range: kebab(range) };
}

/**
 * Parses an address. ipaddr.js reads an IPv6 address with a dotted IPv4 tail ("::8.8.8.8", which is how
 * inet_ntop prints IPv4-compatible addresses) as IPv4-mapped, so the tail is turned into two hex groups first.
 */
function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const bare = text.replace(/^\[|\]$/g, "");
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (dotted && ipaddr.IPv4.isValidFourPartDecimal(dotted[2]!)) {
    const [a, b, c, d] = ipaddr.IPv4.parse(dotted[2]!).octets as [number, number, number, number];
    return ipaddr.IPv6.parse(`${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`);
  }
  return ipaddr.parse(bare);
}

/** Classifies an IP address; an unparseable string is refused as `invalid-address`. */
export function classifyAddress(address: string): AddressClass {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = parseIp(address);
  } catch {
    return { public: false, range: "invalid-address" };
  }
  return ip.kind() === "ipv4" ? classifyIPv4(ip as ipaddr.IPv4) : classifyIPv6(ip as ipaddr.IPv6);
}

/** True when the string is an IPv4 or IPv6 literal (any form ipaddr.js accepts), brackets allowed. */
export function isIpLiteral(host: string): boolean {
  try {
    parseIp(host);
    return true;
  } catch {
    return false;
  }
}

/** Canonical text of an address, so two spellings of one address compare equal (IPv4-mapped becomes IPv4). */
export function canonicalAddress(address: string): string {
  const ip = parseIp(address);
  return ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()
    ? (ip as ipaddr.IPv6).toIPv4Address().toString()
    : ip.toNormalizedString();
}
