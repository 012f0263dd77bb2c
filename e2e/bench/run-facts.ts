import type { LinkInfo } from "@transport-lab/protocol";
import type { BenchResult } from "./bench-result.ts";

/** `4g (/link/4g): 150 ms round trip, 1600 kbit/s down, 750 kbit/s up` or `none`. */
function networkWords(link: LinkInfo | null): string {
  if (link === null) return "none (straight to the server)";
  const down = link.downKbps === null ? "unlimited" : `${link.downKbps} kbit/s`;
  const up = link.upKbps === null ? "unlimited" : `${link.upKbps} kbit/s`;
  return `${link.name} (${link.baseUrl}): ${link.rttMs} ms round trip, ${down} down, ${up} up; every lane through it`;
}

/** What a report says about its run before any figure: machine, versions, settings, dates. */
export function runFacts(result: BenchResult): [string, string][] {
  const { machine, versions, settings } = result;
  const server = Object.entries(settings.server)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  return [
    [
      "Machine",
      `${machine.cpuModel}, ${machine.cores} cores, ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${machine.os}`,
    ],
    ["Versions", `Node ${versions.node}, Chromium ${versions.chromium}, Playwright ${versions.playwright}`],
    [
      "Per cell",
      `${settings.warmupMs / 1000} s warm-up, then Reset metrics and ${settings.durationMs / 1000} s measured; fresh channel and browser context`,
    ],
    [
      "Page settings",
      `interval polling every ${settings.pollIntervalMs} ms, long-poll timeout ${settings.longPollTimeoutMs} ms`,
    ],
    ["Server", server === "" ? "defaults" : server],
    ["Network", networkWords(settings.link ?? null)],
    [
      "Socket.IO lane",
      settings.socketio === true
        ? "on: socket.io-client 4.8 WebSocket-only against the server's Socket.IO endpoint (socket.io 4.8, perMessageDeflate off, no connection-state recovery, io.to(room).emit per message); its latency uses its own clock, sampled with an ack over its connection"
        : "off (--socketio adds it)",
    ],
    ["Run", `${result.startedAt} → ${result.finishedAt}`],
  ];
}
