import type { Json } from "@transport-lab/protocol";
import type { FrameScheduler } from "./frame-batcher.ts";
import type { LabConfig, LabView } from "./lab-view.ts";
import type { ClientFactory } from "./lane.ts";
import type { LaneName } from "./lane-names.ts";
import type { RunFigures } from "./saved-runs.ts";
import type { ServerApi } from "./server-api.ts";
import type { SingleTransport } from "./settings.ts";
import type { SocketIoKitMaker } from "./socketio-lane.ts";

/** Options for `createLabConnection` (lab-connection.ts). */
export interface LabConnectionOptions {
  readonly config: LabConfig;
  readonly api: ServerApi;
  readonly createClient?: ClientFactory;
  /** Loads what the Socket.IO lane's clients are made with (default: the `@transport-lab/client/socketio` chunk). */
  readonly loadSocketIo?: () => Promise<SocketIoKitMaker>;
  readonly schedule?: FrameScheduler;
  /** Wall clock in ms (default `performance.timeOrigin + performance.now()`). */
  readonly now?: () => number;
  /** Minimum ms between view rebuilds (default 100: figures readable, charts smooth enough). */
  readonly minIntervalMs?: number;
}

/** The page's live connection to one channel: the lanes, their figures and every control. */
export interface LabConnection {
  subscribe(listener: () => void): () => void;
  getView(): LabView;
  /** Compare mode: disconnect or reconnect one lane (it resumes from its cursor). */
  setPaused(transport: LaneName, paused: boolean): void;
  /** Compare mode: adds the Socket.IO lane (from the channel's head; WebSocket-only or polling first) or removes it. */
  setSocketIo(on: boolean, websocketOnly: boolean): void;
  /** Single mode: move to another transport (or to Auto, a new client), keeping the cursor. */
  switchTransport(transport: SingleTransport): void;
  /** Single mode, Auto: forget what this tab remembers for this network and start Auto from the top. */
  restartAuto(): void;
  /** Zeroes every figure: each client is replaced by a new one resuming from the same cursor. */
  resetMetrics(): void;
  /** Applies new poll interval / long-poll timeout: affected clients are replaced, resuming from their cursor. */
  setTiming(pollIntervalMs: number, longPollTimeoutMs: number): void;
  /** Publishes over `via` (compare mode) or the single client's transport. */
  publish(data: Json, via: LaneName): Promise<{ seq: number }>;
  /** Starts or stops collecting wire events into the view. */
  setWireVisible(visible: boolean): void;
  /** Retries a client that stopped for good (e.g. a refused cursor). */
  retry(transport: LaneName): void;
  /** Marks "Disconnect everyone" on every lane's event strip (pressed on this page). */
  markCut(): void;
  /** Full figures (histograms included) of every lane, with the page's own check in compare mode, for export. */
  exportFigures(): RunFigures[];
  close(): Promise<void>;
}
