import { execFileSync } from "node:child_process";
import https from "node:https";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.js";
import { tempDir } from "../support/db.js";

describe("HTTPS served by the service itself", () => {
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
  });

  it("serves TLS with TLS_CERT_FILE and TLS_KEY_FILE", async () => {
    const dir = tempDir("apic-tls-");
    const cert = path.join(dir, "cert.pem");
    const key = path.join(dir, "key.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout",
        key,
        "-out",
        cert,
      ],
      { stdio: "ignore" },
    );
    app = await startTestApp("sqlite", { TLS_CERT_FILE: cert, TLS_KEY_FILE: key });
    expect(app.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = (await import("node:fs")).readFileSync(cert);
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${app!.url}/healthz`, { ca }, (res) => {
          let data = "";
          res.on("data", (c) => {
            data += c;
          });
          res.on("end", () => resolve(data));
        })
        .on("error", reject);
    });
    expect(JSON.parse(body).status).toBe("ok");
  });
});
