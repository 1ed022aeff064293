import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { crc32 } from "node:zlib";
import { XMLParser } from "fast-xml-parser";
import { type Credentials, verifySigV4 } from "./sigv4.js";

/**
 * A loopback server speaking the path-style S3 REST API the blob store uses, as the Amazon S3 API Reference
 * describes it: PutObject, GetObject, HeadObject, DeleteObject, ListObjectsV2 (continuation tokens; pages of
 * `pageSize` keys, 2 by default, so pagination is always exercised) and DeleteObjects (POST ?delete, at most
 * 1,000 keys, Content-MD5 or x-amz-checksum-* required and checked). Every request must carry a valid SigV4
 * signature for the configured key; anything the client got wrong is answered as S3 would and recorded in
 * `violations`.
 */
export interface StoredObject {
  body: Buffer;
  contentType: string;
  sse?: string;
  etag: string;
  lastModified: Date;
}

export interface RecordedRequest {
  operation: string;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface FakeS3Options extends Credentials {
  buckets: string[];
  pageSize?: number;
}

const XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
const xml = new XMLParser({ isArray: (name) => name === "Object", parseTagValue: false });

export class FakeS3 {
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  /** Keys DeleteObjects reports as failed (AccessDenied), to test how partial failures surface. */
  readonly denyDelete = new Set<string>();
  endpoint = "";
  private readonly server: http.Server;

