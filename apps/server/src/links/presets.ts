import { LINK_NAME_PATTERN, type LinkInfo } from "@transport-lab/protocol";

/** A link as the server holds it: {@link LinkInfo} without its `baseUrl`, which follows from the name. */
export type LinkSpec = Omit<LinkInfo, "baseUrl">;

/** Nothing added: the figures every fault starts from, so that a fault's lesson is the fault alone. */
const CLEAN = {
  rttMs: 0,
  downKbps: null,
  upKbps: null,
  jitterMs: 0,
  lossPercent: 0,
  stallMs: 0,
  bufferBytes: null,
  idleTimeoutMs: null,
  upgrade: "pass",
} as const;

const CHROME_PRESETS =
  "Chrome DevTools' throttling presets, https://github.com/ChromeDevTools/devtools-frontend/blob/main/front_end/core/sdk/NetworkManager.ts";

/** Options of {@link presetLinks}. */
export interface PresetOptions {
  /** Idle time after which the `idle-timeout` link cuts a connection. Default 30 s. */
  idleTimeoutMs?: number;
}

/** The links every server offers (docs/network-links.md explains each figure). */
export function presetLinks(options: PresetOptions = {}): LinkSpec[] {
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  return [
    {
      ...CLEAN,
      name: "loopback",
      kind: "network",
      description: "This machine's loopback, nothing added: the reference the other links are compared with.",
      source: "no shaping, like WebPageTest's “Native Connection”",
    },
    {
      ...CLEAN,
      name: "lan",
      kind: "network",
      rttMs: 1,
      downKbps: 100_000,
      upKbps: 100_000,
      description: "A wired classroom network: Fast Ethernet through one switch.",
      source:
        "100 Mbit/s: the IEEE 802.3u Fast Ethernet line rate; a switched LAN's round trip is under 1 ms, rounded up to the emulator's 1 ms timer resolution",
    },
    {
      ...CLEAN,
      name: "wifi",
      kind: "network",
      rttMs: 2,
      downKbps: 30_000,
      upKbps: 15_000,
      lossPercent: 0.2,
      stallMs: 200,
      description:
        "Good Wi-Fi: fast, but about one packet in 500 is lost and its connection stalls for a retransmission.",
      source:
        "Firefox DevTools' “Wi-Fi” profile (30/15 Mbit/s, 2 ms), https://github.com/mozilla-firefox/firefox/blob/main/devtools/docs/user/network_monitor/throttling/index.rst; " +
        "0.2 % loss from comcast's “WIFI (good)” profile, https://github.com/tylertreat/comcast#network-condition-profiles; " +
        "200 ms: Linux's minimum TCP retransmission timeout",
    },
    {
      ...CLEAN,
      name: "4g",
      kind: "network",
      rttMs: 150,
      downKbps: 1600,
      upKbps: 750,
      description: "A typical mobile connection: every exchange costs a 150 ms round trip.",
      source:
        `“Slow 4G” (150 ms, 1.6 Mbit/s down, 750 kbit/s up) in ${CHROME_PRESETS}; also Lighthouse's mobile default, ` +
        "https://github.com/GoogleChrome/lighthouse/blob/main/core/config/constants.js, and WebPageTest's “3G Fast”",
    },
    {
      ...CLEAN,
      name: "3g",
      kind: "network",
      rttMs: 400,
      downKbps: 500,
      upKbps: 500,
      description: "A poor mobile connection: 400 ms round trips and 500 kbit/s each way.",
      source: `“3G” (formerly “Slow 3G”: 400 ms, 500 kbit/s each way) in ${CHROME_PRESETS}`,
    },
    {
      ...CLEAN,
      name: "satellite",
      kind: "network",
      rttMs: 630,
      downKbps: 18_130,
      upKbps: 3380,
      description: "Geostationary satellite: decent bandwidth, but a round trip of over half a second.",
      source:
        "Ookla Speedtest medians for Viasat in the U.S., Q2 2021 (630 ms, 18.13 Mbit/s down, 3.38 Mbit/s up), https://www.ookla.com/articles/starlink-hughesnet-viasat-performance-q2-2021",
    },
    {
      ...CLEAN,
      name: "ws-blocked",
      kind: "fault",
      upgrade: "refuse",
      description:
        "A proxy or firewall that forbids WebSockets: the upgrade is refused with 403; plain HTTP passes.",
      source: "fault model: corporate proxies and firewalls with a WebSocket policy",
    },
    {
      ...CLEAN,
      name: "ws-dropped",
      kind: "fault",
      upgrade: "drop",
      description:
        "The WebSocket upgrade succeeds, then no frame gets through in either direction while the socket stays open.",
      source: "fault model: middleboxes that accept the upgrade but do not relay frames",
    },
    {
      ...CLEAN,
      name: "buffering-proxy",
      kind: "fault",
      bufferBytes: 16 * 1024,
      upgrade: "strip",
      description:
        "A proxy that holds each response until 16 KiB or its end (SSE looks dead, polling works) and does not forward WebSocket upgrades.",
      source:
        "fault model: nginx's default proxy_buffering and hop-by-hop Upgrade header, without X-Accel-Buffering",
    },
    {
      ...CLEAN,
      name: "idle-timeout",
      kind: "fault",
      idleTimeoutMs,
      description: `A load balancer that cuts any connection idle for ${idleTimeoutMs / 1000} s: heartbeats keep WebSocket and SSE alive.`,
      source: "fault model: load-balancer and proxy idle timeouts",
    },
  ];
}

/**
 * Checks a link table: names unique and well formed, figures in range, and a delay only with a
 * bandwidth (bytes in flight on a link are bounded by bandwidth × delay). Throws on the first problem.
 */
export function checkLinks(links: readonly LinkSpec[]): void {
  const seen = new Set<string>();
  for (const l of links) {
    const fail = (why: string) => {
      throw new Error(`link "${l.name}": ${why}`);
    };
    if (!LINK_NAME_PATTERN.test(l.name)) fail(`name must match ${LINK_NAME_PATTERN}`);
    if (seen.has(l.name)) fail("name used twice");
    seen.add(l.name);
    for (const key of ["rttMs", "jitterMs", "lossPercent", "stallMs"] as const) {
      if (!(l[key] >= 0 && l[key] <= 60_000)) fail(`${key} must be from 0 to 60000`);
    }
    if (l.lossPercent > 100) fail("lossPercent must be at most 100");
    for (const key of ["downKbps", "upKbps", "bufferBytes", "idleTimeoutMs"] as const) {
      const v = l[key];
      if (v !== null && !(v > 0 && Number.isFinite(v))) fail(`${key} must be null or above 0`);
    }
    if ((l.rttMs > 0 || l.jitterMs > 0 || l.stallMs > 0) && (l.downKbps === null || l.upKbps === null)) {
      fail("a link with a delay needs downKbps and upKbps");
    }
  }
}
