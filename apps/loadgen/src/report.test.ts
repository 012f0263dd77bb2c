import { describe, expect, it } from "vitest";
import { barChart, htmlTable, mdTable } from "./report.ts";

describe("report rendering", () => {
  it("renders a Markdown table", () => {
    expect(mdTable(["a", "b"], [[1, "x"]])).toBe("| a | b |\n|---|---|\n| 1 | x |");
  });

  it("escapes HTML cells", () => {
    expect(htmlTable(["h"], [["<b>&"]])).toContain("<td>&lt;b>&amp;</td>");
  });

  it("draws one bar per value, scaled to the largest", () => {
    const svg = barChart("t", "KB", [
      { group: "ws", label: "server", value: 10 },
      { group: "ws", label: "baseline", value: 5 },
    ]);
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0]).toBeCloseTo((widths[1] ?? 0) * 2, 5);
    expect(svg).toContain("10.0 KB");
  });
});
