import type { AdminStatusResponse } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { expectError, from, type Harness, JSON_HEADERS, post, withServer } from "./helpers.ts";

/** A POST as a browser on `origin` would send it, with `Host` as the browser's URL had it. */
function postAs(h: Harness, path: string, origin: string | undefined, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...JSON_HEADERS, ...extra };
  if (origin !== undefined) headers.origin = origin;
  return from("127.0.0.1")(`${h.url}${path}`, { method: "POST", headers, body: '{"data":1,"rate":0}' });
}

describe("cross-site requests", () => {
  it("a body that is not declared application/json is 415 unsupported_media_type", async () => {
    await withServer({}, async (h) => {
      const url = h.channelUrl("chat", "messages");
      const send = (contentType: string | undefined) =>
        from("127.0.0.1")(url, {
          method: "POST",
          headers: contentType === undefined ? {} : { "content-type": contentType },
          body: '{"data":"x"}',
        });
      // What an HTML form or a "simple" fetch from any page can send without a preflight:
      for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"]) {
        await expectError(send(type), 415, "unsupported_media_type");
      }
      await expectError(send("multipart/form-data; boundary=x"), 415, "unsupported_media_type");
      await expectError(send(undefined), 415, "unsupported_media_type");
      await expectError(send("application/jsonx"), 415, "unsupported_media_type");
      await expectError(
        post(h.channelUrl("chat", "generator"), "{}", { "content-type": "text/plain" }),
        415,
        "unsupported_media_type",
      );
      expect((await send("application/json")).status).toBe(201);
      expect((await send("Application/JSON; charset=utf-8")).status).toBe(201);
      expect((await h.info("chat")).seq).toBe(2);
    });
  });

  it("state-changing requests from a foreign Origin are 403 forbidden_origin; own and allowed ones pass", async () => {
    await withServer({}, async (h) => {
      const own = h.url;
      const port = h.server.port;
      for (const path of [
        "/api/channels/chat/messages",
        "/api/channels/chat/generator",
        "/api/channels/chat/disconnect",
      ]) {
        await expectError(postAs(h, path, "https://evil.example"), 403, "forbidden_origin");
        await expectError(postAs(h, path, "null"), 403, "forbidden_origin");
        await expectError(postAs(h, path, `http://127.0.0.1:${port + 1}`), 403, "forbidden_origin");
        // DNS rebinding: a foreign name pointed at this machine; Host and Origin agree, the name is not ours.
        const rebind = `rebind.evil.example:${port}`;
        await expectError(postAs(h, path, `http://${rebind}`, { host: rebind }), 403, "forbidden_origin");
        // The server's own page (by address or as localhost), and non-browser clients (no Origin), pass.
        expect((await postAs(h, path, own)).status).toBeLessThan(300);
        const local = `localhost:${port}`;
        expect((await postAs(h, path, `http://${local}`, { host: local })).status).toBeLessThan(300);
        expect((await postAs(h, path, undefined)).status).toBeLessThan(300);
      }
      expect((await h.info("chat")).seq).toBe(3);
    });
    await withServer({ allowedOrigins: ["https://lab.example"] }, async (h) => {
      expect((await postAs(h, "/api/channels/chat/messages", "https://lab.example")).status).toBe(201);
      await expectError(
        postAs(h, "/api/channels/chat/messages", "https://lab.example.evil"),
        403,
        "forbidden_origin",
      );
    });
  });
});

describe("a page reached under a name the server does not know (port forwarding, a proxy, DNS)", () => {
  it("gets a 403 that says which ALLOWED_ORIGINS to set, and passes once it is set", async () => {
    const forwarded = "school.example:8080";
    const message = (h: Harness) =>
      postAs(h, "/api/channels/chat/messages", `http://${forwarded}`, { host: forwarded }).then(
        (r) => r as { status: number; body: { error: { code: string; message: string } } },
      );
    await withServer({}, async (h) => {
      const r = await message(h);
      expect([r.status, r.body.error.code]).toEqual([403, "forbidden_origin"]);
      expect(r.body.error.message).toContain(`start the server with ALLOWED_ORIGINS=http://${forwarded}`);
      // A foreign page (its Origin is not the Host it sent to) is not told to allow itself.
      const foreign = (await postAs(h, "/api/channels/chat/messages", "https://evil.example")) as {
        body: { error: { message: string } };
      };
      expect(foreign.body.error.message).toBe(
        "origin https://evil.example may not change anything here: it is neither this server's own nor in ALLOWED_ORIGINS",
      );
    });
    await withServer({ allowedOrigins: [`http://${forwarded}`] }, async (h) => {
      expect((await message(h)).status).toBe(201);
    });
  });
});

