import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as is when a string or bytes, as JSON otherwise. */
  body?: unknown;
}

/** What a route answers; `hold` keeps the request open until the client goes away (to test aborts). */
export type Handler = (req: RecordedRequest) => Reply | "hold" | Promise<Reply | "hold">;

/**
 * A loopback HTTP server (127.0.0.1, port 0) for fakes of hosted APIs. It records every request, and answers the
 * next requests from a script before falling back to the route's own handler — to inject 429s, 5xx and junk.
 */
export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests held open whose client has since disconnected. */
  readonly abandoned: RecordedRequest[] = [];
  private readonly scripted: Reply[] = [];
  private readonly routes: { pattern: RegExp; handler: Handler }[] = [];
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private held = new Set<() => void>();
  private onHold: (() => void)[] = [];

  route(pattern: RegExp, handler: Handler): this {
    this.routes.push({ pattern, handler });
    return this;
  }

  /** The next `replies.length` requests (to any route) get these replies, in order. */
  script(...replies: Reply[]): void {
    this.scripted.push(...replies);
  }

  /** Resolves once a request is being held open. */
  nextHold(): Promise<void> {
    return new Promise((resolve) => this.onHold.push(resolve));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const release of this.held) release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      body,
      json,
    };
    this.requests.push(recorded);
    const route = this.routes.find((r) => r.pattern.test(recorded.path));
    const reply =
      this.scripted.shift() ?? (route ? await route.handler(recorded) : { status: 404, body: { error: "no route" } });
    if (reply === "hold") {
      const release = () => res.destroy();
      this.held.add(release);
      res.on("close", () => {
        if (this.held.delete(release)) this.abandoned.push(recorded);
      });
      for (const resolve of this.onHold.splice(0)) resolve();
      return;
    }
    if (reply.body instanceof Uint8Array) {
      res.writeHead(reply.status, { "content-type": "application/octet-stream", ...reply.headers });
      res.end(reply.body);
      return;
    }
    const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {});
    res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    res.end(text);
  }
}

export function jsonError(status: number, message: string, extra: Record<string, unknown> = {}): Reply {
  return { status, body: { error: { code: status, message, ...extra } } };
}
