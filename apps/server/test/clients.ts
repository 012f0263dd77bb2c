import { spawn } from "node:child_process";
import {
  type Decoded,
  decodeServerFrame,
  decodeStreamEvent,
  type Envelope,
  type ServerFrame,
} from "@transport-lab/protocol";
import { EventSource } from "eventsource";
import { type ClientOptions, WebSocket } from "ws";

/**
 * Thin wrappers around clients the project did not write (`ws`, `eventsource`,
 * `curl -N`) that queue what they receive, so a test can await it in order.
 */

/** An async FIFO: producers `push`, tests `next()` with a timeout. */
export class Inbox<T> {
  readonly #items: T[] = [];
  readonly #waiters = new Set<() => void>();
  #ended = false;

  #wakeAll(): void {
    for (const wake of this.#waiters) wake();
  }

  push(item: T): void {
    this.#items.push(item);
    this.#wakeAll();
  }

  /** No more items will come; pending and later `next()` calls fail once the buffer is empty. */
  end(): void {
    this.#ended = true;
    this.#wakeAll();
  }

  get size(): number {
    return this.#items.length;
  }

  /** Everything buffered right now, removed from the inbox. */
  drain(): T[] {
    return this.#items.splice(0);
  }

  async next(timeoutMs = 3000, what = "item"): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    while (this.#items.length === 0) {
      if (this.#ended) throw new Error(`inbox ended while waiting for ${what}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
    return this.#items.shift() as T;
  }

  async take(n: number, timeoutMs = 5000, what = "item"): Promise<T[]> {
    const deadline = performance.now() + timeoutMs;
    const out: T[] = [];
    while (out.length < n) {
      out.push(await this.next(Math.max(1, deadline - performance.now()), `${what} ${out.length + 1}/${n}`));
    }
    return out;
  }
}

/** What the protocol's decoder made of a frame or event: a test fails on anything that is not the protocol. */
function valid<T>(decoded: Decoded<T>, text: string): T {
  if (!decoded.ok)
    throw new Error(`the server sent what is not the protocol (${decoded.error}): ${text.slice(0, 200)}`);
  return decoded.value;
}

/** The envelope of a WebSocket `message` frame (its `type` removed). */
export function envelopeOf(frame: ServerFrame): Envelope {
  if (frame.type !== "message") throw new Error(`expected a message frame, got ${JSON.stringify(frame)}`);
  const { type: _type, ...envelope } = frame;
  return envelope;
}

/** One parsed SSE event (or comment) as a generic client would see it. */
export interface SseEvent {
  /** `message` when the stream named none; `comment` for `: …` lines. */
  event: string;
  data: string;
  id: string | undefined;
  retry: number | undefined;
  /** The event's text exactly as it came off the wire (without the blank line). */
  raw: string;
}

/** Splits `text` into complete SSE events; returns them and the unconsumed rest. */
export function parseSse(text: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  let rest = text;
  for (let end = rest.indexOf("\n\n"); end !== -1; end = rest.indexOf("\n\n")) {
    const raw = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const event: SseEvent = { event: "message", data: "", id: undefined, retry: undefined, raw };
    const data: string[] = [];
    let comment = true;
    for (const line of raw.split("\n")) {
      if (line.startsWith(":")) continue;
      comment = false;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event.event = value;
      else if (field === "data") data.push(value);
      else if (field === "id") event.id = value;
      else if (field === "retry") event.retry = Number(value);
    }
    if (comment) event.event = "comment";
    event.data = data.join("\n");
    events.push(event);
  }
  return { events, rest };
}

/** `curl -N` reading an SSE stream, parsed event by event. */
export interface CurlSse {
  readonly events: Inbox<SseEvent>;
  /** Everything curl printed so far (headers first when `includeHeaders`). */
  output(): string;
  /** Resolves with curl's exit code when it exits (the stream ended or it was killed). */
  readonly exited: Promise<number | null>;
  kill(): void;
}

/** Starts `/usr/bin/curl -N -sS` on `url`; with `includeHeaders` the response head is printed too (`-i`). */
export function curlSse(
  url: string,
  opts: { headers?: Record<string, string>; includeHeaders?: boolean } = {},
): CurlSse {
  const args = ["-N", "-sS", "--max-time", "30"];
  if (opts.includeHeaders) args.push("-i");
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push("-H", `${k}: ${v}`);
  args.push(url);
  const child = spawn("/usr/bin/curl", args, { stdio: ["ignore", "pipe", "pipe"] });
  const events = new Inbox<SseEvent>();
  let all = "";
  let pending = "";
  let headDone = !opts.includeHeaders;
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    all += chunk;
    pending += chunk;
    if (!headDone) {
      const end = pending.indexOf("\r\n\r\n");
      if (end === -1) return;
      pending = pending.slice(end + 4);
      headDone = true;
    }
    const { events: parsed, rest } = parseSse(pending);
    pending = rest;
    for (const e of parsed) events.push(e);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on("close", (code) => {
      events.end();
      resolve(code);
    });
    child.on("error", (err) => {
      events.end();
      throw new Error(`cannot run /usr/bin/curl: ${err.message}`);
    });
  });
  return {
    events,
    output: () => all,
    exited,
    kill: () => {
      if (child.exitCode === null) child.kill();
    },
  };
}

