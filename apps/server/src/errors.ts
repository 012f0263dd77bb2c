import type { ErrorBody, ErrorCode } from "@transport-lab/protocol";

/** An error with an HTTP status and a wire error code; thrown by handlers, rendered by `app.onError`. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 413 | 426 | 429 | 500 | 503,
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
