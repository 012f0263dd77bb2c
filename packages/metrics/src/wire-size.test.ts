import { describe, expect, it } from "vitest";
import {
  chunkedEncodingOverhead,
  httpRequestHeadBytes,
  httpResponseHeadBytes,
  sseCommentBytes,
  sseEventBytes,
  utf8Length,
  wsFrameBytes,
  wsFrameHeaderBytes,
} from "./wire-size.ts";

const encoder = new TextEncoder();
const bytesOf = (text: string) => encoder.encode(text).length;

describe("utf8Length", () => {
  it("counts 1–4 bytes per code point and 3 for a lone surrogate", () => {
    expect(utf8Length("")).toBe(0);
    expect(utf8Length("abc")).toBe(3);
    expect(utf8Length("é")).toBe(2);
    expect(utf8Length("€")).toBe(3);
    expect(utf8Length("😀")).toBe(4);
    expect(utf8Length("a😀b")).toBe(6);
    expect(utf8Length("\ud800")).toBe(3);
    expect(utf8Length("\udc00x")).toBe(4);
    expect(utf8Length("\ud83dx")).toBe(4);
  });

  it("agrees with TextEncoder", () => {
    const text = '{"data":"héllo wörld € 😀 𝄞 \ud800 tail","n":1}';
    expect(utf8Length(text)).toBe(bytesOf(text));
  });
});

describe("WebSocket frames (RFC 6455)", () => {
  it.each([
    [0, false, 2],
    [125, false, 127],
    [126, false, 130],
    [65_535, false, 65_539],
    [65_536, false, 65_546],
    [70_000, false, 70_010],
    [10, true, 16],
    [126, true, 134],
    [70_000, true, 70_014],
  ])("a %i-byte payload (masked: %s) is %i bytes", (length, masked, total) => {
    expect(wsFrameBytes(length, masked)).toBe(total);
    expect(wsFrameHeaderBytes(length, masked)).toBe(total - length);
  });
});

describe("SSE framing", () => {
  it("counts id and data lines plus the blank line", () => {
    const data = '{"channel":"chat","seq":42,"time":1764112345678.3,"data":"é"}';
    expect(sseEventBytes({ id: "abc:42", data })).toBe(bytesOf(`id: abc:42\ndata: ${data}\n\n`));
  });

  it("prefixes every data line and counts event and retry", () => {
    expect(sseEventBytes({ event: "hello", data: "a\nb\n" })).toBe(
      bytesOf("event: hello\ndata: a\ndata: b\ndata: \n\n"),
    );
    expect(sseEventBytes({ data: "", retry: 3000 })).toBe(bytesOf("retry: 3000\ndata: \n\n"));
  });

  it("counts a comment", () => {
    expect(sseCommentBytes("ping")).toBe(bytesOf(": ping\n\n"));
  });
});

describe("HTTP/1.1 heads", () => {
  it("counts a request line, header lines and the blank line", () => {
    const head =
      "GET /api/channels/chat/poll?cursor=abc:1 HTTP/1.1\r\nHost: localhost:3000\r\nAccept: */*\r\n\r\n";
    const headers = { Host: "localhost:3000", Accept: "*/*" };
    expect(httpRequestHeadBytes("GET", "/api/channels/chat/poll?cursor=abc:1", headers)).toBe(head.length);
    expect(httpRequestHeadBytes("GET", "/api/channels/chat/poll?cursor=abc:1", Object.entries(headers))).toBe(
      head.length,
    );
    expect(httpRequestHeadBytes("POST", "/", new Map([["Content-Length", "12"]]))).toBe(
      "POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n".length,
    );
  });

  it("counts a status line, repeated and numeric headers, and skips undefined ones", () => {
    const head =
      "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 27\r\nvary: a\r\nvary: b\r\n\r\n";
    expect(
      httpResponseHeadBytes(200, "OK", {
        "content-type": "application/json",
        "content-length": 27,
        vary: ["a", "b"],
        etag: undefined,
      }),
    ).toBe(head.length);
    expect(httpResponseHeadBytes(101, "Switching Protocols", {})).toBe(
      "HTTP/1.1 101 Switching Protocols\r\n\r\n".length,
    );
  });
});

describe("chunkedEncodingOverhead", () => {
  it.each([
    [1, "1\r\n\r\n"],
    [255, "ff\r\n\r\n"],
    [4096, "1000\r\n\r\n"],
    [0, "0\r\n\r\n"],
  ])("a %i-byte chunk adds %j", (size, framing) => {
    expect(chunkedEncodingOverhead(size)).toBe(framing.length);
  });
});
