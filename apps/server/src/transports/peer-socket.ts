import { type RawData, WebSocket } from "ws";

/** What a socket of the server's `ws` server hands its events to: a lab session or a plain client. */
export interface WsPeer {
  /** Answered the last heartbeat ping. */
  alive: boolean;
  /** The transport whose error counter a dropped peer counts into. */
  readonly transport: "ws" | "plainWs";
  /** A frame from the client. */
  message(raw: RawData, isBinary: boolean): void;
  /** A socket error (a `close` follows). */
  failed(): void;
  /** The socket closed. */
  closed(): void;
}

/**
 * The `ws` socket class of the server's `WebSocketServer` (its `WebSocket` option): it hands
 * `message`, `pong`, `error` and `close` to its peer straight from `emit`, so that a connection
 * carries no listener of its own. Four listeners per socket grow its emitter's event table, a
 * dictionary-mode object, by a few hundred bytes: at 10,000 idle connections that was most of what
 * this server held per connection beyond raw `ws` (docs/benchmarks.md). Every event still reaches
 * listeners others added (the server's client tracking listens for `close`).
 */
export class PeerSocket extends WebSocket {
  peer: WsPeer | undefined = undefined;

  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own signature
  override emit(event: string | symbol, ...args: any[]): boolean {
    const peer = this.peer;
    if (peer !== undefined) {
      switch (event) {
        case "message":
          peer.message(args[0] as RawData, args[1] as boolean);
          return true;
        case "pong":
          peer.alive = true;
          return true;
        case "error":
          // Handled here: an `error` without listeners would throw.
          peer.failed();
          return true;
        case "close":
          peer.closed();
          break;
      }
    }
    return super.emit(event, ...args);
  }
}

/** The peer of a socket, if it has one. */
export const peerOf = (ws: WebSocket): WsPeer | undefined => (ws instanceof PeerSocket ? ws.peer : undefined);
