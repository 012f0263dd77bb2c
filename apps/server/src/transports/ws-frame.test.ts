import { describe, expect, it } from "vitest";
import * as ws from "ws";
import { frameHeaderBytes, textFrame } from "./ws-frame.ts";

/** `ws`'s frame parser (exported at run time, not in its types). */
interface FrameReceiver {
  on(event: "message", listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: "error", listener: (err: Error) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver;
};

/** Decodes frames the way a `ws` client does (unmasked, server → client). */
function decode(frames: Buffer[]): string[] {
  const out: string[] = [];
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  receiver.on("message", (data, isBinary) => out.push(isBinary ? "<binary>" : data.toString()));
  receiver.on("error", (err) => out.push(`<error ${err.message}>`));
  for (const frame of frames) receiver.write(frame);
  return out;
}

describe("textFrame", () => {
  it("builds complete unmasked FIN text frames with the 7-, 16- and 64-bit lengths at their boundaries", () => {
    const cases = [0, 1, 125, 126, 127, 65_535, 65_536, 100_000].map((n) => ({ n, text: "x".repeat(n) }));
    const frames = cases.map(({ text }) => textFrame(text));
    expect(frames.map(frameHeaderBytes)).toEqual([2, 2, 2, 4, 4, 4, 10, 10]);
    expect(frames.map((f) => f[0])).toEqual(cases.map(() => 0x81));
    expect(frames.map((f) => f.length - frameHeaderBytes(f))).toEqual(cases.map(({ n }) => n));
    expect(decode(frames)).toEqual(cases.map(({ text }) => text));
  });

  it("counts UTF-8 bytes, not characters", () => {
    const text = "é€😀".repeat(50); // 9 bytes per repeat: 450 bytes, 200 UTF-16 units
    const frame = textFrame(text);
    expect(frame.readUInt16BE(2)).toBe(450);
    expect(decode([frame])).toEqual([text]);
  });
});
