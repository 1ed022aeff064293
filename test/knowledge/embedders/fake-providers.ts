import { generateKeyPairSync, type KeyObject, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { countTokens } from "gpt-tokenizer/encoding/cl100k_base";
import { FakeHttpServer, jsonError, type RecordedRequest, type Reply } from "./fake-http.js";
import { fakeVector } from "./fake-vectors.js";

const HOLD = "[hold]";
const PLAIN = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };

/**
 * OpenAI `POST /v1/embeddings` as documented: Bearer key, `input` an array of 1–2,048 non-empty strings of at most
 * 8,191 tokens and 300,000 in all (cl100k_base), `dimensions` shortening the vector, `encoding_format` float or
 * base64 (little-endian float32). Answers `data` in reverse index order, so a client must order by `index`.
 */
export function fakeOpenAI(apiKey = "sk-test"): FakeHttpServer {
  const server = new FakeHttpServer();
  server.route(/^\/v1\/embeddings$/, (req) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) return jsonError(401, "Incorrect API key provided");
    const body = req.json as { model?: string; input?: unknown; dimensions?: number; encoding_format?: string };
    const input = body?.input;
    if (!Array.isArray(input) || input.length === 0 || input.length > 2048)
      return jsonError(400, "input must be 1-2048 items");
    if (input.some((t) => typeof t !== "string" || t.length === 0)) return jsonError(400, "'$.input' is invalid");
    const tokens = input.map((t: string) => countTokens(t, PLAIN));
    if (tokens.some((n) => n > 8191)) return jsonError(400, "This model's maximum context length is 8192 tokens");
    if (tokens.reduce((a, b) => a + b, 0) > 300_000)
      return jsonError(400, "Requested 300001+ tokens, max 300000 tokens per request");
    if (input.some((t: string) => t.includes(HOLD))) return "hold";
    const native = body.model === "text-embedding-3-large" ? 3072 : 1536;
    const dims = body.dimensions ?? native;
    const data = input.map((text: string, index: number) => {
      const v = Float32Array.from(fakeVector(text, dims, body.model));
      const n = Math.hypot(...v);
      const unit = v.map((x) => x / n); // OpenAI's vectors are unit length already
      const embedding =
        body.encoding_format === "base64" ? Buffer.from(unit.buffer).toString("base64") : Array.from(unit);
      return { object: "embedding", index, embedding };
    });
    return {
      status: 200,
      body: { object: "list", data: data.reverse(), model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } },
    };
  });
  return server;
}

/** Google's OAuth token endpoint: checks the JWT-bearer grant's RS256 signature and claims, issues a token. */
export interface FakeOAuth {
  grants: { header: Record<string, unknown>; claims: Record<string, unknown> }[];
  token: string;
}

function oauthHandler(publicKey: KeyObject, clientEmail: string, oauth: FakeOAuth) {
  return (req: RecordedRequest): Reply => {
    const form = new URLSearchParams(req.body);
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      return { status: 400, body: { error: "unsupported_grant_type" } };
    }
    const [h, c, s] = (form.get("assertion") ?? "").split(".");
    if (!h || !c || !s) return { status: 400, body: { error: "invalid_grant", error_description: "malformed JWT" } };
    const valid = verify("RSA-SHA256", Buffer.from(`${h}.${c}`), publicKey, Buffer.from(s, "base64url"));
    const header = JSON.parse(Buffer.from(h, "base64url").toString()) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(c, "base64url").toString()) as Record<string, unknown>;
    const now = Date.now() / 1000;
    const ok =
      valid &&
      header.alg === "RS256" &&
      claims.iss === clientEmail &&
      claims.aud === "https://oauth2.googleapis.com/token" &&
      String(claims.scope).split(" ").includes("https://www.googleapis.com/auth/cloud-platform") &&
      typeof claims.exp === "number" &&
      claims.exp > now;
    if (!ok) return { status: 400, body: { error: "invalid_grant", error_description: "Invalid JWT Signature." } };
    oauth.grants.push({ header, claims });
    return { status: 200, body: { access_token: oauth.token, expires_in: 3599, token_type: "Bearer" } };
  };
}

export interface FakeGoogle {
  server: FakeHttpServer;
  url: string;
  oauth: FakeOAuth;
  /** A service-account key file whose token_uri is this server's `/token`. */
  keyFile: string;
  keyId: string;
  clientEmail: string;
  close(): Promise<void>;
}

const NATIVE: Record<string, number> = { "gemini-embedding-001": 3072, "text-embedding-005": 768 };

/** A Vertex AI embedding vector as the fake sends it: derived from text and task type, scaled off unit length. */
export const vertexValues = (text: string, taskType: string, dims: number) =>
  fakeVector(text, dims, taskType).map((x) => x * 3);

/**
 * Vertex AI `…/publishers/google/models/{model}:predict` and its OAuth token endpoint, on one server: Bearer token
 * from `/token`; `instances[{content, task_type}]`, one per request for gemini-embedding models and at most 250
 * otherwise; `parameters.outputDimensionality` shortens the vector; `predictions[].embeddings.values`.
 */
