/** Every `error.code` the server answers with, over HTTP or in a WebSocket `error` frame. */
export const ERROR_CODES = [
  "bad_json",
  "bad_cursor",
  "bad_channel",
  "bad_param",
  "bad_frame",
  "unauthorized",
  "forbidden_origin",
  "not_found",
  "upgrade_required",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "connection_limit",
  "channel_limit",
  "shutting_down",
  "store_unavailable",
  "internal",
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The JSON body of every HTTP error response. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}
