import { ApiError } from "../../errors.js";
import { contentFiltered } from "./common.js";

export { readServiceAccountKey, type ServiceAccountKey, ServiceAccountTokens } from "../../lib/google-auth.js";

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
