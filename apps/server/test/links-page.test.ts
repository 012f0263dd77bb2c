import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withServer } from "./helpers.ts";

// The web build references its assets as `/assets/…` (Vite's base "/") and calls `/api/…`: served
// as is under `/link/<name>/`, the page would leave the link for everything after its HTML.

const INDEX =
  '<!doctype html><html><head><script type="module" crossorigin src="/assets/app-1.js"></script>' +
  '<link rel="stylesheet" crossorigin href="/assets/app-1.css"></head><body></body></html>';

describe("the web app under /link/<name>/", () => {
  it("is served with its assets under the link's prefix and a script that keeps its requests there", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-linked-page-"));
    try {
      mkdirSync(join(dir, "assets"));
      writeFileSync(join(dir, "index.html"), INDEX);
      writeFileSync(join(dir, "assets", "app-1.js"), "console.log(1)");
      await withServer({ staticDir: dir }, async (h) => {
        // Without a link: the file as built.
        expect(await (await fetch(`${h.url}/`)).text()).toBe(INDEX);
        for (const path of ["/link/lan/", "/link/3g/index.html", "/link/lan/compare/ws", "/link/loopback/"]) {
          const name = path.split("/")[2] as string;
          const res = await fetch(`${h.url}${path}`);
          expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
          const page = await res.text();
          expect(page, path).toContain(`src="/link/${name}/assets/app-1.js"`);
          expect(page, path).toContain(`href="/link/${name}/assets/app-1.css"`);
          expect(page, path).not.toMatch(/"\/assets\//);
          // The shim comes first in <head>, before the app's module script.
          expect(page.indexOf(`const p="/link/${name}"`), path).toBeGreaterThan(0);
          expect(page.indexOf("<script>"), path).toBeLessThan(page.indexOf('<script type="module"'));
        }
        const asset = await fetch(`${h.url}/link/lan/assets/app-1.js`);
        expect([asset.status, await asset.text()]).toEqual([200, "console.log(1)"]);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
