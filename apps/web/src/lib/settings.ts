import {
  DEFAULT_CHANNEL,
  GENERATOR_LIMITS,
  isValidChannelName,
  LINK_NAME_PATTERN,
  LONG_POLL_TIMEOUT,
  TRANSPORT_NAMES,
  type TransportName,
} from "@transport-lab/protocol";
import { LANE_NAMES, type LaneName } from "./lane-names.ts";
import { LESSON } from "./lesson-plan.ts";

/** The app's pages. */
export const VIEWS = ["compare", "single", "wire", "chat", "learn", "class", "lesson", "runs"] as const;
/** One of {@link VIEWS}. */
export type View = (typeof VIEWS)[number];

/** What the single view's client runs: one transport, or `auto` (the client picks, and falls back). */
export type SingleTransport = TransportName | "auto";
/** Every value of {@link SingleTransport}, Auto first as the page lists them. */
export const SINGLE_TRANSPORTS: readonly SingleTransport[] = ["auto", ...TRANSPORT_NAMES];

/** Whose wire the wire view shows: the compare lanes, or the single view's client. */
export const WIRE_CLIENTS = ["compare", "single"] as const;

/** Everything a shared link carries. The admin token never does (it stays in this browser). */
export interface Settings {
  readonly view: View;
  readonly channel: string;
  /** The transport of single mode (`auto` included), and the one chat sends over (WebSocket for `auto`). */
  readonly transport: SingleTransport;
  /**
   * The emulated network every lane goes through (docs/network-links.md): a link name of
   * `GET /api/links`, or `""` for none (straight to the server).
   */
  readonly network: string;
  /** The wire view shows the compare lanes or the single view's client. */
  readonly wire: (typeof WIRE_CLIENTS)[number];
  /** Interval polling: ms between one answer and the next request. */
  readonly pollIntervalMs: number;
  /** Long polling: how long the server holds a request without news. */
  readonly longPollTimeoutMs: number;
  /** Generator form values (applied only when someone presses "Start generator", or "Stop generator" at rate 0). */
  readonly rate: number;
  readonly payloadBytes: number;
  /** Lanes not connected in the compare view. */
  readonly paused: readonly LaneName[];
  /** The compare view's fifth lane, through Socket.IO (`vs=socketio`): off unless asked for. */
  readonly socketio: boolean;
  /**
   * The Socket.IO lane connects WebSocket-only (`sio=websocket`, as the benchmarks run it) instead
   * of socket.io-client's default, long polling then the upgrade.
   */
  readonly socketioWebsocketOnly: boolean;
  /** Large type for projectors. */
  readonly large: boolean;
  /** Lesson mode's step, from 1. */
  readonly step: number;
}

/** Defaults; a link only carries what differs from them. */
export const DEFAULT_SETTINGS: Settings = {
  view: "compare",
  channel: DEFAULT_CHANNEL,
  transport: "ws",
  network: "",
  wire: "compare",
  pollIntervalMs: 1000,
  longPollTimeoutMs: LONG_POLL_TIMEOUT.default,
  rate: 10,
  payloadBytes: 64,
  paused: [],
  socketio: false,
  socketioWebsocketOnly: false,
  large: false,
  step: 1,
};

/** Bounds of the numeric settings, shared by the URL parser and the form inputs. */
export const LIMITS = {
  pollIntervalMs: { min: 100, max: 60_000 },
  // The server accepts 1 ms, but under 500 ms a long poll is interval polling with extra steps.
  longPollTimeoutMs: { min: 500, max: LONG_POLL_TIMEOUT.max },
  rate: { min: 0, max: GENERATOR_LIMITS.maxRate },
  payloadBytes: { min: 0, max: GENERATOR_LIMITS.maxPayloadBytes },
  step: { min: 1, max: LESSON.length },
} as const;

/** A URL parameter that could not be used, and what was used instead. */
export interface SettingProblem {
  readonly param: string;
  readonly value: string;
  readonly message: string;
}

/** Result of {@link parseSettings}: usable settings plus every problem found. */
export interface ParsedSettings {
  readonly settings: Settings;
  readonly problems: readonly SettingProblem[];
}

const PARAMS = [
  "view",
  "channel",
  "transport",
  "network",
  "wire",
  "poll",
  "timeout",
  "rate",
  "payload",
  "paused",
  "large",
  "step",
  // `vs=socketio`: the "vs Socket.IO" comparison, with the fifth lane on; `sio=websocket`: WebSocket-only.
  "vs",
  "sio",
];

