import { describe, expect, it } from "vitest";
import { ApiCallError, createServerApi, describeApiError } from "./server-api.ts";

function fakeFetch(status: number, body: string, seen: { url?: string; init?: RequestInit } = {}) {
  return (async (url: string, init?: RequestInit) => {
    seen.url = url;
    if (init !== undefined) seen.init = init;
    return new Response(body, { status });
  }) as unknown as typeof fetch;
}

describe("createServerApi", () => {
  it("sends the generator request with the admin token", async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const api = createServerApi(
      "http://lab",
      fakeFetch(200, '{"channel":"chat","rate":5,"payloadBytes":64,"running":true}', seen),
    );
    const state = await api.setGenerator("chat", 5, 64, "s3cret");
    expect(state.running).toBe(true);
    expect(seen.url).toBe("http://lab/api/channels/chat/generator");
    expect(seen.init?.method).toBe("POST");
    expect(seen.init?.body).toBe('{"rate":5,"payloadBytes":64}');
    const headers = seen.init?.headers as Record<string, string> | undefined;
    expect(headers?.authorization).toBe("Bearer s3cret");
  });

  it("sends no authorization header without a token", async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const api = createServerApi("", fakeFetch(200, '{"disconnected":3}', seen));
    expect(await api.disconnect("chat", "")).toBe(3);
    const headers = seen.init?.headers as Record<string, string> | undefined;
    expect(headers).toBeDefined();
    expect(headers?.authorization).toBeUndefined();
    // A POST is JSON even without a body, so that a server refusing other types accepts it.
    expect(headers?.["content-type"]).toBe("application/json");
    expect(seen.init?.body).toBe("{}");
  });

  it("asks /api/admin with the token, and answers null when the server has no such endpoint", async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const api = createServerApi("", fakeFetch(200, '{"tokenRequired":true,"authorized":false}', seen));
    expect(await api.admin("t0k")).toEqual({ tokenRequired: true, authorized: false });
    expect(seen.url).toBe("/api/admin");
    expect((seen.init?.headers as Record<string, string> | undefined)?.authorization).toBe("Bearer t0k");
    const old = createServerApi("", fakeFetch(404, '{"error":{"code":"not_found","message":"no route"}}'));
    expect(await old.admin("")).toBeNull();
    const broken = createServerApi("", fakeFetch(500, "oops"));
    await expect(broken.admin("")).rejects.toBeInstanceOf(ApiCallError);
  });

  it("turns the server's error body into an ApiCallError", async () => {
    const api = createServerApi(
      "",
      fakeFetch(401, '{"error":{"code":"unauthorized","message":"needs a token"}}'),
    );
    const error = await api.setGenerator("chat", 1, 0, "").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiCallError);
    expect((error as ApiCallError).status).toBe(401);
    expect((error as ApiCallError).code).toBe("unauthorized");
  });

  it("reports a refused connection as status 0", async () => {
    const api = createServerApi("", (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch);
    const error = (await api.metrics().catch((e: unknown) => e)) as ApiCallError;
    expect(error.status).toBe(0);
    expect(describeApiError(error)).toBe(
      "The server did not answer: it may be down or unreachable from here.",
    );
  });

  it("encodes the peek cursor", async () => {
    const seen: { url?: string } = {};
    const api = createServerApi("", fakeFetch(200, '{"cursor":"e:1","messages":[]}', seen));
    await api.peek("chat", "abc:12");
    expect(seen.url).toBe("/api/channels/chat/poll?cursor=abc%3A12");
  });
});

describe("describeApiError", () => {
  it("tells a student plainly that the token is missing", () => {
    expect(describeApiError(new ApiCallError(401, "unauthorized", "x"))).toMatch(/teacher's token/);
  });

  it("keeps the server's words for other errors", () => {
    expect(describeApiError(new ApiCallError(400, "bad_param", "rate: too big"))).toBe(
      "rate: too big (HTTP 400, bad_param)",
    );
  });
});
