import { isApiError } from "../errors.js";
import { checkUrl, type GuardDeps } from "../http/outbound/address-guard.js";
import { type Connector, pinnedConnector, requestPinned } from "../http/outbound/pinned-request.js";

/** The outcome of one POST: the response status, or why there was none (in words a customer reads). */
export interface PostResult {
  responseStatus: number | null;
  error: string | null;
  latencyMs: number;
}

/** The guard's policy and seams for webhook deliveries. */
export interface WebhookNetwork extends GuardDeps {
  connect?: Connector;
}

const defaultConnector = pinnedConnector();
const USER_AGENT = "api-credits-webhooks/1";

/**
 * POSTs a signed delivery through the crawler's address guard: the host is resolved once, every address is checked,
 * and the connection is pinned to a checked address (a DNS answer that changes between check and connect cannot
 * reach a private address). Redirects are not followed; any answer but 2xx is a failure. Never throws.
 */
export async function postWebhook(input: {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  network: WebhookNetwork;
}): Promise<PostResult> {
  const started = performance.now();
  const signal = AbortSignal.timeout(input.timeoutMs);
  const elapsed = () => Math.round(performance.now() - started);
  const body = Buffer.from(input.body, "utf8");
  try {
    const target = await checkUrl(input.url, { ...input.network, anyPort: true }, signal);
    const { req, res } = await requestPinned(
      target,
      input.network.connect ?? defaultConnector,
      {
        "user-agent": USER_AGENT,
        "content-type": "application/json",
        "content-length": String(body.length),
        ...input.headers,
      },
      signal,
      { method: "POST", body },
    );
    const status = res.statusCode ?? 0;
    // The answer's body is not needed: only the status decides.
    res.destroy();
    req.destroy();
    return {
      responseStatus: status,
      error: status >= 200 && status < 300 ? null : `answered ${status}`,
      latencyMs: elapsed(),
    };
  } catch (error) {
    let why: string;
    if (isApiError(error)) why = error.message;
    else if (signal.aborted) why = `no answer within ${Math.round(input.timeoutMs / 1000)} s`;
    else why = `could not connect (${(error as { code?: string }).code ?? (error as Error).message})`;
    return { responseStatus: null, error: why.slice(0, 500), latencyMs: elapsed() };
  }
}
