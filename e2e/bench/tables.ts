import { count, num, ratio, type Table } from "@transport-lab/report";
import {
  type BenchLane,
  type BenchResult,
  type CellResult,
  type CellSpec,
  laneFigures,
  lanesOf,
  type TransportFiguresResult,
} from "./bench-result.ts";

/** Short lane names for column heads. */
export const SHORT: Readonly<Record<BenchLane, string>> = {
  ws: "ws",
  sse: "sse",
  longPoll: "long-poll",
  poll: "poll",
  socketio: "socket.io",
};

/** `64 B`, `1 KiB`, `16 KiB`. */
export function payloadLabel(bytes: number): string {
  return bytes >= 1024 && bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`;
}

/** `100 msg/s × 1 KiB`. */
export function cellLabel(cell: CellSpec): string {
  return `${cell.rate} msg/s × ${payloadLabel(cell.payloadBytes)}`;
}

const each = (result: BenchResult, cell: CellResult, pick: (f: TransportFiguresResult) => string) =>
  lanesOf(result.settings).map((t) => pick(laneFigures(cell, t)));

/** The run's lanes' short names, for column heads. */
const heads = (result: BenchResult, suffix = "") =>
  lanesOf(result.settings).map((t) => `${SHORT[t]}${suffix}`);

/** One row per lane per cell: rate, payload, lane, messages, then `cells(…)`. */
function transportRows(
  result: BenchResult,
  cells: (f: TransportFiguresResult, t: BenchLane, c: CellResult) => string[],
): string[][] {
  return result.cells.flatMap((c) =>
    lanesOf(result.settings).map((t) => {
      const f = laneFigures(c, t);
      return [String(c.rate), payloadLabel(c.payloadBytes), SHORT[t], count(f.messages), ...cells(f, t, c)];
    }),
  );
}

/** Latency percentiles of every transport in every cell. */
export function latencyTable(result: BenchResult): Table {
  const rows = transportRows(result, (f) => [
    num(f.latency.p50),
    num(f.latency.p90),
    num(f.latency.p99),
    num(f.latency.max),
    f.clockUncertainty === null ? "–" : `±${num(f.clockUncertainty)}`,
  ]);
  return {
    title: "Delivery latency (ms)",
    note: "Receive time in the page − the server's sequencing time − clock offset; ± is the offset's uncertainty (the page's, over HTTP, for the four; Socket.IO's own, over its connection).",
    head: ["msg/s", "payload", "transport", "messages", "p50", "p90", "p99", "max", "clock"],
    rows,
    keys: 3,
  };
}

/** HTTP requests per delivered message, and the empty answers of the polling transports. */
export function requestsTable(result: BenchResult): Table {
  return {
    title: "HTTP requests per message",
    note: "Every request the transport made in the measured window (the reconnect after Reset metrics included) ÷ messages delivered; empty = answers with no message.",
    head: ["msg/s", "payload", "published", ...heads(result), "long-poll empty", "poll empty"],
    keys: 2,
    rows: result.cells.map((c) => [
      String(c.rate),
      payloadLabel(c.payloadBytes),
      count(c.published),
      ...each(result, c, (f) => num(f.requestsPerMessage)),
      count(c.transports.longPoll.emptyResponses),
      count(c.transports.poll.emptyResponses),
    ]),
  };
}

/** Wire bytes (in + out) per delivered message, and what that adds to the envelope itself. */
export function bytesTable(result: BenchResult): Table {
  return {
    title: "Wire bytes per message (in + out)",
    note: "Headers and framing included; in brackets, bytes beyond the envelope's own JSON (envelope column).",
    head: ["msg/s", "payload", "envelope", ...heads(result)],
    keys: 2,
    rows: result.cells.map((c) => [
      String(c.rate),
      payloadLabel(c.payloadBytes),
      count(c.envelopeBytes),
      ...each(result, c, (f) =>
        f.bytesPerMessage === null
          ? "–"
          : `${num(f.bytesPerMessage)} (+${num(f.bytesPerMessage - c.envelopeBytes)})`,
      ),
    ]),
  };
}

/** Each other lane against WebSocket in the same cell. */
export function ratiosTable(result: BenchResult): Table {
  const others = lanesOf(result.settings).filter((t) => t !== "ws");
  return {
    title: "Ratios to WebSocket (same cell, same run)",
    note: "p50 latency, wire bytes per message and HTTP requests, each divided by WebSocket's.",
    head: [
      "msg/s",
      "payload",
      ...others.map((t) => `${SHORT[t]} p50`),
      ...others.map((t) => `${SHORT[t]} B/msg`),
      ...others.map((t) => `${SHORT[t]} requests`),
    ],
    keys: 2,
    rows: result.cells.map((c) => {
      const ws = c.transports.ws;
      return [
        String(c.rate),
        payloadLabel(c.payloadBytes),
        ...others.map((t) => ratio(laneFigures(c, t).latency.p50, ws.latency.p50)),
        ...others.map((t) => ratio(laneFigures(c, t).bytesPerMessage, ws.bytesPerMessage)),
        ...others.map((t) => ratio(laneFigures(c, t).requests, ws.requests)),
      ];
    }),
  };
}

/** Messages delivered and anything that went wrong delivering them. */
export function deliveryTable(result: BenchResult): Table {
  const cellOf = (f: TransportFiguresResult) =>
    `${count(f.messages)} · ${f.gaps}/${f.duplicates}/${f.reorders} · ${f.resets}/${f.reconnects}/${f.errors}`;
  return {
    title: "Delivery",
    note: "Per transport: messages · gaps/duplicates/reorders · resets/reconnects/errors. Published = what the generator sent in the window.",
    head: ["msg/s", "payload", "published", "problems", ...heads(result)],
    keys: 2,
    rows: result.cells.map((c) => [
      String(c.rate),
      payloadLabel(c.payloadBytes),
      count(c.published),
      c.problems.length === 0 ? "none" : `${c.problems.length} (below)`,
      ...each(result, c, cellOf),
    ]),
  };
}

/** The table printed at the end of a run: the main figures of every transport of every cell. */
export function summaryTable(result: BenchResult): Table {
  const rows = transportRows(result, (f, t, c) => [
    num(f.latency.p50),
    num(f.latency.p99),
    num(f.requestsPerMessage),
    num(f.bytesPerMessage),
    t === "ws" ? "" : ratio(f.bytesPerMessage, c.transports.ws.bytesPerMessage),
    `${f.gaps}/${f.duplicates}`,
  ]);
  return {
    title: "Summary",
    note: "Latency in ms; B/msg = wire bytes in + out per message; gaps/dups as the client counted them.",
    head: [
      "msg/s",
      "payload",
      "transport",
      "messages",
      "p50",
      "p99",
      "req/msg",
      "B/msg",
      "B/msg ×ws",
      "gaps/dups",
    ],
    rows,
    keys: 3,
  };
}

/** Every cell's problems as `cell: problem` lines. */
export function cellProblems(result: BenchResult): string[] {
  return result.cells.flatMap((c) => c.problems.map((p) => `${cellLabel(c)}: ${p}`));
}

/** Every table of a report, in reading order. */
export function reportTables(result: BenchResult): Table[] {
  return [
    latencyTable(result),
    requestsTable(result),
    bytesTable(result),
    ratiosTable(result),
    deliveryTable(result),
  ];
}
