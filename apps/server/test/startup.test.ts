import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { AdminStatusResponse } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { expectError, post, request } from "./helpers.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

/** Starts `main.ts` as `pnpm start` would, and collects what it prints until `done` matches. */
async function start(
  env: Record<string, string>,
  done: RegExp,
): Promise<{ child: ChildProcess; out: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { ...process.env, PORT: "0", RATE_LIMIT: "0", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no match for ${done} in:\n${out}`)), 15_000);
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      out += chunk;
      if (done.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { child, out };
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });

describe("teacher token at start", () => {
  it("beyond loopback without ADMIN_TOKEN, a token is made and handed over in the teacher link", {
    timeout: 30_000,
  }, async () => {
    const { child, out } = await start({ HOST: "0.0.0.0" }, /^Student links:.*\n( {2}http\S+\n)*(?! {2})/m);
    try {
      const link = /(http:\/\/localhost:(\d+)\/#teacher=([A-Za-z0-9_-]+))/.exec(out);
      expect(link, out).not.toBeNull();
      const [, , port, token] = link as RegExpExecArray;
      const base = `http://127.0.0.1:${port}`;
      expect(out).toMatch(/^Student links:/m);
      const generator = `${base}/api/channels/chat/generator`;
      await expectError(post(generator, { rate: 0 }), 401, "unauthorized");
      expect((await post(generator, { rate: 0 }, { authorization: `Bearer ${token}` })).status).toBe(200);
      const status = await request<AdminStatusResponse>(`${base}/api/admin`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(status.body).toEqual({ tokenRequired: true, authorized: true });
      // Publishing stays open to everyone.
      expect((await post(`${base}/api/channels/chat/messages`, { data: 1 })).status).toBe(201);
    } finally {
      await stop(child);
    }
  });

  it("on loopback no token is made; a given ADMIN_TOKEN is used and never printed", {
    timeout: 30_000,
  }, async () => {
    const local = await start({ HOST: "127.0.0.1" }, /listening on (\S+)/);
    try {
      expect(local.out).not.toContain("#teacher=");
      const base = /listening on (\S+)/.exec(local.out)?.[1];
      expect((await request<AdminStatusResponse>(`${base}/api/admin`)).body).toEqual({
        tokenRequired: false,
        authorized: true,
      });
    } finally {
      await stop(local.child);
    }
    const given = await start({ HOST: "0.0.0.0", ADMIN_TOKEN: "chosen-by-teacher" }, /Admin token set/);
    try {
      expect(given.out).not.toContain("#teacher=");
      expect(given.out).not.toContain("chosen-by-teacher");
      const port = /localhost:(\d+)/.exec(given.out)?.[1];
      const status = await request<AdminStatusResponse>(`http://127.0.0.1:${port}/api/admin`, {
        headers: { authorization: "Bearer chosen-by-teacher" },
      });
      expect(status.body).toEqual({ tokenRequired: true, authorized: true });
    } finally {
      await stop(given.child);
    }
  });
});
