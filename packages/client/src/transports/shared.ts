import type { Json } from "@transport-lab/protocol";
import { ClientError, errorFromResponse } from "../errors.ts";
import type { HttpClient, HttpResult } from "../platform.ts";
import type { PublishResult, TransportContext } from "../transport.ts";

/** `/api/channels/<channel>/<endpoint>` with the cursor (and extra query) appended when present. */
export function channelPath(
  channel: string,
  endpoint: string,
  cursor: string | undefined,
  query = "",
): string {
  let path = `/api/channels/${channel}/${endpoint}`;
  let sep = "?";
  if (query !== "") {
    path += `?${query}`;
    sep = "&";
  }
  if (cursor !== undefined) path += `${sep}cursor=${encodeURIComponent(cursor)}`;
  return path;
}

/** `POST /api/channels/:ch/messages`; resolves with the assigned seq and cursor, rejects with a {@link ClientError}. */
export async function httpPublish(
  ctx: TransportContext,
  http: HttpClient,
  data: Json,
): Promise<PublishResult> {
  const path = `/api/channels/${ctx.channel}/messages`;
  const body = `{"data":${JSON.stringify(data)}}`;
  const sentAt = ctx.now();
  let result: HttpResult;
  try {
    result = await http.request({ method: "POST", path, body, purpose: "publish" });
  } catch (error) {
    throw new ClientError("network", (error as Error).message);
  }
  reportExchange(ctx, "POST", path, result, sentAt, `publish → ${result.status}`);
  if (result.status !== 201) throw errorFromResponse(result.status, result.body);
  const parsed = JSON.parse(result.body) as { seq?: unknown; cursor?: unknown };
  if (typeof parsed.seq !== "number" || typeof parsed.cursor !== "string") {
    throw new ClientError("bad_response", `publish answer without seq/cursor: ${result.body.slice(0, 100)}`);
  }
  return { seq: parsed.seq, cursor: parsed.cursor };
}

/** Reports one request/response pair to the wire view. */
export function reportExchange(
  ctx: TransportContext,
  method: string,
  path: string,
  result: HttpResult,
  sentAt: number,
  summary: string,
): void {
  if (!ctx.wire.enabled) return;
  ctx.wire.emit("out", "request", result.requestBytes, result.sizeSource, `${method} ${path}`, sentAt);
  ctx.wire.emit("in", "response", result.responseBytes, result.sizeSource, summary);
}