  private constructor(private readonly options: FakeS3Options) {
    for (const b of options.buckets) this.buckets.set(b, new Map());
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => this.handle(req, Buffer.concat(chunks), res));
    });
  }

  static async start(options: FakeS3Options): Promise<FakeS3> {
    const fake = new FakeS3(options);
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    fake.endpoint = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Operations received, in order (for example `["ListObjectsV2", "DeleteObjects", …]`). */
  operations(): string[] {
    return this.requests.map((r) => r.operation);
  }

  private handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://fake");
    const [, bucket = "", ...rest] = url.pathname.split("/");
    const key = rest.map(decodeURIComponent).join("/");
    const q = url.searchParams;
    const operation = !key
      ? method === "POST" && q.has("delete")
        ? "DeleteObjects"
        : method === "GET" && q.get("list-type") === "2"
          ? "ListObjectsV2"
          : `${method} bucket`
      : ({ PUT: "PutObject", GET: "GetObject", HEAD: "HeadObject", DELETE: "DeleteObject" }[method] ?? method);
    this.requests.push({ operation, method, url: req.url ?? "", headers: req.headers });

    const reply = this.route({ req, method, bucket, key, q, operation, body });
    if (reply.violation) this.violations.push(`${operation} ${req.url}: ${reply.violation}`);
    res.writeHead(reply.status, { "x-amz-request-id": randomBytes(8).toString("hex").toUpperCase(), ...reply.headers });
    res.end(method === "HEAD" ? undefined : reply.body);
  }

  private route(r: {
    req: http.IncomingMessage;
    method: string;
    bucket: string;
    key: string;
    q: URLSearchParams;
    operation: string;
    body: Buffer;
  }): Reply {
    const { req, method, bucket, key, body } = r;
    const authError = verifySigV4({ method, url: req.url ?? "/", headers: req.headers, body }, this.options);
    if (authError) return s3Error(403, authError.code, authError.reason, true);
    const objects = this.buckets.get(bucket);
    if (!objects) return s3Error(404, "NoSuchBucket", "The specified bucket does not exist");

    switch (r.operation) {
      case "PutObject": {
        if (Number(req.headers["content-length"]) !== body.length)
          return s3Error(400, "IncompleteBody", "Content-Length does not match the body", true);
        const etag = `"${createHash("md5").update(body).digest("hex")}"`;
        const sse = header(req, "x-amz-server-side-encryption");
        const contentType = header(req, "content-type") ?? "binary/octet-stream";
        objects.set(key, { body, contentType, sse, etag, lastModified: new Date() });
        return { status: 200, headers: { etag, ...(sse ? { "x-amz-server-side-encryption": sse } : {}) } };
      }
      case "GetObject":
      case "HeadObject": {
        const o = objects.get(key);
        if (!o) return s3Error(404, "NoSuchKey", "The specified key does not exist.");
        const headers = {
          "content-type": o.contentType,
          "content-length": o.body.length,
          etag: o.etag,
          "last-modified": o.lastModified.toUTCString(),
          ...(o.sse ? { "x-amz-server-side-encryption": o.sse } : {}),
        };
        return { status: 200, headers, body: o.body };
      }
      case "DeleteObject":
        objects.delete(key);
        return { status: 204, headers: {} };
      case "ListObjectsV2":
        return this.list(bucket, objects, r.q);
      case "DeleteObjects":
        return this.deleteObjects(req, body, objects);
      default:
        return s3Error(501, "NotImplemented", `the fake does not implement ${method} ${req.url}`, true);
    }
  }

  private list(bucket: string, objects: Map<string, StoredObject>, q: URLSearchParams): Reply {
    if (q.has("delimiter")) return s3Error(501, "NotImplemented", "delimiter", true);
    const prefix = q.get("prefix") ?? "";
    const maxKeys = Math.min(Number(q.get("max-keys") ?? 1000), this.options.pageSize ?? 2);
    const token = q.get("continuation-token");
    let after = q.get("start-after") ?? "";
    if (token !== null) {
      // S3's tokens are opaque; this one carries the last key of the previous page, which is how S3 behaves: keys
      // removed after being listed do not shift the next page.
      const decoded = Buffer.from(token, "base64url").toString("utf8");
      if (!decoded.startsWith("fake:"))
        return s3Error(400, "InvalidArgument", "The continuation token is not valid", true);
      after = decoded.slice(5);
    }
    const matching = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
    const page = matching.slice(0, maxKeys);
    const truncated = matching.length > page.length;
    const contents = page
      .map((k) => {
        const o = objects.get(k)!;
        return (
          `<Contents><Key>${esc(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified>` +
          `<ETag>${esc(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`
        );
      })
      .join("");
    const next = truncated ? Buffer.from(`fake:${page.at(-1)}`).toString("base64url") : undefined;
    return xmlReply(
      `<ListBucketResult xmlns="${XMLNS}"><Name>${esc(bucket)}</Name>` +
        `<Prefix>${esc(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>` +
        `<IsTruncated>${truncated}</IsTruncated>` +
        (token !== null ? `<ContinuationToken>${esc(token)}</ContinuationToken>` : "") +
        (next ? `<NextContinuationToken>${next}</NextContinuationToken>` : "") +
        `${contents}</ListBucketResult>`,
    );
  }

  private deleteObjects(req: http.IncomingMessage, body: Buffer, objects: Map<string, StoredObject>): Reply {
    const md5 = header(req, "content-md5");
    const crc = header(req, "x-amz-checksum-crc32");
    if (md5 === undefined && crc === undefined)
      return s3Error(400, "InvalidRequest", "Missing required header for this request: Content-MD5", true);
    if (md5 !== undefined && md5 !== createHash("md5").update(body).digest("base64"))
      return s3Error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.", true);
    if (crc !== undefined && crc !== crc32Base64(body))
      return s3Error(400, "BadDigest", "The CRC32 you specified did not match the calculated checksum.", true);
    let parsed: { Delete?: { Object?: { Key?: unknown }[]; Quiet?: unknown } };
    try {
      parsed = xml.parse(body.toString("utf8"));
    } catch {
      return s3Error(400, "MalformedXML", "The XML you provided was not well-formed", true);
    }
    const list = parsed.Delete?.Object ?? [];
    if (list.length === 0 || list.length > 1000)
      return s3Error(400, "MalformedXML", `a Delete request names 1 to 1000 objects, not ${list.length}`, true);
    const quiet = String(parsed.Delete?.Quiet) === "true";
    let result = "";
    for (const entry of list) {
      const key = String(entry.Key ?? "");
      if (this.denyDelete.has(key)) {
        result += `<Error><Key>${esc(key)}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`;
        continue;
      }
      objects.delete(key);
      if (!quiet) result += `<Deleted><Key>${esc(key)}</Key></Deleted>`;
    }
    return xmlReply(`<DeleteResult xmlns="${XMLNS}">${result}</DeleteResult>`);
  }
}

interface Reply {
  status: number;
  headers: http.OutgoingHttpHeaders;
  body?: Buffer | string;
  /** Set when the client broke a rule of the API, not merely asked for something absent. */
  violation?: string;
}

function xmlReply(document: string): Reply {
  return {
    status: 200,
    headers: { "content-type": "application/xml" },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${document}`,
  };
}

function s3Error(status: number, code: string, message: string, violation = false): Reply {
  return {
    ...xmlReply(`<Error><Code>${code}</Code><Message>${esc(message)}</Message></Error>`),
    status,
    ...(violation ? { violation: `${code} ${message}` } : {}),
  };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

function crc32Base64(body: Buffer): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(crc32(body));
  return b.toString("base64");
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
