import { decodeErrorBody, type ErrorCode } from "@transport-lab/protocol";

/** Codes of errors the client raises itself, beside the server's {@link ErrorCode}s. */
export type ClientErrorCode =
  | ErrorCode
  /** A WebSocket publish or ping needs an open connection. */
  | "not_open"
  /** The client (or the transport) was closed before an answer came. */
  | "closed"
  /** The connection dropped before the server acknowledged. */
  | "connection_lost"
  /** The server's answer was not what the protocol says. */
  | "bad_response"
  /** The request failed below HTTP (refused, reset, aborted). */
  | "network";

/** An error with a machine-readable code and, for HTTP answers, the status. */
export class ClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly status: number | undefined = undefined,
  ) {
    super(message);
    this.name = "ClientError";
  }
}

/** Builds the error for a non-2xx answer from its `{"error":{code,message}}` body when it has one. */
export function errorFromResponse(status: number, body: string): ClientError {
  // Not JSON (a proxy's page, a refused upgrade): the status alone.
  const decoded = decodeErrorBody(body);
  return decoded.ok
    ? new ClientError(decoded.value.error.code, decoded.value.error.message, status)
    : new ClientError("bad_response", `HTTP ${status}`, status);
}

/** True for answers that retrying cannot fix (4xx other than 408 and 429). */
export function isFatalStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}