/** A `ws` client with every received frame queued. */
export interface WsClient {
  readonly socket: WebSocket;
  /** Next frame, parsed. */
  next(timeoutMs?: number): Promise<ServerFrame>;
  /** Next frame's raw text. */
  nextRaw(timeoutMs?: number): Promise<string>;
  /** The next `n` frames, which must all be messages; their envelopes. */
  messages(n: number, timeoutMs?: number): Promise<Envelope[]>;
  send(frame: unknown): void;
  /** Resolves when the socket closes, with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Frames received and not yet read. */
  readonly pending: number;
}

/** Opens a WebSocket; resolves once open, rejects with the status of a refused upgrade. */
export function openWs(url: string, options: ClientOptions = {}): Promise<WsClient> {
  const socket = new WebSocket(url, options);
  const inbox = new Inbox<string>();
  socket.on("message", (data, isBinary) => {
    inbox.push(isBinary ? `<binary ${String(data)}>` : String(data));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on("close", (code, reason) => {
      inbox.end();
      resolve({ code, reason: reason.toString() });
    });
  });
  const client: WsClient = {
    socket,
    nextRaw: (timeoutMs = 3000) => inbox.next(timeoutMs, "a WebSocket frame"),
    next: async (timeoutMs = 3000) => {
      const text = await inbox.next(timeoutMs, "a WebSocket frame");
      return valid(decodeServerFrame(text), text);
    },
    async messages(n, timeoutMs = 5000) {
      const texts = await inbox.take(n, timeoutMs, "WebSocket message");
      return texts.map((t) => envelopeOf(valid(decodeServerFrame(t), t)));
    },
    send: (frame) => socket.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    closed,
    get pending() {
      return inbox.size;
    },
  };
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve(client));
    // Kept for the socket's life: a later error (a reset after terminate) must not go unhandled.
    socket.on("error", reject);
    socket.once("unexpected-response", (req, res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => {
        req.destroy();
        reject(new RefusedUpgrade(res.statusCode ?? 0, body, res.headers["content-length"]));
      });
    });
  });
}

/** A WebSocket upgrade the server answered with an HTTP status instead of 101. */
export class RefusedUpgrade extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentLength: string | undefined,
  ) {
    super(`upgrade refused with ${status}`);
  }
}

/** Opens a WebSocket expecting a refusal; returns the status, body and content-length. */
export async function refusedWs(url: string, options: ClientOptions = {}): Promise<RefusedUpgrade> {
  try {
    const client = await openWs(url, options);
    client.socket.terminate();
  } catch (err) {
    if (err instanceof RefusedUpgrade) return err;
    throw err;
  }
  throw new Error(`upgrade of ${url} was accepted`);
}

/** An `eventsource` client whose `hello`, `reset` and default events are queued in arrival order. */
export interface EsClient {
  readonly source: EventSource;
  readonly events: Inbox<{ type: string; data: string; lastEventId: string }>;
  /** Counts `error` events (each is a dropped stream or failed reconnect). */
  readonly errors: number;
  /** Resolves on the next `error` event. */
  nextError(timeoutMs?: number): Promise<void>;
  /** The next `n` events, which must all be messages; their envelopes. */
  messages(n: number, timeoutMs?: number): Promise<Envelope[]>;
  close(): void;
}

/** Opens an EventSource; `lastEventId` is sent as the `Last-Event-ID` header of the first request. */
export async function openEventSource(url: string, lastEventId?: string): Promise<EsClient> {
  let first = true;
  const source = new EventSource(url, {
    fetch: (input, init) => {
      const headers: Record<string, string> = { ...init.headers };
      if (first && lastEventId !== undefined) headers["Last-Event-ID"] = lastEventId;
      first = false;
      return fetch(input, { ...init, headers });
    },
  });
  const events = new Inbox<{ type: string; data: string; lastEventId: string }>();
  const errorInbox = new Inbox<void>();
  let errors = 0;
  for (const type of ["hello", "reset", "message"]) {
    source.addEventListener(type, (e) => {
      events.push({ type, data: e.data, lastEventId: e.lastEventId });
    });
  }
  source.addEventListener("error", () => {
    errors += 1;
    errorInbox.push();
  });
  await new Promise<void>((resolve, reject) => {
    source.addEventListener("open", () => resolve(), { once: true });
    source.addEventListener("error", (e) => reject(new Error(`EventSource failed: ${e.message}`)), {
      once: true,
    });
  });
  return {
    source,
    events,
    get errors() {
      return errors;
    },
    nextError: (timeoutMs = 3000) => errorInbox.next(timeoutMs, "an EventSource error"),
    async messages(n, timeoutMs = 5000) {
      const got = await events.take(n, timeoutMs, "SSE message");
      return got.map((e) => {
        if (e.type !== "message") throw new Error(`expected a message event, got ${JSON.stringify(e)}`);
        return envelopeOf(valid(decodeStreamEvent("message", e.data), e.data));
      });
    },
    close: () => source.close(),
  };
}