describe("teacher token", () => {
  const admin = (h: Harness, address: string, token?: string) =>
    from(address)<AdminStatusResponse>(`${h.url}/api/admin`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  it("GET /api/admin tells a missing token from a wrong one; admin endpoints stay 401", async () => {
    await withServer({}, async (h) => {
      expect((await admin(h, "127.0.0.1")).body).toEqual({ tokenRequired: false, authorized: true });
      expect((await admin(h, "127.0.0.1", "anything")).body).toEqual({
        tokenRequired: false,
        authorized: true,
      });
    });
    await withServer({ adminToken: "s3cret-token" }, async (h) => {
      const none = await admin(h, "127.0.0.1");
      expect({ status: none.status, body: none.body }).toEqual({
        status: 200,
        body: { tokenRequired: true, authorized: false },
      });
      expect(none.headers.get("cache-control")).toBe("no-store");
      expect((await admin(h, "127.0.0.1", "wrong")).body).toEqual({ tokenRequired: true, authorized: false });
      expect((await admin(h, "127.0.0.1", "s3cret-token")).body).toEqual({
        tokenRequired: true,
        authorized: true,
      });
      // A prefix, or the token without "Bearer ", is wrong.
      expect((await admin(h, "127.0.0.1", "s3cret")).body.authorized).toBe(false);
      const bare = await from("127.0.0.1")<AdminStatusResponse>(`${h.url}/api/admin`, {
        headers: { authorization: "s3cret-token" },
      });
      expect(bare.body.authorized).toBe(false);
      const disconnect = h.channelUrl("chat", "disconnect");
      await expectError(post(disconnect, ""), 401, "unauthorized");
      await expectError(post(disconnect, "", { authorization: "Bearer wrong" }), 401, "unauthorized");
      expect((await post(disconnect, "", { authorization: "Bearer s3cret-token" })).status).toBe(200);
    });
  });

  it("wrong tokens are rate limited per address; the right one is never refused", async () => {
    await withServer({ adminToken: "right" }, async (h) => {
      for (let i = 0; i < 20; i++) {
        expect((await admin(h, "127.0.0.2", `guess-${i}`)).body.authorized).toBe(false);
      }
      // Out of guesses: more wrong tokens are 429, for the status and for the endpoints alike.
      await expectError(admin(h, "127.0.0.2", "guess-20"), 429, "rate_limited");
      const generator = (authorization: string) =>
        from("127.0.0.2")(h.channelUrl("chat", "generator"), {
          method: "POST",
          headers: { ...JSON_HEADERS, authorization },
          body: '{"rate":0}',
        });
      await expectError(generator("Bearer guess-21"), 429, "rate_limited");
      // The teacher behind the same (NAT) address still gets in, and is not counted as a guess.
      expect((await admin(h, "127.0.0.2", "right")).body).toEqual({ tokenRequired: true, authorized: true });
      expect((await generator("Bearer right")).status).toBe(200);
      // Asking without a token is no guess; other addresses are not affected.
      expect((await admin(h, "127.0.0.2")).status).toBe(200);
      expect((await admin(h, "127.0.0.3", "wrong")).body.authorized).toBe(false);
    });
  });

  it("takes the Bearer scheme in any case (RFC 7235), and nothing but Bearer", async () => {
    await withServer({ adminToken: "s3cret-token" }, async (h) => {
      const status = async (authorization: string) =>
        (
          await from("127.0.0.1")<AdminStatusResponse>(`${h.url}/api/admin`, {
            headers: { authorization },
          })
        ).body.authorized;
      for (const scheme of ["Bearer", "bearer", "BEARER", "bEaReR"]) {
        expect(await status(`${scheme} s3cret-token`)).toBe(true);
      }
      expect(await status("Bearer   s3cret-token")).toBe(true);
      for (const wrong of [
        "Basic s3cret-token",
        "Bearers3cret-token",
        "Token s3cret-token",
        "s3cret-token",
      ]) {
        expect(await status(wrong)).toBe(false);
      }
    });
  });
});
