import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { CLOSE_CODES, GUEST_CHANNEL, GUEST_CHAT_NAMES, WS_READY_STATE } from "@transport-lab/protocol";
import type { RawData, WebSocketServer } from "ws";
import type { Channel, Connection, CutReason } from "../channel.ts";
import type { LogSubscriber } from "../channel-log.ts";
import { type AppContext, addressOf } from "../context.ts";
import { ApiError } from "../errors.ts";
import type { LogEntry } from "../log-entry.ts";
import type { PeerSocket, WsPeer } from "./peer-socket.ts";
import { admitUpgrade, refuseWith } from "./ws.ts";
import { sendFrame, textFrame } from "./ws-frame.ts";
import { SLOW_CLOSE_GRACE_MS, terminate } from "./ws-session.ts";

/** The first frame a plain client gets, as the classic example's server sends one. */
export const WELCOME =
  "Welcome! This is Transport Lab's chat: what you send reaches everyone here and the lab's Chat view.";

/** Close codes of the plain endpoint beyond the lab's (RFC 6455 §7.4.1). */
const PLAIN_CLOSE = { unsupportedData: 1003, policyViolation: 1008 } as const;

/**
 * What a plain client receives for a message of the channel: the bare text of a chat line sent by
 * a plain client (so the example's echo comes back as it was sent), `name: text` for any other
 * chat line, a string as it is, and any other data as its JSON.
 */
export function plainText(data: unknown): string {
  if (typeof data === "string") return data;
  const chat = (data as { chat?: { name?: unknown; text?: unknown } } | null)?.chat;
  if (typeof chat?.name === "string" && typeof chat.text === "string") {
    return chat.name === GUEST_CHAT_NAMES.plainWs ? chat.text : `${chat.name}: ${chat.text}`;
  }
  return JSON.stringify(data);
}

/** One plain client: held on `chat` like any connection, and a heartbeat peer. */
class PlainClient implements Connection, WsPeer {
  readonly transport = "plainWs";
  alive = true;

  constructor(
    readonly ws: PeerSocket,
    readonly address: string,
    readonly endpoint: PlainWsEndpoint,
  ) {}

  /** Hub contract: as the lab's WebSockets, 1012 for a disconnect, 1001 at shutdown. */
  cut(reason: CutReason): void {
    this.ws.close(reason === "shutdown" ? CLOSE_CODES.goingAway : CLOSE_CODES.serviceRestart, reason);
  }

  message(raw: RawData, isBinary: boolean): void {
    this.endpoint.message(this, raw, isBinary);
  }

  failed(): void {
    this.endpoint.ctx.counters.transports.plainWs.errors += 1;
  }

  closed(): void {
    this.endpoint.closed(this);
  }
}

/**
 * `ws://host:port/`: the classic chat example's server. Text frames in, text frames out, a
 * welcome on connect, every text frame broadcast to everyone connected here. Each frame becomes
 * a chat line on the `chat` channel, so the lab's views show it, and every message of `chat`
 * reaches the plain clients as text (see {@link plainText}). Bounded like every input: the frame
 * limit (1009), the per-address rate limit (close 1008), the connection caps (503 before the
 * handshake) and the send-buffer limit (1013).
 *
 * One log subscriber for all plain clients: each message's frame is built once and written to
 * every socket.
 */
export class PlainWsEndpoint implements LogSubscriber {
  readonly #clients = new Set<PlainClient>();
  #channel: Channel | undefined;

  constructor(
    readonly ctx: AppContext,
    readonly wss: WebSocketServer,
  ) {}

