import type { ErrorBody, ErrorCode } from "@transport-lab/protocol";

/** An error with an HTTP status and a wire error code; thrown by handlers, rendered by `app.onError`. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 413 | 415 | 426 | 429 | 500 | 503,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The JSON body every HTTP error carries. */
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/**
 * Hono answers HEAD with its GET route minus the body, which a handler that writes to Node's
 * response itself (a held stream) cannot honour: such routes answer HEAD with 404.
 */
export function refuseHead(method: string, path: string): void {
  if (method === "HEAD") throw new ApiError(404, "not_found", `no route for HEAD ${path}`);
}
