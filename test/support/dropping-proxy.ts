import net from "node:net";

/**
 * A loopback TCP proxy in front of the service that can drop a connection right after the service answered: the
 * service did the work (and charged), the client sees a dropped connection and its SDK retries. It also counts the
 * requests that passed, by their request lines.
 */
export class DroppingProxy {
  dropNext = false;
  readonly requestLines: string[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  url = "";

  private constructor(target: URL) {
    this.server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
      }
      client.on("data", (chunk) => {
        for (const m of chunk.toString("latin1").matchAll(/^(GET|POST|DELETE|PUT|PATCH) (\S+) HTTP\/1\.1/gm))
          this.requestLines.push(`${m[1]} ${m[2]}`);
        upstream.write(chunk);
      });
      upstream.on("data", (chunk) => {
        if (this.dropNext) {
          this.dropNext = false;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(chunk);
      });
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
  }

  static async start(target: string): Promise<DroppingProxy> {
    const proxy = new DroppingProxy(new URL(target));
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    proxy.url = `http://127.0.0.1:${(proxy.server.address() as net.AddressInfo).port}`;
    return proxy;
  }

  count(line: string): number {
    return this.requestLines.filter((l) => l === line).length;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
