import type { LinkInfo } from "@transport-lab/protocol";

/** `1.6 Mbit/s`, `750 kbit/s`, `unlimited`. */
export function formatKbps(kbps: number | null): string {
  if (kbps === null) return "unlimited";
  return kbps >= 1000 ? `${Number((kbps / 1000).toFixed(2))} Mbit/s` : `${kbps} kbit/s`;
}

/** A link's own whole-millisecond figures: `150 ms`, `30 s`. */
const plainMs = (ms: number): string => (ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`);

/** What a link adds, in one line: `150 ms round trip · 1.6 Mbit/s down · 750 kbit/s up`. */
export function linkFigures(link: LinkInfo): string {
  const parts: string[] = [];
  if (link.rttMs > 0) parts.push(`${plainMs(link.rttMs)} round trip`);
  if (link.jitterMs > 0) parts.push(`±${plainMs(link.jitterMs)} jitter`);
  if (link.downKbps !== null) parts.push(`${formatKbps(link.downKbps)} down`);
  if (link.upKbps !== null) parts.push(`${formatKbps(link.upKbps)} up`);
  if (link.lossPercent > 0) parts.push(`${link.lossPercent} % loss (${plainMs(link.stallMs)} stalls)`);
  if (link.bufferBytes !== null) parts.push(`answers held until ${link.bufferBytes / 1024} KiB`);
  if (link.idleTimeoutMs !== null) parts.push(`idle connections cut after ${plainMs(link.idleTimeoutMs)}`);
  if (link.upgrade === "refuse") parts.push("WebSocket upgrades refused");
  if (link.upgrade === "strip") parts.push("WebSocket upgrades not passed on");
  if (link.upgrade === "drop") parts.push("WebSockets open, then carry nothing");
  return parts.length === 0 ? "nothing added" : parts.join(" · ");
}

/** The link of `name` in the server's list; undefined when the list is not known yet or has none. */
export function findLink(links: readonly LinkInfo[] | null, name: string): LinkInfo | undefined {
  return name === "" ? undefined : links?.find((l) => l.name === name);
}

/**
 * The network the page uses: the one asked for, unless the server's list is known and lacks it
 * (then none, and `missing` says so). Before the list arrives the name is used as asked.
 */
export function resolveNetwork(
  links: readonly LinkInfo[] | null,
  name: string,
): { readonly network: string; readonly missing: boolean } {
  if (name === "" || links === null || links.some((l) => l.name === name))
    return { network: name, missing: false };
  return { network: "", missing: true };
}

/**
 * What a link does to delivery, from its own figures, for the transport that waits least:
 * `R/2` one way (WebSocket, SSE); long polling a round trip more when no request is waiting;
 * interval polling `interval/2 + R` on average: the client waits the interval after each answer,
 * so the server is asked every `interval + R`, a message waits half of that and then `R/2` back
 * (measured through 4g: 643 ms for 650, docs/benchmarks.md).
 */
export function expectedLatency(link: LinkInfo | undefined, pollIntervalMs: number) {
  const oneWay = (link?.rttMs ?? 0) / 2;
  return {
    oneWay,
    stream: oneWay,
    longPollWorst: oneWay + (link?.rttMs ?? 0),
    poll: (pollIntervalMs + (link?.rttMs ?? 0)) / 2 + oneWay,
    /** Above this many messages a second, long polling answers batch (one answer per round trip). */
    longPollBatchRate: link === undefined || link.rttMs === 0 ? null : 1000 / link.rttMs,
  };
}
