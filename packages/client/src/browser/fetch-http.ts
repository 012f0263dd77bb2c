import { httpResponseHeadBytes, utf8Length } from "@transport-lab/metrics";
import type { HttpClient, HttpRequest, HttpResult, HttpStreamHandlers, IoRecorder } from "../platform.ts";
import { estimateFetchRequestHead } from "./request-estimate.ts";
import { onResourceTiming } from "./resource-timing.ts";

/** How long to wait for a request's Resource Timing entry before counting its body as computed. */
const TIMING_WAIT_MS = 2000;

/**
 * HTTP over the platform's `fetch`. No counter sees request bytes or
 * response headers, so those are computed (request heads estimated, response
 * heads from the headers fetch exposes); a response body is counted by its
 * length as soon as it is read, and replaced by Resource Timing's
 * `encodedBodySize` when the entry arrives (same origin or `Timing-Allow-Origin`). `transferSize` is
 * not used: the spec defines it as encodedBodySize + 300, not a real header count.
 */
export function createFetchHttp(baseUrl: string, recorder: IoRecorder): HttpClient {
  const controllers = new Set<AbortController>();
  const pendingTimings = new Set<() => void>();

  /** Links the caller's signal to a controller of ours, so close() can abort everything. */
  function control(signal: AbortSignal | undefined): AbortController {
    const controller = new AbortController();
    controllers.add(controller);
    if (signal !== undefined) {
      if (signal.aborted) controller.abort();
      else signal.addEventListener("abort", () => controller.abort(), { once: true });
    }
    return controller;
  }

  /**
   * Counts a response body at once from its text, so that a figure read at any moment (a window
   * closing, a panel pausing right after an answer) holds the whole answer; its Resource Timing
   * entry, which comes a few to hundreds of ms later or never, then replaces that size by the
   * measured one.
   */
  function countBody(url: string, startedAt: number, bodyBytes: number): void {
    recorder.computedIn(bodyBytes, false);
    const cancel = onResourceTiming(url, startedAt, TIMING_WAIT_MS, (entry) => {
      pendingTimings.delete(cancel);
      if (entry !== undefined && entry.encodedBodySize > 0)
        recorder.measuredIn(entry.encodedBodySize, bodyBytes);
    });
    pendingTimings.add(cancel);
  }

  return {
    baseUrl,
    recorder,
    measured: false,
    async request({ method, path, body, signal, purpose }: HttpRequest): Promise<HttpResult> {
      const url = new URL(baseUrl + path);
      const bodyBytes = body === undefined ? undefined : utf8Length(body);
      const requestBytes = estimateFetchRequestHead(method, url, bodyBytes) + (bodyBytes ?? 0);
      const controller = control(signal);
      recorder.countRequest(purpose);
      recorder.computedOut(requestBytes, false);
      try {
        const init: RequestInit = { method, signal: controller.signal, cache: "no-store" };
        if (body !== undefined) {
          init.body = body;
          init.headers = { "Content-Type": "application/json" };
        }
        const startedAt = performance.now();
        const res = await fetch(url, init);
        const text = await res.text();
        const head = httpResponseHeadBytes(res.status, res.statusText, res.headers);
        const responseBodyBytes = utf8Length(text);
        recorder.computedIn(head, false);
        countBody(url.href, startedAt, responseBodyBytes);
        return {
          status: res.status,
          body: text,
          requestBytes,
          responseBytes: head + responseBodyBytes,
          sizeSource: "computed",
        };
      } catch (error) {
        recorder.countFailure(purpose);
        throw error;
      } finally {
        controllers.delete(controller);
      }
    },

    stream(path, headers, handlers: HttpStreamHandlers) {
      // A streaming fetch reader: used for SSE where the platform has no EventSource.
      const controller = control(undefined);
      let done = false;
      const url = new URL(baseUrl + path);
      recorder.countRequest("connect");
      recorder.computedOut(estimateFetchRequestHead("GET", url, undefined), false);
      void (async () => {
        try {
          const res = await fetch(url, { headers, signal: controller.signal, cache: "no-store" });
          recorder.computedIn(httpResponseHeadBytes(res.status, res.statusText, res.headers), false);
          if (done) return;
          handlers.response(res.status, res.headers.get("content-type") ?? "");
          const reader = res.body?.getReader();
          if (reader === undefined) throw new Error("response without a body");
          for (;;) {
            const { value, done: ended } = await reader.read();
            if (ended || done) break;
            handlers.data(value);
          }
          if (!done) {
            done = true;
            handlers.end(undefined);
          }
        } catch (error) {
          if (!done) {
            done = true;
            recorder.countFailure("connect");
            handlers.end(error as Error);
          }
        } finally {
          controllers.delete(controller);
        }
      })();
      return () => {
        done = true;
        controller.abort();
      };
    },

    async close() {
      for (const controller of controllers) controller.abort();
      controllers.clear();
      for (const cancel of [...pendingTimings]) cancel();
    },
  };
}
