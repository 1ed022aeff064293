/** An RFC 9457 problem document as the service writes it: `code` is one of a closed list (docs/api.md). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  requestId?: string;
  [extra: string]: unknown;
}

/** What the service refused, or a failure of the connection (`status` 0, `code` "NETWORK"). */
export class ApiCreditsError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ApiCreditsError";
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
  }

  /** The balance could not cover the operation: buying credits helps (a spend limit is `SPEND_LIMIT_REACHED`). */
  get insufficientCredits(): boolean {
    return this.code === "INSUFFICIENT_CREDITS";
  }

  static async fromResponse(response: Response): Promise<ApiCreditsError> {
    const text = await response.text().catch(() => "");
    let body: Partial<Problem> = {};
    try {
      body = JSON.parse(text) as Partial<Problem>;
    } catch {
      // not a problem document (a proxy's error page): keep what the status says
    }
    return new ApiCreditsError({
      ...body,
      type: body.type ?? "about:blank",
      title: body.title ?? response.statusText,
      status: body.status ?? response.status,
      code: body.code ?? `HTTP_${response.status}`,
      detail: body.detail ?? (text.slice(0, 500) || response.statusText),
    });
  }
}