/** Reads settings from a query string; bad values fall back to defaults and are reported, never thrown. */
export function parseSettings(search: string | URLSearchParams): ParsedSettings {
  const params = typeof search === "string" ? new URLSearchParams(search) : search;
  const problems: SettingProblem[] = [];
  const problem = (param: string, value: string, message: string) => problems.push({ param, value, message });
  const d = DEFAULT_SETTINGS;

  const oneOf = <T extends string>(param: string, allowed: readonly T[], fallback: T): T => {
    const raw = params.get(param);
    if (raw === null) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problem(param, raw, `must be one of ${allowed.join(", ")}; using "${fallback}"`);
    return fallback;
  };
  const int = (param: string, bounds: { min: number; max: number }, fallback: number): number => {
    const raw = params.get(param);
    if (raw === null) return fallback;
    const value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value)) {
      problem(param, raw, `must be a whole number; using ${fallback}`);
      return fallback;
    }
    if (value < bounds.min || value > bounds.max) {
      problem(param, raw, `must be from ${bounds.min} to ${bounds.max}; using ${fallback}`);
      return fallback;
    }
    return value;
  };

  const view = oneOf("view", VIEWS, d.view);
  const transport = oneOf("transport", SINGLE_TRANSPORTS, d.transport);
  const wire = oneOf("wire", WIRE_CLIENTS, d.wire);
  let network = d.network;
  const rawNetwork = params.get("network");
  if (rawNetwork !== null && rawNetwork !== "") {
    // Whether the server has it is known once GET /api/links answers (the page says so then).
    if (LINK_NAME_PATTERN.test(rawNetwork)) network = rawNetwork;
    else problem("network", rawNetwork, "is not a network name (a–z, 0–9 and dashes); using none");
  }
  let channel = d.channel;
  const rawChannel = params.get("channel");
  if (rawChannel !== null) {
    if (isValidChannelName(rawChannel)) channel = rawChannel;
    else
      problem(
        "channel",
        rawChannel,
        `a channel name is 1–64 lowercase letters, digits or dashes, not starting with a dash; using "${d.channel}"`,
      );
  }
  const pollIntervalMs = int("poll", LIMITS.pollIntervalMs, d.pollIntervalMs);
  const longPollTimeoutMs = int("timeout", LIMITS.longPollTimeoutMs, d.longPollTimeoutMs);
  const rate = int("rate", LIMITS.rate, d.rate);
  const payloadBytes = int("payload", LIMITS.payloadBytes, d.payloadBytes);
  const step = int("step", LIMITS.step, d.step);

  const paused: LaneName[] = [];
  const rawPaused = params.get("paused");
  if (rawPaused !== null && rawPaused !== "") {
    for (const name of rawPaused.split(",")) {
      if ((LANE_NAMES as readonly string[]).includes(name)) {
        if (!paused.includes(name as LaneName)) paused.push(name as LaneName);
      } else problem("paused", name, `is not a transport (${LANE_NAMES.join(", ")}); ignored`);
    }
  }

  let large = d.large;
  const rawLarge = params.get("large");
  if (rawLarge !== null) {
    if (rawLarge === "1" || rawLarge === "true") large = true;
    else if (rawLarge === "0" || rawLarge === "false") large = false;
    else problem("large", rawLarge, "must be 1 or 0; using 0");
  }

  const rawVs = params.get("vs");
  const socketio = rawVs === "socketio";
  if (rawVs !== null && !socketio) problem("vs", rawVs, "is not a comparison (socketio); ignored");
  const socketioWebsocketOnly = oneOf("sio", ["polling", "websocket"], "polling") === "websocket";

  for (const key of new Set(params.keys())) {
    if (!PARAMS.includes(key)) problem(key, params.get(key) ?? "", "is not a setting of this app; ignored");
  }

  return {
    settings: {
      view,
      channel,
      transport,
      network,
      wire,
      pollIntervalMs,
      longPollTimeoutMs,
      rate,
      payloadBytes,
      paused: LANE_NAMES.filter((t) => paused.includes(t)),
      socketio,
      socketioWebsocketOnly,
      large,
      step,
    },
    problems,
  };
}

/** The query string (with `?`, or empty) that {@link parseSettings} turns back into `settings`; defaults are left out. */
export function serializeSettings(settings: Settings): string {
  const d = DEFAULT_SETTINGS;
  const params = new URLSearchParams();
  if (settings.view !== d.view) params.set("view", settings.view);
  if (settings.channel !== d.channel) params.set("channel", settings.channel);
  if (settings.transport !== d.transport) params.set("transport", settings.transport);
  if (settings.network !== d.network) params.set("network", settings.network);
  if (settings.wire !== d.wire) params.set("wire", settings.wire);
  if (settings.pollIntervalMs !== d.pollIntervalMs) params.set("poll", String(settings.pollIntervalMs));
  if (settings.longPollTimeoutMs !== d.longPollTimeoutMs)
    params.set("timeout", String(settings.longPollTimeoutMs));
  if (settings.rate !== d.rate) params.set("rate", String(settings.rate));
  if (settings.payloadBytes !== d.payloadBytes) params.set("payload", String(settings.payloadBytes));
  const paused = LANE_NAMES.filter((t) => settings.paused.includes(t));
  if (paused.length > 0) params.set("paused", paused.join(","));
  if (settings.socketio) params.set("vs", "socketio");
  if (settings.socketioWebsocketOnly) params.set("sio", "websocket");
  if (settings.large) params.set("large", "1");
  if (settings.step !== d.step) params.set("step", String(settings.step));
  const text = params.toString().replaceAll("%2C", ",");
  return text === "" ? "" : `?${text}`;
}
