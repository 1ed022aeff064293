import { createHash } from "node:crypto";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type ServerSideEncryption,
} from "@aws-sdk/client-s3";
import { assertBlobKey, type BlobStore } from "./blob-store.js";

/** How to reach one bucket of AWS S3 or an S3-compatible server (MinIO, Cloudflare R2, Backblaze B2, …). */
export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** Base URL of a compatible server; unset means AWS S3 itself. */
  endpoint?: string;
  /** Bucket in the path (`/bucket/key`) instead of the host name; what most compatible servers need. */
  forcePathStyle: boolean;
  /** Static keys; unset means the SDK's default credential chain (AWS_* variables, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Namespace inside the bucket: every key is stored as `<prefix>/<key>`. */
  prefix?: string;
  /** Server-side encryption asked for on every PutObject. */
  sse?: ServerSideEncryption;
}

/** DeleteObjects takes at most 1,000 keys per request (S3 API reference). */
const DELETE_BATCH = 1000;

/**
 * Blobs as objects in one bucket. Object storage cannot overwrite bytes in place, so deletion is the DeleteObject
 * call itself: on a bucket without versioning the object is gone; with versioning it only gains a delete marker,
 * which is why the README asks for versioning off.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly sse?: ServerSideEncryption;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ? `${options.prefix}/` : "";
    this.sse = options.sse;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // Since SDK 3.729 every upload carries a CRC32 checksum by default, which several compatible servers refuse.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000, throwOnRequestTimeout: true },
    });
    this.client.middlewareStack.add(contentMd5ForDeleteObjects, {
      step: "build",
      // After the SDK's own checksum middleware (normal priority) has added its headers, before signing.
      priority: "low",
      name: "contentMd5ForDeleteObjects",
    });
  }

  private objectKey(key: string): string {
    assertBlobKey(key);
    return this.prefix + key;
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    const Key = this.objectKey(key);
    await this.call("PutObject", Key, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key,
          Body: bytes,
          ContentLength: bytes.length,
          ContentType: contentType,
          ...(this.sse ? { ServerSideEncryption: this.sse } : {}),
        }),
      ),
    );
  }

  async get(key: string): Promise<Buffer | undefined> {
    const Key = this.objectKey(key);
    return this.call("GetObject", Key, async () => {
      try {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
        if (!out.Body) return Buffer.alloc(0);
        return Buffer.from(await out.Body.transformToByteArray());
      } catch (error) {
        if (isMissingObject(error)) return undefined;
        throw error;
      }
    });
  }

  async delete(key: string): Promise<number> {
    const Key = this.objectKey(key);
    // DeleteObject answers 204 whether or not the key existed, so the size has to be read first.
    const size = await this.call("HeadObject", Key, async () => {
      try {
        const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
        return head.ContentLength ?? 0;
      } catch (error) {
        if (isMissingObject(error)) return undefined;
        throw error;
      }
    });
    if (size === undefined) return 0;
    await this.call("DeleteObject", Key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })));
    return size;
  }

  async deletePrefix(prefix: string): Promise<{ count: number; bytes: number }> {
    // The trailing slash keeps `acct_1` from reaching into `acct_10/…`, as a directory would.
    const Prefix = `${this.objectKey(prefix)}/`;
    let count = 0;
    let bytes = 0;
    let ContinuationToken: string | undefined;
    do {
      const page = await this.call("ListObjectsV2", Prefix, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix, ContinuationToken })),
      );
      const objects = (page.Contents ?? []).filter((o) => o.Key?.startsWith(Prefix));
      // Deleting page by page keeps memory flat; S3's continuation token names the last key listed, so the
      // removal of keys already listed does not disturb the pages that follow.
      for (let i = 0; i < objects.length; i += DELETE_BATCH) {
        const batch = objects.slice(i, i + DELETE_BATCH);
        await this.deleteBatch(batch.map((o) => o.Key!));
        count += batch.length;
        for (const o of batch) bytes += o.Size ?? 0;
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return { count, bytes };
  }

  /** Closes the SDK's pooled connections; the service calls it on shutdown. */
  close(): void {
    this.client.destroy();
  }

  private async deleteBatch(keys: string[]): Promise<void> {
    const out = await this.call("DeleteObjects", keys[0]!, () =>
      this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
      ),
    );
    const failed = out.Errors ?? [];
    if (failed.length > 0) {
      const first = failed[0]!;
      throw new Error(
        `S3 DeleteObjects failed for ${failed.length} of ${keys.length} keys in bucket ${this.bucket}, ` +
          `first ${first.Key}: ${first.Code ?? "error"} ${first.Message ?? ""}`.trim(),
      );
    }
  }

  /** Runs one S3 call, turning SDK errors into plain Errors that name the operation, bucket and key. */
  private async call<T>(operation: string, key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new Error(`S3 ${operation} failed for bucket ${this.bucket} key ${key}: ${describeError(error)}`);
    }
  }
}

/** S3 error facts that are safe to log: never the request, its headers or the credentials. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const meta = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
  const code = (error as NodeJS.ErrnoException).code;
  let text = `${error.name}: ${error.message}`;
  if (code && code !== error.name) text += ` [${code}]`;
  const facts = [];
  if (meta?.httpStatusCode) facts.push(`HTTP ${meta.httpStatusCode}`);
  if (meta?.requestId) facts.push(`request id ${meta.requestId}`);
  return facts.length > 0 ? `${text} (${facts.join(", ")})` : text;
}

function isMissingObject(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "NoSuchKey") return true;
  // HEAD responses carry no body, so a missing key is only a 404 named NotFound; a missing bucket stays an error.
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404 && error.name === "NotFound";
}

type BuildArgs = { request: unknown };

/**
 * DeleteObjects is the one S3 call that requires a body checksum. The SDK now sends CRC32 there, which older MinIO
 * and some other compatible servers refuse; Content-MD5 is what S3 always required and AWS still accepts. This is the
 * fallback AWS documents in aws-sdk-js-v3's supplemental-docs/MD5_FALLBACK.md.
 */
function contentMd5ForDeleteObjects<T extends BuildArgs, R>(
  next: (args: T) => Promise<R>,
  context: { commandName?: string },
): (args: T) => Promise<R> {
  return async (args) => {
    const request = args.request as { headers?: Record<string, string>; body?: unknown };
    if (context.commandName !== "DeleteObjectsCommand" || !request.headers) return next(args);
    const body = request.body;
    if (typeof body !== "string" && !(body instanceof Uint8Array)) return next(args);
    for (const name of Object.keys(request.headers)) {
      const lower = name.toLowerCase();
      if (lower.startsWith("x-amz-checksum-") || lower.startsWith("x-amz-sdk-checksum-")) delete request.headers[name];
    }
    request.headers["content-md5"] = createHash("md5").update(body).digest("base64");
    return next(args);
  };
}
