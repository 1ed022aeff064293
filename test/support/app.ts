import { rmSync } from "node:fs";
import { type AppOverrides, createApp, type RunningApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { randomChars } from "../../src/lib/ids.js";
import { dropSchema, type Engine, PG_URL, tempDir } from "./db.js";
import { eventually } from "./eventually.js";

export const ADMIN_TOKEN = "test-admin-token-0123456789";
export const WEBHOOK_SECRET = "whsec_test_secret_for_signatures";

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestApp {
  engine: Engine;
  url: string;
  running: RunningApp;
  dataDir: string;
  /** The environment this app was started with: start another process on the same database with it. */
  env: Record<string, string>;
  api<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  admin<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string | Buffer | FormData;
  headers?: Record<string, string>;
}

export async function request<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: BodyInit | undefined;
  if (options.rawBody !== undefined) body = options.rawBody as BodyInit;
  else if (options.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(options.body);
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("json") && text) parsed = JSON.parse(text);
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** The real app on a random loopback port, on a fresh SQLite DATA_DIR or a fresh PostgreSQL schema. */
export async function startTestApp(
  engine: Engine,
  extraEnv: Record<string, string> = {},
  overrides: AppOverrides = {},
): Promise<TestApp> {
  const dataDir = tempDir();
  const schema = engine === "postgres" ? `t_${randomChars(12)}` : undefined;
  const env: Record<string, string> = {
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    // Unexpected 500s log their stack at "error": the output of a failing run then says what broke.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "error",
    ADMIN_TOKEN,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...(schema ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {}),
    ...extraEnv,
  };
  const running = await createApp(loadConfig(env), overrides);
  const url = await running.listen();
  const api = <T>(method: string, path: string, options?: RequestOptions) => request<T>(url, method, path, options);
  return {
    engine,
    url,
    running,
    dataDir,
    env,
    api,
    admin: (method, path, body) => api(method, path, { token: ADMIN_TOKEN, body }),
    async close() {
      await running.close();
      if (schema) await dropSchema(schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestCustomer {
  accountId: string;
  licenseId: string;
  licenseKey: string;
  apiKey: string;
  siteId: string;
}

/** An operator issues a licence; the customer activates it on a site. */
export async function newCustomer(app: TestApp, plan: "personal" | "agency" = "personal"): Promise<TestCustomer> {
  const email = `c${randomChars(10)}@example.com`;
  const lic = await app.admin("POST", "/v1/admin/licenses", { email, plan });
  if (lic.status !== 201) throw new Error(`licence: ${lic.status} ${JSON.stringify(lic.body)}`);
  const act = await app.api("POST", "/v1/activations", {
    body: { licenseKey: lic.body.key, siteUrl: `https://${randomChars(8)}.example.com` },
  });
  if (act.status !== 201) throw new Error(`activation: ${act.status} ${JSON.stringify(act.body)}`);
  return {
    accountId: lic.body.accountId,
    licenseId: lic.body.id,
    licenseKey: lic.body.key,
    apiKey: act.body.apiKey,
    siteId: act.body.siteId,
  };
}

export async function grant(app: TestApp, accountId: string, credits: number): Promise<void> {
  const r = await app.admin("POST", `/v1/admin/accounts/${accountId}/grants`, { credits, reason: "test" });
  if (r.status !== 201) throw new Error(`grant: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Waits for a background document (upload or crawl) to end, ready or failed; returns what the API says of it. */
export function finishedDocument(
  app: TestApp,
  c: TestCustomer,
  path: { knowledgeBaseId: string; documentId: string },
  timeoutMs = 120_000,
): Promise<any> {
  const url = `/v1/knowledge-bases/${path.knowledgeBaseId}/documents/${path.documentId}`;
  return eventually(
    async () => {
      const doc = (await app.api("GET", url, { token: c.apiKey })).body;
      return (doc.status === "ready" || doc.status === "failed") && doc;
    },
    { what: `document ${path.documentId} to end`, timeoutMs },
  );
}
