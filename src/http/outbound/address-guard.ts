import { lookup } from "node:dns/promises";
import { ApiError } from "../../errors.js";
import { canonicalAddress, classifyAddress, isIpLiteral } from "./ip-ranges.js";

export { type AddressClass, classifyAddress } from "./ip-ranges.js";

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Name → every address it resolves to. Injected in tests; production uses the system resolver. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (getaddrinfo, so /etc/hosts counts), every address, in the order the system prefers. */
export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * An exception for exactly one loopback address and port: a test's own server. It can never open anything but
 * loopback, and production code never passes one.
 */
export interface LoopbackAllowance {
  readonly address: string;
  readonly port: number;
}

/** Builds the one-server exception for tests; throws unless the address is loopback. */
export function allowLoopbackForTests(address: string, port: number): LoopbackAllowance {
  if (classifyAddress(address).range !== "loopback") throw new Error(`${address} is not a loopback address`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${port} is not a port`);
  return Object.freeze({ address: canonicalAddress(address), port });
}

/** What the guard needs besides the URL: test seams, and the caller's policy. */
export interface GuardDeps {
  resolver?: Resolver;
  allow?: LoopbackAllowance;
  /** Any port, not only the web's (a webhook receiver listens where its owner chooses). */
  anyPort?: boolean;
  /**
   * The operator's explicit choice to reach private, loopback and link-local addresses and internal names (a closed
   * network, or tests with a local receiver). Cloud metadata hosts and addresses stay refused even then.
   */
  allowPrivate?: boolean;
}

/** A URL that passed every check, with the addresses it may be fetched from (connect to these, never re-resolve). */
export interface CheckedTarget {
  url: URL;
  /** Host name without brackets or trailing dot: the TLS server name and the name checks were made on. */
  hostname: string;
  port: number;
  addresses: ResolvedAddress[];
}

/** Ports a customer's website plausibly uses; others would turn the crawler into a port scanner. */
export const ALLOWED_PORTS: ReadonlySet<number> = new Set([80, 443, 8080, 8443]);

const METADATA_HOSTS = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
  "metadata.tencentyun.com",
  "metadata.azure.internal",
]);

// Suffixes that never name a public website: reserved for local use (RFC 6761, 6762, 8375) or used by cloud
// providers and corporate networks for internal names.
const INTERNAL_SUFFIXES = ["localhost", "local", "internal", "localdomain", "home.arpa", "lan", "corp", "intranet"];

/** Shows a URL without its credentials, for error messages. */
export function redactUrl(input: string | URL): string {
  try {
    const url = new URL(input);
    url.username = "";
    url.password = "";
    return url.href;
  } catch {
    return String(input).slice(0, 200);
  }
}

/** The refusal every check throws: 422 URL_NOT_ALLOWED naming the host and the reason. */
export function refuseUrl(input: string | URL, reason: string, why: string, extra: Record<string, unknown> = {}) {
  return new ApiError("URL_NOT_ALLOWED", `Refusing to fetch ${redactUrl(input)}: ${why}`, {
    url: redactUrl(input),
    reason,
    ...extra,
  });
}

function effectivePort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/**
 * Checks what can be checked without the network: scheme, credentials, port and host name. The host is read from
 * the WHATWG-normalised URL, so decimal, octal and hex spellings of an IPv4 address arrive here as dotted quads.
 */
export function parseFetchableUrl(input: string | URL, policy: GuardDeps = {}): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw refuseUrl(input, "invalid-url", "it is not a valid absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw refuseUrl(url, "scheme", `only http and https are fetched, not ${url.protocol.replace(/:$/, "")}`);
  if (url.username || url.password) throw refuseUrl(url, "credentials", "URLs with credentials are not fetched");
  const port = effectivePort(url);
  if (!policy.anyPort && !ALLOWED_PORTS.has(port) && port !== policy.allow?.port)
    throw refuseUrl(url, "port", `port ${port} is not one of ${[...ALLOWED_PORTS].join(", ")}`);
  const host = hostWithoutDecoration(url);
  if (isIpLiteral(host)) return url;
  if (METADATA_HOSTS.has(host)) throw refuseUrl(url, "metadata-host", `${host} is a cloud metadata host name`);
  if (policy.allowPrivate) return url;
  const suffix = INTERNAL_SUFFIXES.find((s) => host === s || host.endsWith(`.${s}`));
  if (suffix) throw refuseUrl(url, "internal-name", `${host} is under .${suffix}, which is never a public site`);
  if (!host.includes(".")) throw refuseUrl(url, "single-label-name", `${host} is not a fully qualified domain name`);
  return url;
}

function hostWithoutDecoration(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "").replace(/\.+$/, "");
}

function describe(address: string, range: string, embedded?: string): string {
  return embedded && range !== "unicast" ? `${address} (${range}, embeds ${embedded})` : `${address} (${range})`;
}

function isAllowedLoopback(address: string, port: number, allow?: LoopbackAllowance): boolean {
  if (!allow || port !== allow.port) return false;
  return classifyAddress(address).range === "loopback" && canonicalAddress(address) === allow.address;
}

/**
 * Refuses the address unless it is public unicast (or the test's one allowed loopback server, or any non-metadata
 * address when the operator allows private ones).
 */
export function assertPublicAddress(url: URL, address: string, policy: GuardDeps = {}): void {
  if (isAllowedLoopback(address, effectivePort(url), policy.allow)) return;
  const verdict = classifyAddress(address);
  if (verdict.public) return;
  if (policy.allowPrivate && !verdict.range.endsWith("cloud-metadata")) return;
  const host = hostWithoutDecoration(url);
  const subject = isIpLiteral(host) ? "the address" : `${host} resolves to`;
  throw refuseUrl(
    url,
    verdict.range,
    `${subject} ${describe(address, verdict.range, verdict.embedded)}, which is not public`,
    {
      address,
    },
  );
}

/**
 * What can be decided before any DNS lookup, e.g. when a URL is registered: the URL's form, its host name, and the
 * address itself when the host is an IP literal. The address a name resolves to is checked when it is fetched.
 */
export function checkUrlWithoutResolving(input: string | URL, policy: GuardDeps = {}): URL {
  const url = parseFetchableUrl(input, policy);
  const host = hostWithoutDecoration(url);
  if (isIpLiteral(host)) assertPublicAddress(url, host, policy);
  return url;
}

function raceSignal<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * The whole guard: parses and checks the URL, resolves the host and refuses it if ANY address is not public.
 * Connect only to the returned addresses; resolving again would let DNS rebinding swap them.
 */
export async function checkUrl(
  input: string | URL,
  deps: GuardDeps = {},
  signal?: AbortSignal,
): Promise<CheckedTarget> {
  const url = parseFetchableUrl(input, deps);
  const hostname = hostWithoutDecoration(url);
  const port = effectivePort(url);
  let addresses: ResolvedAddress[];
  if (isIpLiteral(hostname)) {
    addresses = [{ address: hostname, family: hostname.includes(":") ? 6 : 4 }];
  } else {
    try {
      addresses = await raceSignal((deps.resolver ?? systemResolver)(hostname), signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      const code = (error as { code?: string }).code ?? (error as Error).message;
      throw refuseUrl(url, "unresolvable", `${hostname} could not be resolved (${code})`);
    }
    if (addresses.length === 0) throw refuseUrl(url, "unresolvable", `${hostname} has no address`);
  }
  for (const { address } of addresses) assertPublicAddress(url, address, deps);
  return { url, hostname, port, addresses };
}