  /** Takes an upgrade of {@link PLAIN_WS_PATH}. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { ctx } = this;
    const stats = ctx.counters.transports.plainWs;
    stats.requests += 1;
    const address = addressOf(req.socket);
    let channel: Channel | undefined;
    try {
      admitUpgrade(ctx, req);
      ctx.hub.checkCapacity(address);
      channel = await ctx.hub.obtainHeld(GUEST_CHANNEL, address, () => socket.destroyed);
    } catch (err) {
      stats.errors += 1;
      refuseWith(socket, err);
      return;
    }
    if (!channel) return; // the client left while the channel was obtained
    // The server's `ws` server makes PeerSockets (its `WebSocket` option).
    this.wss.handleUpgrade(req, socket, head, (ws) => this.#open(ws as PeerSocket, channel, address));
  }

  #open(ws: PeerSocket, channel: Channel, address: string): void {
    const client = new PlainClient(ws, address, this);
    ws.peer = client;
    this.ctx.hub.attach(channel, client);
    ws.send(WELCOME);
    this.#channel = channel;
    // On every open, not only the first: a log that began a new epoch (its shared store lost its
    // data) dropped its subscribers while the clients it cut were still closing. Subscribing twice
    // changes nothing.
    channel.log.subscribe(this);
    this.#clients.add(client);
  }

  /** Log subscriber contract: one frame for the message, written to every plain client. */
  receive(entry: LogEntry): void {
    const stats = this.ctx.counters.transports.plainWs;
    const { maxBufferedBytes } = this.ctx.options;
    const frame = textFrame(plainText((JSON.parse(entry.json) as { data: unknown }).data));
    for (const { ws } of this.#clients) {
      if (ws.readyState !== WS_READY_STATE.open) continue;
      if (ws.bufferedAmount > maxBufferedBytes) {
        stats.errors += 1;
        ws.close(CLOSE_CODES.tryAgainLater, "slow consumer");
        setTimeout(terminate, SLOW_CLOSE_GRACE_MS, ws).unref();
        continue;
      }
      stats.messagesOut += 1;
      stats.bytesOut += sendFrame(ws, frame);
    }
  }

  /** A text frame from a plain client: a chat line on `chat`. */
  message(client: PlainClient, raw: RawData, isBinary: boolean): void {
    const { ctx } = this;
    const { options, counters } = ctx;
    // Frames still arriving after this side closed (the close handshake under way) are dropped.
    if (client.ws.readyState !== WS_READY_STATE.open) return;
    if (!ctx.publishLimiter.take(client.address)) {
      counters.publishes.rateLimited += 1;
      counters.transports.plainWs.errors += 1;
      client.ws.close(PLAIN_CLOSE.policyViolation, `rate limit: ${options.rateLimit} messages/s`);
      return;
    }
    if (isBinary) {
      counters.transports.plainWs.errors += 1;
      client.ws.close(PLAIN_CLOSE.unsupportedData, "text frames only");
      return;
    }
    const dataJson = JSON.stringify({ chat: { name: GUEST_CHAT_NAMES.plainWs, text: raw.toString() } });
    if (Buffer.byteLength(dataJson) > options.maxBodyBytes) {
      counters.transports.plainWs.errors += 1;
      client.ws.close(CLOSE_CODES.messageTooBig, "message too big");
      return;
    }
    const channel = this.#channel;
    if (channel === undefined) return;
    counters.publishes.plainWs += 1;
    // The address's publish budget is shared by every instance (the local limiter took one above).
    ctx.hub.append(channel, dataJson, client.address).catch((err: unknown) => {
      counters.transports.plainWs.errors += 1;
      if (err instanceof ApiError && err.code === "rate_limited") {
        client.ws.close(PLAIN_CLOSE.policyViolation, `rate limit: ${options.rateLimit} messages/s`);
      } else if (!(err instanceof ApiError)) console.error("[plain ws] publish failed", err);
    });
  }

  closed(client: PlainClient): void {
    if (!this.#clients.delete(client)) return;
    const channel = this.#channel;
    if (channel === undefined) return;
    this.ctx.hub.detach(channel, client);
    if (this.#clients.size === 0) {
      channel.log.unsubscribe(this);
      this.#channel = undefined;
    }
  }
}
