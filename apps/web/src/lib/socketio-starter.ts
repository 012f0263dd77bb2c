import { parseCursor } from "@transport-lab/protocol";
import type { Lane } from "./lane.ts";
import { SOCKET_IO_LANE } from "./lane-names.ts";
import type { SocketIoKit, SocketIoKitMaker } from "./socketio-lane.ts";

/** What starting the Socket.IO lane's clients needs from the page's connection. */
export interface SocketIoStarterDeps {
  readonly load: () => Promise<SocketIoKitMaker>;
  readonly now: () => number;
  /** The base URL every client goes through (the chosen network's, if any). */
  readonly baseUrl: () => string;
  readonly channel: () => string;
  /** Connect WebSocket-only (else long polling, then the upgrade). */
  readonly websocketOnly: () => boolean;
  /** Whether `lane` still wants a client (not removed, not paused, none yet, the page not closed). */
  readonly wants: (lane: Lane) => boolean;
  readonly changed: () => void;
}

/**
 * Starts the Socket.IO lane's clients: loads the Socket.IO entry the first time (its own chunk),
 * then makes each client with the lane's kit, whose clock all of the lane's clients share.
 * Its latencies use that clock, sampled over the lane's own connection (the `time` ack): the
 * page's samples go over plain HTTP and say nothing of Socket.IO's path.
 */
export class SocketIoStarter {
  #entry: SocketIoKitMaker | undefined;
  #loading: Promise<SocketIoKitMaker> | undefined;
  #kit: SocketIoKit | undefined;

  constructor(readonly deps: SocketIoStarterDeps) {}

  /** Starts a client on `lane` from its resume cursor, once the entry is loaded (a failure to load is shown on the lane). */
  start(lane: Lane): void {
    const { deps } = this;
    const entry = this.#entry;
    if (entry === undefined) {
      this.#loading ??= deps.load();
      this.#loading.then(
        (loaded) => {
          this.#entry = loaded;
          if (deps.wants(lane)) this.start(lane);
        },
        (error: unknown) => {
          this.#loading = undefined;
          lane.error = `the Socket.IO client did not load: ${error instanceof Error ? error.message : error}`;
          deps.changed();
        },
      );
      return;
    }
    const kit = this.#kit ?? entry(deps.now, deps.websocketOnly());
    this.#kit = kit;
    const cursor = lane.resumeCursor;
    lane.start(() =>
      kit.create({
        baseUrl: deps.baseUrl(),
        channel: deps.channel(),
        transport: SOCKET_IO_LANE,
        ...(cursor === undefined ? {} : { cursor }),
        // The page keeps its own per-lane wire rings, which survive client replacement.
        wireLogSize: 0,
        now: deps.now,
      }),
    );
  }

  /**
   * Adds the lane to `lanes` (when the page runs, `startCursor` set: started from the channel's
   * head, as far as the other lanes have got) or removes it, with its client and clock.
   */
  turn(on: boolean, lanes: Lane[], make: () => Lane, startCursor: string | undefined): void {
    const lane = lanes.find((l) => l.id === SOCKET_IO_LANE);
    if (on && lane === undefined) {
      const added = make();
      lanes.push(added);
      if (startCursor === undefined) return;
      const head = headOf(lanes, startCursor);
      added.check.start(head.seq);
      added.resumeCursor = head.cursor;
      if (!added.paused) this.start(added);
    } else if (!on && lane !== undefined) {
      lanes.splice(lanes.indexOf(lane), 1);
      void lane.retire(false);
      this.stop();
    }
  }

  /** The lane went away (or the page closed): its clock stops; a lane added later gets a new one. */
  stop(): void {
    this.#kit?.clock.stop();
    this.#kit = undefined;
  }
}

/**
 * Where a lane turned on late starts: the furthest cursor of the running lanes (else `fallback`,
 * the page's start), and the seq the page's check starts from.
 */
export function headOf(
  lanes: readonly Lane[],
  fallback: string | undefined,
): { cursor: string | undefined; seq: number } {
  let cursor = fallback;
  const start = parseCursor(fallback);
  let seq = start?.kind === "at" ? start.seq : 0;
  for (const lane of lanes) {
    const parsed = parseCursor(lane.client?.cursor);
    if (parsed?.kind === "at" && parsed.seq > seq) {
      cursor = lane.client?.cursor;
      seq = parsed.seq;
    }
  }
  return { cursor, seq };
}
