import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { usage } from "../src/config.ts";

// The settings tables of the README and docs/protocol.md §14 are written by hand: each numeric
// setting `--help` lists must have a row in both, with the default the code has.

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8");

/** `ENV` → default, from `--help` ("(min–max, default N)"). */
function defaultsFromHelp(): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of usage().split("\n")) {
    const m = /^\s+--\S+ N\s+([A-Z_]+)\s.*default (\d+)\)$/.exec(line);
    if (m) out.set(m[1] as string, Number(m[2]));
  }
  return out;
}

/** A table cell's default as a number: `25000`, `16 MiB`, `64 KiB`; `undefined` for prose. */
function cellValue(cell: string): number | undefined {
  const m = /^`?(\d+)`?(?: (KiB|MiB))?$/.exec(cell.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === "MiB" ? 2 ** 20 : m[2] === "KiB" ? 1024 : 1);
}

/** The default cell of `env`'s row (README: 2nd cell; protocol §14: 3rd). */
function documented(doc: string, env: string, column: number): string | undefined {
  const row = doc.split("\n").find((l) => l.startsWith(`| \`${env}\``));
  return row?.split("|")[column + 1];
}

describe("documented settings", () => {
  const defaults = defaultsFromHelp();

  it("--help lists the numeric settings with their defaults", () => {
    expect(defaults.get("HEARTBEAT_MS")).toBe(25_000);
    expect(defaults.size).toBeGreaterThan(15);
  });

  for (const [doc, column] of [
    ["README.md", 1],
    ["docs/protocol.md", 2],
  ] as const) {
    it(`${doc} has a row for every one, with the code's default`, () => {
      const text = read(doc);
      for (const [env, value] of defaults) {
        const cell = documented(text, env, column);
        expect(cell, `${env} in ${doc}`).toBeDefined();
        const shown = cellValue(cell as string);
        if (shown !== undefined) expect(shown, `${env}'s default in ${doc}`).toBe(value);
      }
    });
  }
});
