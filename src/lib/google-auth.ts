import { readFileSync } from "node:fs";
import { gaxios, JWT } from "google-auth-library";
import { ApiError } from "../errors.js";

const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

/** The fields of a service-account JSON key (GOOGLE_APPLICATION_CREDENTIALS) that Vertex AI needs. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  project_id?: string;
  token_uri?: string;
}

/** Reads a key file, with an Error that names the variable so a bad path stops start-up plainly. */
export function readServiceAccountKey(file: string): ServiceAccountKey {
  let json: Partial<ServiceAccountKey> & { type?: string };
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as typeof json;
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
 * OAuth access tokens for a service account: google-auth-library signs the JWT-bearer grant and caches the token
 * until it nears expiry. The library always posts to Google's token URL, so a key whose `token_uri` points
 * elsewhere (private endpoints, test servers) is honoured by rewriting that one URL on its transport.
 */
export class ServiceAccountTokens {
  private readonly jwt: JWT;

  constructor(key: ServiceAccountKey, timeoutMs = 30_000) {
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

  /** `Bearer <token>`; a refused grant is the provider's failure, not the caller's. */
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
