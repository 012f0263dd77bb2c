import { channelPath, decodePublishAnswer, type Json } from "@transport-lab/protocol";
import { ClientError, errorFromResponse } from "../errors.ts";
import type { HttpClient, HttpResult } from "../platform.ts";
import type { PublishResult, TransportContext } from "../transport.ts";

/** `POST /api/channels/:ch/messages`; resolves with the assigned seq and cursor, rejects with a {@link ClientError}. */
export async function httpPublish(
  ctx: TransportContext,
  http: HttpClient,
  data: Json,
): Promise<PublishResult> {
  const path = channelPath(ctx.channel, "messages");
  const body = `{"data":${JSON.stringify(data)}}`;
  const sentAt = ctx.now();
  let result: HttpResult;
  try {
    result = await http.request({ method: "POST", path, body, purpose: "publish" });
  } catch (error) {
    throw new ClientError("network", (error as Error).message);
  }
  ctx.link.exchange("POST", path, result, sentAt, `publish → ${result.status}`);
  if (result.status !== 201) throw errorFromResponse(result.status, result.body);
  const answer = decodePublishAnswer(result.body);
  if (!answer.ok) throw new ClientError("bad_response", `publish answer: ${answer.error}`);
  return { seq: answer.value.seq, cursor: answer.value.cursor };
}
