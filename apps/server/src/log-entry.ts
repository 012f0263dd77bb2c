import { formatCursor } from "@transport-lab/protocol";

/**
 * One sequenced message. It keeps the client's `data` as its JSON text and
 * builds each wire format the first time a transport asks for it, once for
 * every subscriber of that format.
 */
export class LogEntry {
  /** The envelope as JSON text: `{"channel","seq","time","data"}`. */
  readonly json: string;
  /** UTF-8 bytes of {@link json}: what the entry counts against the log's byte budget. */
  readonly size: number;
  #wsFrame: Buffer | undefined;
  #sseEvent: Buffer | undefined;
  #pollBody: Buffer<ArrayBuffer> | undefined;

  constructor(
    readonly channel: string,
    readonly epoch: string,
    readonly seq: number,
    readonly time: number,
    /** `JSON.stringify(data)`, computed once at publish; kept only inside {@link json}. */
    dataJson: string,
  ) {
    this.json = `{"channel":${JSON.stringify(channel)},"seq":${seq},"time":${time},"data":${dataJson}}`;
    this.size = Buffer.byteLength(this.json);
  }

  /** The WebSocket `message` frame, encoded once (ws would re-encode a string per client). */
  get wsFrame(): Buffer {
    this.#wsFrame ??= Buffer.from(`{"type":"message",${this.json.slice(1)}`);
    return this.#wsFrame;
  }

  /** The SSE event: `id: <cursor>` + `data: <envelope>`; JSON text never contains a raw newline. */
  get sseEvent(): Buffer {
    this.#sseEvent ??= Buffer.from(`id: ${formatCursor(this.epoch, this.seq)}\ndata: ${this.json}\n\n`);
    return this.#sseEvent;
  }

  /** The poll answer for a client whose cursor was just before this entry (every held long-poll's wake-up). */
  get pollBody(): Buffer<ArrayBuffer> {
    this.#pollBody ??= Buffer.from(
      `{"cursor":"${formatCursor(this.epoch, this.seq)}","messages":[${this.json}]}`,
    );
    return this.#pollBody;
  }
}
