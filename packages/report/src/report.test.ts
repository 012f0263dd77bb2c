import { TRANSPORT_NAMES } from "@transport-lab/protocol";
import { describe, expect, it } from "vitest";
import { barChart } from "./bar-chart.ts";
import { escapeHtml } from "./escape.ts";
import { count, num, ratio } from "./format.ts";
import { factList, htmlPage } from "./html-page.ts";
import { BASELINE_COLOR, SERVER_COLOR, SOCKET_IO_COLOR, TRANSPORT_COLORS } from "./palette.ts";
import { htmlTable, markdownTable, textTable } from "./table.ts";

const table = {
  head: ["transport", "p99 ms"],
  rows: [
    ["ws", "1.5"],
    ["long|poll", "<20>"],
  ],
  keys: 1,
};

describe("tables", () => {
  it("render the same cells as Markdown, HTML and text", () => {
    expect(markdownTable(table)).toBe(
      ["| transport | p99 ms |", "|---|---:|", "| ws | 1.5 |", "| long\\|poll | <20> |"].join("\n"),
    );
    expect(htmlTable(table)).toBe(
      '<table><thead><tr><th class="key">transport</th><th>p99 ms</th></tr></thead><tbody>\n' +
        '<tr><td class="key">ws</td><td>1.5</td></tr>\n<tr><td class="key">long|poll</td><td>&lt;20&gt;</td></tr>\n' +
        "</tbody></table>",
    );
    expect(textTable(table)).toBe(["transport  p99 ms", "ws            1.5", "long|poll    <20>"].join("\n"));
  });
});

describe("escapeHtml", () => {
  it("escapes everything that could end an element or a quoted attribute", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});

describe("barChart", () => {
  it("draws one bar per non-null value, escapes text, and labels a log axis", () => {
    const svg = barChart({
      title: "p99 <latency>",
      unit: "ms",
      log: true,
      groups: ["10/s", "100/s"],
      series: [
        { name: "ws", color: TRANSPORT_COLORS.ws, values: [1.5, null] },
        { name: "sse", color: TRANSPORT_COLORS.sse, values: [2, 0] },
      ],
    });
    expect(svg.match(/<rect x="\d/g)?.length).toBe(2 + 2); // two bars (null and 0 on a log axis are not drawn), two legend keys
    expect(svg).toContain("p99 &lt;latency&gt;");
    expect(svg).toContain("ms (log)");
    expect(svg).not.toContain("<latency>");
  });
});

describe("palette", () => {
  it("gives every transport its own colour, and Socket.IO, this server and the baseline others", () => {
    const colors = TRANSPORT_NAMES.map((t) => TRANSPORT_COLORS[t]);
    expect(new Set([...colors, SOCKET_IO_COLOR, SERVER_COLOR, BASELINE_COLOR]).size).toBe(
      TRANSPORT_NAMES.length + 3,
    );
  });
});

describe("figures and pages", () => {
  it("formats with about three significant digits, counts and ratios", () => {
    expect([num(1234.5), num(12.345), num(0.5), num(0.00123), num(null), num(0)]).toEqual([
      "1,235",
      "12.3",
      "0.50",
      "0.0012",
      "–",
      "0",
    ]);
    expect(count(12345.6)).toBe("12,346");
    expect([ratio(3, 2), ratio(1, 0), ratio(null, 1)]).toEqual(["×1.50", "–", "–"]);
  });

  it("wraps a body in a page with an escaped title and fact list", () => {
    const page = htmlPage("A & B", factList([["Machine", "2 <cores>"]]));
    expect(page).toContain("<title>A &amp; B</title>");
    expect(page).toContain("<h1>A &amp; B</h1>");
    expect(page).toContain("<dt>Machine</dt><dd>2 &lt;cores&gt;</dd>");
    expect(page.startsWith("<!doctype html>")).toBe(true);
  });
});
