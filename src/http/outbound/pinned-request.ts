import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import type { CheckedTarget, ResolvedAddress } from "./address-guard.js";
import { canonicalAddress } from "./ip-ranges.js";

/** Where one connection goes: always an address the guard checked, never a name. */
export interface ConnectTarget {
  address: string;
  family: 4 | 6;
  port: number;
  tls: boolean;
  /** TLS server name (SNI and certificate check); absent when the URL's host is an IP literal. */
  servername?: string;
}

/** Opens the socket for one request. The only place bytes leave the process; injected in tests to observe it. */
export type Connector = (target: ConnectTarget) => net.Socket;

/** The production connector: TCP (and TLS) straight to the checked IP, so no second DNS lookup can happen. */
export function pinnedConnector(tlsOptions: { ca?: string | Buffer } = {}): Connector {
  return (target) => {
    const socket = target.tls
      ? tls.connect({
          host: target.address,
          port: target.port,
          servername: target.servername,
          ALPNProtocols: ["http/1.1"],
          ...(tlsOptions.ca ? { ca: tlsOptions.ca } : {}),
        })
      : net.connect({ host: target.address, port: target.port });
    // No Nagle: a request written in two pieces (headers, then a body) must not wait for the peer's delayed ACK.
    socket.setNoDelay(true);
    return socket;
  };
}

/** A failure before the TCP connection was up, so the next checked address may be tried. */
class ConnectFailed extends Error {
  constructor(readonly original: Error) {
    super(original.message);
  }
}

/** What to send: GET with no body unless told otherwise. */
export interface PinnedRequestBody {
  method?: "GET" | "POST";
  body?: Buffer;
}

function requestOnce(
  target: CheckedTarget,
  resolved: ResolvedAddress,
  connect: Connector,
  headers: Record<string, string>,
  signal: AbortSignal,
  send: PinnedRequestBody,
): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const isTls = target.url.protocol === "https:";
    let connected = false;
    const connectTarget: ConnectTarget = {
      address: resolved.address,
      family: resolved.family,
      port: target.port,
      tls: isTls,
      ...(isTls && !net.isIP(target.hostname) ? { servername: target.hostname } : {}),
    };
    const req = (isTls ? https : http).request({
      method: send.method ?? "GET",
      host: target.hostname,
      port: target.port,
      path: `${target.url.pathname}${target.url.search}`,
      headers: { host: target.url.host, ...headers },
      setHost: false,
      signal,
      createConnection: () => {
        const socket = connect(connectTarget);
        socket.once("connect", () => {
          connected = true;
          // Belt and braces: a connector that resolved a name itself would show up here.
          const remote = socket.remoteAddress;
          if (remote && canonicalAddress(remote) !== canonicalAddress(resolved.address))
            socket.destroy(new Error(`connected to ${remote}, not the checked ${resolved.address}`));
        });
        return socket;
      },
    });
    req.once("response", (res) => resolve({ req, res }));
    req.once("error", (error) => reject(connected || signal.aborted ? error : new ConnectFailed(error)));
    req.end(send.body);
  });
}

/**
 * Sends one request (a GET unless `send` says otherwise) to the checked target over a connection pinned to one of
 * its checked addresses, trying the next address only when a connection could not be opened. Resolves once the
 * response headers are in.
 */
export async function requestPinned(
  target: CheckedTarget,
  connect: Connector,
  headers: Record<string, string>,
  signal: AbortSignal,
  send: PinnedRequestBody = {},
): Promise<{ req: http.ClientRequest; res: http.IncomingMessage; address: string }> {
  let lastError: Error | undefined;
  for (const resolved of target.addresses) {
    try {
      const { req, res } = await requestOnce(target, resolved, connect, headers, signal, send);
      return { req, res, address: resolved.address };
    } catch (error) {
      if (!(error instanceof ConnectFailed)) throw error;
      lastError = error.original;
    }
  }
  throw lastError ?? new Error("no address to connect to");
}
