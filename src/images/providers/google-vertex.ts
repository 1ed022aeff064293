import { readFileSync } from "node:fs";
import { gaxios, JWT } from "google-auth-library";
import { ApiError } from "../../http/errors.js";
import { contentFiltered } from "./common.js";

const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

/** The fields of a service-account key file (GOOGLE_APPLICATION_CREDENTIALS) this adapter uses. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  project_id?: string;
  token_uri?: string;
}

/** Reads and checks a key file; the Error names the variable so a bad path stops start-up with a clear message. */
export function readServiceAccountKey(file: string): ServiceAccountKey {
  let json: Partial<ServiceAccountKey> & { type?: string };
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`GOOGLE_APPLICATION_CREDENTIALS (${file}) cannot be read: ${(error as Error).message}`);
  }
  if (json.type !== "service_account" || !json.client_email || !json.private_key) {
    throw new Error(
      `GOOGLE_APPLICATION_CREDENTIALS (${file}) is not a service-account key (type, client_email, private_key)`,
    );
  }
  return json as ServiceAccountKey;
}

/**
 * OAuth access tokens for a service account. google-auth-library signs the JWT grant and caches the token until
 * it nears expiry; it always posts to Google's token endpoint, so the key file's own `token_uri` (set for private
 * endpoints and test servers) is honoured by rewriting that one URL on the library's transport.
 */
export class ServiceAccountTokens {
  private readonly jwt: JWT;

  constructor(key: ServiceAccountKey, timeoutMs: number) {
    const transporter = new gaxios.Gaxios({ timeout: timeoutMs });
    const tokenUri = key.token_uri;
    if (tokenUri && tokenUri !== GOOGLE_TOKEN_URL) {
      transporter.interceptors.request.add({
        resolved: async (options) => {
          if (options.url.href === GOOGLE_TOKEN_URL) options.url = new URL(tokenUri);
          return options;
        },
      });
    }
    this.jwt = new JWT({
      email: key.client_email,
      key: key.private_key,
      keyId: key.private_key_id,
      scopes: [CLOUD_PLATFORM],
      transporter,
    });
  }

  async authorization(provider: string): Promise<string> {
    try {
      const { token } = await this.jwt.getAccessToken();
      if (!token) throw new Error("the token endpoint returned no access_token");
      return `Bearer ${token}`;
    } catch (error) {
      throw new ApiError(
        "PROVIDER_ERROR",
        `${provider} could not get a Google access token: ${(error as Error).message}`,
      );
    }
  }
}

/** Where Vertex AI answers: `{base}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:{method}`. */
export interface VertexTarget {
  /** VERTEX_BASE_URL; `{location}` in it is replaced. Unset: `https://{location}-aiplatform.googleapis.com`. */
  baseUrl?: string;
  project: string;
  location: string;
}

export function vertexModelUrl(target: VertexTarget, model: string, method: "predict" | "generateContent"): string {
  const base =
    target.baseUrl?.replaceAll("{location}", target.location) ??
    (target.location === "global"
      ? "https://aiplatform.googleapis.com"
      : `https://${target.location}-aiplatform.googleapis.com`);
  const path = `projects/${encodeURIComponent(target.project)}/locations/${encodeURIComponent(target.location)}`;
  return `${base}/v1/${path}/publishers/google/models/${encodeURIComponent(model)}:${method}`;
}

// Vertex and the Gemini API refuse some prompts outright with 400 INVALID_ARGUMENT and a message about the safety
// filter or Responsible AI instead of an empty, filtered answer.
const SAFETY_MESSAGE = /safety|responsible ai|sensitive words|prohibited|violat|blocked/i;

/** Google's error document `{error: {code, message, status}}` as the ApiError the port promises. */
export function googleError(provider: string, status: number, body: string): ApiError {
  let message = body.slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string; status?: string } };
    if (parsed.error?.message) message = `${parsed.error.status ?? status}: ${parsed.error.message}`;
  } catch {
    // not JSON: keep the raw text
  }
  if (status === 400 && SAFETY_MESSAGE.test(message)) return contentFiltered(provider, message);
  return new ApiError("PROVIDER_ERROR", `${provider} answered ${status}: ${message}`, { upstreamStatus: status });
}
