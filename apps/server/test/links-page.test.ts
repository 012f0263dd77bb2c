import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withServer } from "./helpers.ts";

// The web build references its assets relatively (`./assets/…`, Vite's base "./") and takes the
// link it was opened under from its own path (apps/web page-base.ts): the server serves the same
// page at the root and under `/link/<name>/`, unchanged.

const INDEX =
  '<!doctype html><html><head><script type="module" crossorigin src="./assets/app-1.js"></script>' +
  '<link rel="stylesheet" crossorigin href="./assets/app-1.css"></head><body></body></html>';

describe("the web app under /link/<name>/", () => {
  it("is the same page, its relative assets found under the link's prefix", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-linked-page-"));
    try {
      mkdirSync(join(dir, "assets"));
      writeFileSync(join(dir, "index.html"), INDEX);
      writeFileSync(join(dir, "assets", "app-1.js"), "console.log(1)");
      await withServer({ staticDir: dir }, async (h) => {
        expect(await (await fetch(`${h.url}/`)).text()).toBe(INDEX);
        for (const path of ["/link/lan/", "/link/3g/index.html", "/link/loopback/?channel=x"]) {
          const res = await fetch(`${h.url}${path}`);
          expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
          expect(await res.text(), path).toBe(INDEX);
        }
        for (const link of ["lan", "3g"]) {
          const asset = await fetch(`${h.url}/link/${link}/assets/app-1.js`);
          expect([asset.status, await asset.text()], link).toEqual([200, "console.log(1)"]);
        }
        // `/link/<name>` without its slash would resolve `./assets/` outside the link: it is sent to the slash.
        for (const [from, to] of [
          ["/link/lan", "/link/lan/"],
          ["/link/lan?channel=x&vs=socketio", "/link/lan/?channel=x&vs=socketio"],
        ] as const) {
          const res = await fetch(`${h.url}${from}`, { redirect: "manual" });
          expect([res.status, res.headers.get("location")], from).toEqual([308, to]);
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
