import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * Server-side check of an AWS Signature Version 4 `Authorization` header for S3, written from AWS's "Signature
 * Version 4 signing process" and "Authenticating Requests: Using the Authorization Header" pages — independent of the
 * SDK's signer, so a request the SDK signs wrongly (or for another key, region or body) is refused.
 */
export interface SignedRequest {
  method: string;
  /** The request target as received: path and query still percent-encoded. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 15 * 60_000;

/** Returns `undefined` when the signature is valid, otherwise an S3 error code and the reason. */
export function verifySigV4(req: SignedRequest, creds: Credentials): { code: string; reason: string } | undefined {
  const header = req.headers.authorization;
  if (!header) return { code: "AccessDenied", reason: "no Authorization header" };
  const m = AUTH.exec(header);
  if (!m) return { code: "AuthorizationHeaderMalformed", reason: `not a SigV4 header: ${header.slice(0, 40)}` };
  const [, keyId, day, region, signedList, signature] = m as unknown as string[];
  if (keyId !== creds.accessKeyId) return { code: "InvalidAccessKeyId", reason: `unknown access key ${keyId}` };
  if (region !== creds.region) return { code: "AuthorizationHeaderMalformed", reason: `region ${region}` };

  const amzDate = String(req.headers["x-amz-date"] ?? "");
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day)
    return { code: "AccessDenied", reason: `bad x-amz-date ${amzDate}` };
  const when = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (Math.abs(Date.now() - when) > MAX_SKEW_MS) return { code: "RequestTimeTooSkewed", reason: amzDate };

  const payloadHash = String(req.headers["x-amz-content-sha256"] ?? "");
  if (payloadHash !== "UNSIGNED-PAYLOAD" && payloadHash !== sha256(req.body))
    return { code: "XAmzContentSHA256Mismatch", reason: "x-amz-content-sha256 does not match the body" };

  const signed = signedList!.split(";");
  for (const required of ["host", "x-amz-date", "x-amz-content-sha256"])
    if (!signed.includes(required)) return { code: "AccessDenied", reason: `${required} is not signed` };
  if (signed.some((h) => req.headers[h] === undefined))
    return { code: "AccessDenied", reason: "a signed header is missing" };

  const [rawPath = "/", rawQuery = ""] = req.url.split("?", 2) as [string, string?];
  const canonicalRequest = [
    req.method,
    rawPath
      .split("/")
      .map((s) => uriEncode(decodeURIComponent(s)))
      .join("/"),
    canonicalQuery(rawQuery),
    ...signed.map((h) => `${h}:${headerValue(req.headers[h])}`),
    "",
    signedList,
    payloadHash,
  ].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${creds.secretAccessKey}`, day!);
  for (const part of [region!, "s3", "aws4_request"]) key = hmac(key, part);
  const expected = createHmac("sha256", key).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature!, "hex")))
    return { code: "SignatureDoesNotMatch", reason: "the signature does not match" };
  return undefined;
}

function canonicalQuery(raw: string): string {
  if (raw === "") return "";
  return raw
    .split("&")
    .map((pair) => {
      const [k = "", v = ""] = pair.split("=", 2) as [string, string?];
      return [uriEncode(decodeURIComponent(k)), uriEncode(decodeURIComponent(v))] as const;
    })
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** RFC 3986 unreserved characters stay, everything else is %XX in upper case (the SigV4 rule). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function headerValue(v: string | string[] | undefined): string {
  const joined = Array.isArray(v) ? v.join(",") : (v ?? "");
  return joined.trim().replace(/\s+/g, " ");
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}
