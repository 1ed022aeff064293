import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import net from "node:net";
import type { Connector } from "../../../src/knowledge/crawl/safe-fetch.js";
import { pinnedConnector } from "../../../src/knowledge/crawl/safe-fetch.js";

/** A server on a loopback address that counts TCP connections (not just requests) and records each request. */
export interface LoopbackServer {
  address: string;
  port: number;
  /** `http://address:port` */
  origin: string;
  connections: number;
  requests: { path: string; host: string | undefined; servername?: string }[];
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Starts an HTTP (or, with key and cert, HTTPS) server on a loopback address; port 0 picks a free one. */
export async function startLoopbackServer(
  handler: Handler,
  options: { address?: string; port?: number; tls?: { key: string; cert: string } } = {},
): Promise<LoopbackServer> {
  const address = options.address ?? "127.0.0.1";
  const sockets = new Set<Socket>();
  const server: http.Server = options.tls ? https.createServer(options.tls) : http.createServer();
  const state: LoopbackServer = {
    address,
    port: 0,
    origin: "",
    connections: 0,
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  // Counted on the raw TCP accept, so a connection that never sends a request (or a TLS handshake) still shows up.
  server.on("connection", (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const servername = (req.socket as { servername?: string }).servername;
    state.requests.push({ path: req.url ?? "", host: req.headers.host, ...(servername ? { servername } : {}) });
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, address, () => resolve());
  });
  state.port = (server.address() as AddressInfo).port;
  state.origin = `${options.tls ? "https" : "http"}://${address}:${state.port}`;
  return state;
}

/** Records every connection the code under test asks for, then opens it as production would. */
export function recordingConnector(inner: Connector = pinnedConnector()) {
  const calls: Parameters<Connector>[0][] = [];
  const connect: Connector = (target) => {
    calls.push(target);
    return inner(target);
  };
  return { calls, connect };
}

/** A connector for addresses a test must never reach: it opens nothing and fails the request. */
export const neverConnect: Connector = () => {
  const socket = new net.Socket();
  process.nextTick(() => socket.destroy(new Error("test connector: traffic never leaves loopback")));
  return socket;
};
