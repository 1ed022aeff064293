import { generateKeyPairSync, type KeyObject, verify } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Recorded, Reply, Rules } from "./server.js";

/** A freshly generated service-account key (node:crypto) whose token_uri points at the fake's /token. */
export interface FakeServiceAccount {
  file: string;
  email: string;
  publicKey: KeyObject;
  issued: Set<string>;
}

export function writeServiceAccountKey(dir: string, tokenUri: string, project = "fake-project"): FakeServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const email = "images@fake-project.iam.gserviceaccount.com";
  const file = path.join(dir, "service-account.json");
  writeFileSync(
    file,
    JSON.stringify({
      type: "service_account",
      project_id: project,
      private_key_id: "fake-key-1",
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
      client_email: email,
      client_id: "1234567890",
      auth_uri: "https://accounts.google.com/o/oauth2/auth",
      token_uri: tokenUri,
    }),
  );
  return { file, email, publicKey, issued: new Set() };
}

/**
 * Google's OAuth token endpoint for the JWT-bearer grant: a form body with grant_type and an RS256 assertion
 * signed by the service account's key, whose claims name the account and the cloud-platform scope.
 */
export function answerTokenRequest(req: Recorded, account: FakeServiceAccount, rules: Rules): Reply {
  rules.check(req.method === "POST", "token: must be POST");
  rules.check(
    String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded"),
    "token: body must be form-urlencoded",
  );
  const form = new URLSearchParams(req.body.toString("utf8"));
  rules.check(
    form.get("grant_type") === "urn:ietf:params:oauth:grant-type:jwt-bearer",
    `token: grant_type is ${form.get("grant_type")}`,
  );
  const [header, payload, signature] = (form.get("assertion") ?? "").split(".");
  if (!header || !payload || !signature) return { status: 400, body: { error: "invalid_grant" } };
  const signed = verify(
    "RSA-SHA256",
    Buffer.from(`${header}.${payload}`),
    account.publicKey,
    Buffer.from(signature, "base64url"),
  );
  rules.check(signed, "token: the assertion is not signed by the service account's key");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  const alg = (JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: string }).alg;
  rules.check(alg === "RS256", `token: alg is ${alg}`);
  rules.check(claims.iss === account.email, `token: iss is ${String(claims.iss)}`);
  rules.check(
    String(claims.scope).includes("https://www.googleapis.com/auth/cloud-platform"),
    "token: scope lacks cloud-platform",
  );
  rules.check(Number(claims.exp) > Number(claims.iat), "token: exp must follow iat");
  const token = `ya29.fake-${account.issued.size + 1}`;
  account.issued.add(token);
  return { status: 200, body: { access_token: token, expires_in: 3600, token_type: "Bearer" } };
}
