import { afterEach, describe, expect, it, vi } from "vitest";
import { TransportRecorder } from "../transport-recorder.ts";
import { openBrowserEventSource } from "./browser-event-source.ts";
import { createFetchHttp } from "./fetch-http.ts";

/** Just enough of EventSource to refuse a stream. */
class FakeEventSource {
  static readonly CLOSED = 2;
  static last: FakeEventSource | undefined;
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(): void {}
  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("openBrowserEventSource", () => {
  it("aborts the status probe of a refused stream on close(), and reports nothing after it", async () => {
    let probeSignal: AbortSignal | undefined;
    vi.stubGlobal("EventSource", FakeEventSource);
    vi.stubGlobal("fetch", (_url: string, init: RequestInit) => {
      const signal = init.signal as AbortSignal;
      probeSignal = signal;
      // A server that never answers: only the abort settles it.
      return new Promise((_resolve, reject) => {
        signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    });
    const end = vi.fn();
    const http = createFetchHttp("http://127.0.0.1:1", new TransportRecorder("sse", () => 0));
    const stream = openBrowserEventSource(
      { http, path: "/api/channels/c/sse" },
      { open: () => {}, event: () => {}, comment: () => {}, end },
    );
    const source = FakeEventSource.last as FakeEventSource;
    source.readyState = FakeEventSource.CLOSED;
    source.onerror?.();
    expect(probeSignal?.aborted).toBe(false);

    stream.close();
    expect(probeSignal?.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(end).not.toHaveBeenCalled();
  });
});
