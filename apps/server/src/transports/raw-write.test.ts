import { connect, createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { writeCoalesced } from "./raw-write.ts";

describe("writeCoalesced", () => {
  it("writes of one tick to one socket leave as one writev, in order, uncorked by the next tick", async () => {
    const received: Buffer[] = [];
    const server = createServer((s) => s.on("data", (d: Buffer) => received.push(d)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const socket: Socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    const writes: number[] = [];
    const proto = socket as unknown as {
      _writev(chunks: { chunk: Buffer }[], cb: () => void): void;
      _write(chunk: Buffer, enc: string, cb: () => void): void;
    };
    const writev = proto._writev.bind(socket);
    const write = proto._write.bind(socket);
    proto._writev = (chunks, cb) => {
      writes.push(chunks.length);
      writev(chunks, cb);
    };
    proto._write = (chunk, enc, cb) => {
      writes.push(1);
      write(chunk, enc, cb);
    };
    for (let i = 0; i < 10; i++) writeCoalesced(socket, Buffer.from(`${i},`));
    expect(socket.writableCorked).toBe(1);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(socket.writableCorked).toBe(0);
    expect(writes).toEqual([10]);
    writeCoalesced(socket, Buffer.from("next tick"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([10, 1]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(Buffer.concat(received).toString()).toBe("0,1,2,3,4,5,6,7,8,9,next tick");
    socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
});