export async function fakeVertex(): Promise<FakeGoogle> {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const oauth: FakeOAuth = { grants: [], token: "ya29.fake-access-token" };
  const clientEmail = "embedder@test-project.iam.gserviceaccount.com";
  const server = new FakeHttpServer();
  server.route(/^\/token$/, oauthHandler(publicKey, clientEmail, oauth));
  server.route(/^\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/[^/:]+:predict$/, (req) => {
    if (req.headers.authorization !== `Bearer ${oauth.token}`)
      return jsonError(401, "Request had invalid authentication credentials.", { status: "UNAUTHENTICATED" });
    const model = /models\/([^/:]+):predict$/.exec(req.path)![1]!;
    const body = req.json as {
      instances?: { content?: unknown; task_type?: unknown }[];
      parameters?: { outputDimensionality?: number; autoTruncate?: boolean };
    };
    const instances = body?.instances;
    if (!Array.isArray(instances) || instances.length === 0)
      return jsonError(400, "instances is required", { status: "INVALID_ARGUMENT" });
    const limit = model.startsWith("gemini-embedding") ? 1 : 250;
    if (instances.length > limit)
      return jsonError(
        400,
        `Unable to submit request because the model supports up to ${limit} instances per request`,
        { status: "INVALID_ARGUMENT" },
      );
    if (
      instances.some(
        (i) =>
          typeof i.content !== "string" || !["RETRIEVAL_DOCUMENT", "RETRIEVAL_QUERY"].includes(String(i.task_type)),
      )
    ) {
      return jsonError(400, "Invalid instance", { status: "INVALID_ARGUMENT" });
    }
    if (instances.some((i) => String(i.content).includes(HOLD))) return "hold";
    const dims = body.parameters?.outputDimensionality ?? NATIVE[model] ?? 768;
    const predictions = instances.map((i) => ({
      embeddings: {
        values: vertexValues(String(i.content), String(i.task_type), dims),
        statistics: { token_count: 3, truncated: false },
      },
    }));
    return { status: 200, body: { predictions, metadata: { billableCharacterCount: 10 } } };
  });
  const url = await server.listen();
  const dir = mkdtempSync(path.join(os.tmpdir(), "fake-vertex-"));
  const keyFile = path.join(dir, "service-account.json");
  const keyId = "0123456789abcdef";
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: "service_account",
      project_id: "test-project",
      private_key_id: keyId,
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
      client_email: clientEmail,
      client_id: "1",
      token_uri: `${url}/token`,
    }),
  );
  return {
    server,
    url,
    oauth,
    keyFile,
    keyId,
    clientEmail,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Gemini API embedding vector as the fake sends it. */
export const geminiValues = (text: string, taskType: string, dims: number) =>
  fakeVector(text, dims, `gemini:${taskType}`).map((x) => x * 2);

/**
 * The Gemini API's `v1beta/models/{model}:batchEmbedContents`: `x-goog-api-key`, at most 100 `requests` each naming
 * `models/{model}`, `content.parts[].text`, `taskType`, `outputDimensionality`; answers `embeddings[].values`.
 */
export function fakeGemini(apiKey = "gemini-test-key"): FakeHttpServer {
  const server = new FakeHttpServer();
  server.route(/^\/v1beta\/models\/[^/:]+:batchEmbedContents$/, (req) => {
    if (req.headers["x-goog-api-key"] !== apiKey)
      return jsonError(400, "API key not valid. Please pass a valid API key.", { status: "INVALID_ARGUMENT" });
    const model = /models\/([^/:]+):batchEmbedContents$/.exec(req.path)![1]!;
    const body = req.json as {
      requests?: {
        model?: string;
        content?: { parts?: { text?: string }[] };
        taskType?: string;
        outputDimensionality?: number;
      }[];
    };
    const requests = body?.requests;
    if (!Array.isArray(requests) || requests.length === 0)
      return jsonError(400, "requests is required", { status: "INVALID_ARGUMENT" });
    if (requests.length > 100)
      return jsonError(400, "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch", {
        status: "INVALID_ARGUMENT",
      });
    if (requests.some((r) => r.model !== `models/${model}`))
      return jsonError(400, "model in request does not match the batch model", { status: "INVALID_ARGUMENT" });
    const texts = requests.map((r) => r.content?.parts?.map((p) => p.text ?? "").join("") ?? "");
    if (texts.some((t) => t.includes(HOLD))) return "hold";
    const embeddings = requests.map((r, i) => ({
      values: geminiValues(
        texts[i]!,
        r.taskType ?? "TASK_TYPE_UNSPECIFIED",
        r.outputDimensionality ?? NATIVE[model] ?? 768,
      ),
    }));
    return { status: 200, body: { embeddings } };
  });
  return server;
}

/** All three fakes on loopback, for the benchmark. */
export async function startFakeProviders() {
  const openai = fakeOpenAI();
  const gemini = fakeGemini();
  const vertex = await fakeVertex();
  const [openaiUrl, geminiUrl] = await Promise.all([openai.listen(), gemini.listen()]);
  return {
    openaiUrl: `${openaiUrl}/v1`,
    openaiKey: "sk-test",
    geminiUrl,
    geminiKey: "gemini-test-key",
    vertexUrl: vertex.url,
    serviceAccountKeyFile: vertex.keyFile,
    close: async () => {
      await Promise.all([openai.close(), gemini.close(), vertex.close()]);
    },
  };
}
