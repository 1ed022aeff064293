import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the fake received it. */
export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string | object;
}

type Scripted = { reply: Reply | "hang"; match: (r: Recorded) => boolean };

/**
 * A node:http server on 127.0.0.1 (port 0) that records every request, answers through the provider's route,
 * and can be told to fail, rate-limit or hang the next calls. A request that breaks the documented format is
 * answered 400 and recorded in `violations`, which every test expects to stay empty.
 */
export class FakeServer {
  readonly requests: Recorded[] = [];
  readonly violations: string[] = [];
  private scripted: Scripted[] = [];
  private hanging = new Set<ServerResponse>();
  url = "";

  private constructor(
    private readonly server: Server,
    private readonly route: (req: Recorded) => Promise<Reply> | Reply,
    /** Which requests count as API calls for scripted failures (not OAuth tokens, not downloads). */
    readonly isApiCall: (req: Recorded) => boolean,
  ) {}

  static async start(
    route: (req: Recorded) => Promise<Reply> | Reply,
    isApiCall: (req: Recorded) => boolean = () => true,
  ): Promise<FakeServer> {
    const server = createServer();
    const fake = new FakeServer(server, route, isApiCall);
    server.on("request", (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://fake");
        const recorded: Recorded = {
          method: req.method ?? "GET",
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        fake.requests.push(recorded);
        void fake.answer(recorded, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  private async answer(req: Recorded, res: ServerResponse) {
    const index = this.scripted.findIndex((s) => s.match(req));
    let reply: Reply | "hang";
    if (index >= 0 && this.isApiCall(req)) {
      reply = this.scripted[index]!.reply;
      this.scripted.splice(index, 1);
    } else {
      try {
        reply = await this.route(req);
      } catch (error) {
        reply = this.violation(`fake crashed: ${(error as Error).stack}`);
      }
    }
    if (reply === "hang") {
      this.hanging.add(res);
      res.on("close", () => this.hanging.delete(res));
      return;
    }
    const body = reply.body;
    const isJson = body !== undefined && !Buffer.isBuffer(body) && typeof body === "object";
    res.writeHead(reply.status, {
      ...(isJson ? { "content-type": "application/json" } : {}),
      ...reply.headers,
    });
    res.end(isJson ? JSON.stringify(body) : body);
  }

  /** The next `times` API calls get `reply` (or hang until the client gives up). */
  script(reply: Reply | "hang", times = 1, match: (r: Recorded) => boolean = () => true) {
    for (let i = 0; i < times; i++) this.scripted.push({ reply, match: (r) => this.isApiCall(r) && match(r) });
  }

  /** Records a broken rule of the documented format and answers 400 so the adapter sees a failure too. */
  violation(message: string): Reply {
    this.violations.push(message);
    return { status: 400, body: { fake_violation: message } };
  }

  apiCalls(): Recorded[] {
    return this.requests.filter(this.isApiCall);
  }

  reset() {
    this.requests.length = 0;
    this.violations.length = 0;
    this.scripted = [];
  }

  async close() {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Parses a multipart/form-data body with the platform's own parser. */
export async function formOf(req: Recorded): Promise<FormData> {
  return new Response(new Uint8Array(req.body), {
    headers: { "content-type": String(req.headers["content-type"] ?? "") },
  }).formData();
}

export function jsonOf<T = Record<string, unknown>>(req: Recorded): T {
  return JSON.parse(req.body.toString("utf8")) as T;
}

/** Collects rule breaks while a fake inspects a request; `check(cond, msg)` reads like an assertion. */
export class Rules {
  readonly broken: string[] = [];
  check(condition: unknown, message: string) {
    if (!condition) this.broken.push(message);
  }
}
