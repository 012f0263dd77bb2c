import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import { chunkedEncodingOverhead, httpRequestHeadBytes, httpResponseHeadBytes } from "@transport-lab/metrics";
import type {
  ByteProbe,
  HttpClient,
  HttpRequest,
  HttpResult,
  HttpStreamHandlers,
  IoRecorder,
} from "../platform.ts";

/** A socket's counters as a probe, plus where the last completed exchange left them. */
class SocketProbe implements ByteProbe {
  markIn = 0;
  markOut = 0;
  constructor(readonly socket: Socket) {}
  get bytesIn(): number {
    return this.socket.bytesRead;
  }
  get bytesOut(): number {
    return this.socket.bytesWritten;
  }
}

/**
 * `node:http` with a keep-alive Agent of its own, so that every socket it
 * opens belongs to one transport of one client and its `bytesRead` /
 * `bytesWritten` are that transport's wire bytes, headers and chunked framing
 * included ("measured"). The protocol-computed size is kept beside it as a
 * cross-check. Requests on one socket never overlap (HTTP/1.1, no
 * pipelining), so the counter deltas between two exchanges are exact.
 */
export function createNodeHttp(baseUrl: string, recorder: IoRecorder): HttpClient {
  const url = new URL(baseUrl);
  const mod = url.protocol === "https:" ? https : http;
  let agent = new mod.Agent({ keepAlive: true });
  const host = url.hostname;
  const port = url.port;
  const hostHeader = url.host;
  const basePath = url.pathname.replace(/\/$/, "");
  const probes = new Map<Socket, SocketProbe>();
  const inflight = new Set<http.ClientRequest>();
  /** Resolves once every socket has closed; shared by every close() made while it is pending. */
  let allClosed: { promise: Promise<void>; resolve: () => void } | undefined;

  function track(socket: Socket): SocketProbe {
    let probe = probes.get(socket);
    if (probe === undefined) {
      const created = new SocketProbe(socket);
      probe = created;
      probes.set(socket, created);
      recorder.attach(created);
      socket.once("close", () => {
        recorder.retire(created);
        probes.delete(socket);
        if (probes.size === 0 && allClosed !== undefined) {
          const { resolve } = allClosed;
          allClosed = undefined;
          resolve();
        }
      });
    }
    return probe;
  }

  function requestHead(
    method: string,
    path: string,
    headers: Record<string, string | number> | undefined,
  ): number {
    // Node adds Host and Connection to the headers we set.
    return httpRequestHeadBytes(method, path, { ...headers, Host: hostHeader, Connection: "keep-alive" });
  }

  function responseHead(res: http.IncomingMessage): number {
    return httpResponseHeadBytes(res.statusCode ?? 0, res.statusMessage ?? "", headerPairs(res.rawHeaders));
  }

  return {
    baseUrl,
    recorder,
    measured: true,
    request({ method, path, body, signal, purpose }: HttpRequest): Promise<HttpResult> {
      return new Promise((resolve, reject) => {
        const fullPath = basePath + path;
        const bodyBuffer = body === undefined ? undefined : Buffer.from(body);
        const headers =
          bodyBuffer === undefined
            ? undefined
            : { "Content-Type": "application/json", "Content-Length": bodyBuffer.length };
        const options: http.RequestOptions = { host, port, path: fullPath, method, agent };
        if (headers !== undefined) options.headers = headers;
        if (signal !== undefined) options.signal = signal;
        const req = mod.request(options);
        inflight.add(req);
        recorder.countRequest(purpose);
        const computedOut = requestHead(method, fullPath, headers) + (bodyBuffer?.length ?? 0);
        recorder.computedOut(computedOut, true);
        let probe: SocketProbe | undefined;
        req.on("socket", (socket) => {
          probe = track(socket);
        });
        req.on("close", () => inflight.delete(req));
        req.on("error", (error) => {
          recorder.countFailure(purpose);
          reject(error);
        });
        req.on("response", (res) => {
          const chunks: Buffer[] = [];
          let length = 0;
          res.on("data", (chunk: Buffer) => {
            chunks.push(chunk);
            length += chunk.length;
          });
          res.on("error", () => {
            // Surfaced through req's "error" / "close"; nothing more to do here.
          });
          res.on("end", () => {
            const chunked = res.headers["transfer-encoding"] === "chunked";
            const framing = chunked ? chunkedEncodingOverhead(length) + chunkedEncodingOverhead(0) : 0;
            const computedIn = responseHead(res) + length + framing;
            recorder.computedIn(computedIn, true);
            let requestBytes = computedOut;
            let responseBytes = computedIn;
            if (probe !== undefined) {
              requestBytes = probe.bytesOut - probe.markOut;
              responseBytes = probe.bytesIn - probe.markIn;
              probe.markOut = probe.bytesOut;
              probe.markIn = probe.bytesIn;
            }
            const text =
              chunks.length === 1 ? (chunks[0] as Buffer).toString() : Buffer.concat(chunks).toString();
            const sizeSource = probe === undefined ? "computed" : "measured";
            resolve({ status: res.statusCode ?? 0, body: text, requestBytes, responseBytes, sizeSource });
          });
        });
        req.end(bodyBuffer);
      });
    },

    stream(path, headers, handlers: HttpStreamHandlers) {
      let done = false;
      const finish = (error: Error | undefined) => {
        if (done) return;
        done = true;
        handlers.end(error);
      };
      const fullPath = basePath + path;
      const req = mod.request({ host, port, path: fullPath, method: "GET", agent, headers });
      inflight.add(req);
      recorder.countRequest("connect");
      recorder.computedOut(requestHead("GET", fullPath, headers), true);
      req.on("socket", track);
      req.on("close", () => inflight.delete(req));
      req.on("error", (error) => {
        if (!done) recorder.countFailure("connect");
        finish(error);
      });
      req.on("response", (res) => {
        recorder.computedIn(responseHead(res), true);
        if (done) return;
        handlers.response(res.statusCode ?? 0, String(res.headers["content-type"] ?? ""));
        res.on("data", (chunk: Buffer) => {
          if (!done) handlers.data(chunk);
        });
        res.on("error", () => {
          // The "close" below reports it.
        });
        res.on("close", () => finish(res.complete ? undefined : new Error("stream aborted")));
      });
      req.end();
      return () => {
        done = true;
        req.destroy();
      };
    },

    close() {
      for (const req of inflight) req.destroy();
      inflight.clear();
      agent.destroy();
      // The transport may be opened again (switchTransport back): later requests get a fresh pool.
      agent = new mod.Agent({ keepAlive: true });
      for (const socket of probes.keys()) socket.destroy();
      if (probes.size === 0) return Promise.resolve();
      if (allClosed === undefined) {
        let resolve = () => {};
        const promise = new Promise<void>((r) => {
          resolve = r;
        });
        allClosed = { promise, resolve };
      }
      return allClosed.promise;
    },
  };
}

/** `rawHeaders` as name/value pairs, for counting a response head. */
export function headerPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
  return pairs;
}
