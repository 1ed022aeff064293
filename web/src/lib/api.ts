/** A problem+json answer (or any failed request), carrying the `detail` every error message shows. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly body?: Record<string, unknown>,
  ) {
    super(detail);
    this.name = "ApiProblem";
  }
}

let csrfToken: string | undefined;
let onUnauthorized: (() => void) | undefined;

/** The session's CSRF token, sent as X-CSRF-Token on every request that changes something. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when a request answers 401: the session ended (signed out elsewhere, key revoked, expired). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

const SAFE = new Set(["GET", "HEAD"]);

function headersFor(method: string, json: boolean): Record<string, string> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (json) headers["content-type"] = "application/json";
  if (!SAFE.has(method) && csrfToken) headers["x-csrf-token"] = csrfToken;
  return headers;
}

function problemFrom(status: number, text: string, fallback: string): ApiProblem {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const detail = typeof body.detail === "string" ? body.detail : typeof body.title === "string" ? body.title : "";
    return new ApiProblem(status, String(body.code ?? "HTTP_ERROR"), detail || fallback, body);
  } catch {
    return new ApiProblem(status, "HTTP_ERROR", fallback);
  }
}

async function failed(res: Response): Promise<ApiProblem> {
  const problem = problemFrom(res.status, await res.text(), `${res.status} ${res.statusText}`.trim());
  if (res.status === 401) onUnauthorized?.();
  return problem;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Don't treat 401 as the end of the session (the sign-in and who-am-I requests). */
  quiet401?: boolean;
  headers?: Record<string, string>;
}

/** A JSON request to the API with the session cookie; throws ApiProblem on any non-2xx answer. */
export async function api<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  return (await apiWithStatus<T>(method, path, body, options)).body;
}

/** `api`, with the answer's status (when 200 and 201 mean different things: found existing, created). */
export async function apiWithStatus<T>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<{ body: T; status: number }> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: { ...headersFor(method, body !== undefined), ...options.headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiProblem(0, "NETWORK", "The service could not be reached. Check your connection and try again.");
  }
  if (!res.ok) {
    if (res.status === 401 && options.quiet401) throw problemFrom(401, await res.text(), "Not signed in");
    throw await failed(res);
  }
  if (res.status === 204) return { body: undefined as T, status: 204 };
  const type = res.headers.get("content-type") ?? "";
  return { body: (type.includes("json") ? await res.json() : await res.text()) as T, status: res.status };
}

/**
 * A multipart upload through XMLHttpRequest, because fetch cannot report upload progress. `onProgress` gets the
 * fraction of the body sent so far; `done` the answer and its status (200 and 201 can mean different things).
 */
export function upload<T>(
  path: string,
  form: FormData,
  onProgress: (fraction: number) => void,
): { done: Promise<{ body: T; status: number }>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<{ body: T; status: number }>((resolve, reject) => {
    xhr.open("POST", path);
    xhr.withCredentials = true;
    xhr.setRequestHeader("accept", "application/json");
    if (csrfToken) xhr.setRequestHeader("x-csrf-token", csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        try {
          resolve({ body: JSON.parse(xhr.responseText) as T, status: xhr.status });
        } catch {
          resolve({ body: undefined as T, status: xhr.status });
        }
        return;
      }
      if (xhr.status === 401) onUnauthorized?.();
      reject(problemFrom(xhr.status, xhr.responseText, `${xhr.status} ${xhr.statusText}`.trim()));
    };
    xhr.onerror = () => reject(new ApiProblem(0, "NETWORK", "The upload failed: the service could not be reached."));
    xhr.onabort = () => reject(new ApiProblem(0, "ABORTED", "The upload was cancelled."));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

/** The message to show for anything a request threw. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiProblem) return error.detail;
  if (error instanceof Error) return error.message;
  return String(error);
}
