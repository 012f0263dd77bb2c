import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));

/** Every module specifier `file` imports or re-exports (static `from "…"` clauses). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/\bfrom\s+"([^"]+)"/g)].map((m) => m[1] as string);
}

/** The package files an entry reaches, and the packages they import. */
function reach(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of specifiers(file)) {
      if (spec.startsWith(".")) visit(join(dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(join(SRC, entry));
  return { files, packages };
}

describe("entries", () => {
  it("socket.io-client is reached only through the Socket.IO entry, never through the main ones", () => {
    for (const entry of ["index.browser.ts", "index.node.ts"]) {
      const { packages } = reach(entry);
      expect([...packages].filter((p) => p.startsWith("socket.io") || p.startsWith("engine.io"))).toEqual([]);
    }
    expect(reach("index.socketio.ts").packages).toContain("socket.io-client");
  });
});
