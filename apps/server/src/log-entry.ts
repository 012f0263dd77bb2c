import { formatCursor } from "@transport-lab/protocol";
import { textFrame } from "./transports/ws-frame.ts";

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
  #sseChunk: Buffer | undefined;
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

  /**
   * The WebSocket `message` frame, header included (`{"type":"message",…}` as one unmasked text
   * frame), encoded once and written as it is to every socket.
   */
  get wsFrame(): Buffer {
    this.#wsFrame ??= textFrame(`{"type":"message",${this.json.slice(1)}`);
    return this.#wsFrame;
  }

  /** The SSE event: `id: <cursor>` + `data: <envelope>`; JSON text never contains a raw newline. */
  get sseEvent(): Buffer {
    this.#sseEvent ??= Buffer.from(this.#sseText());
    return this.#sseEvent;
  }

  /** {@link sseEvent} as one HTTP/1.1 chunk (`<hex length>\r\n<event>\r\n`), for streams written past Node's chunking. */
  get sseChunk(): Buffer {
    if (this.#sseChunk === undefined) {
      const event = this.#sseText();
      const bytes = Buffer.byteLength(event);
      this.#sseChunk = Buffer.from(`${bytes.toString(16)}\r\n${event}\r\n`);
    }
    return this.#sseChunk;
  }

  /** Bytes of {@link sseEvent} (what a stream counts as sent), read off {@link sseChunk}'s framing. */
  get sseEventBytes(): number {
    const chunk = this.sseChunk;
    // `<hex>\r\n` before the event and `\r\n` after it.
    return chunk.length - chunk.indexOf(13) - 4;
  }

  /** The poll answer for a client whose cursor was just before this entry (every held long-poll's wake-up). */
  get pollBody(): Buffer<ArrayBuffer> {
    this.#pollBody ??= Buffer.from(
      `{"cursor":"${formatCursor(this.epoch, this.seq)}","messages":[${this.json}]}`,
    );
    return this.#pollBody;
  }

  #sseText(): string {
    return `id: ${formatCursor(this.epoch, this.seq)}\ndata: ${this.json}\n\n`;
  }
}
