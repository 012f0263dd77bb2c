import net from "node:net";
import WebSocket from "ws";

/** A free loopback port (for a target's inspector). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolvePort(port));
    });
  });
}

/** A target's inspector, as far as the benchmarks use it. */
export interface Inspector {
  /** A full garbage collection, then `process.memoryUsage()` as the target sees it. */
  memoryAfterGc(): Promise<NodeJS.MemoryUsage>;
  close(): void;
}

/** Each inspector call gets this long: a target that does not answer fails the run rather than hanging it. */
const CALL_TIMEOUT_MS = 30_000;

/** Connects to the inspector a target was started with (`--inspect=127.0.0.1:<port>`). */
export async function connectInspector(port: number): Promise<Inspector> {
  const list = (await (
    await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(10_000) })
  ).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(list[0]?.webSocketDebuggerUrl ?? "");
  await new Promise((ok, fail) => {
    socket.once("open", ok);
    socket.once("error", fail);
  });
  let id = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.on("message", (raw) => {
    const m = JSON.parse(String(raw)) as { id?: number; result?: unknown };
    if (m.id === undefined) return;
    waiting.get(m.id)?.(m.result);
    waiting.delete(m.id);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((done, fail) => {
      id += 1;
      const callId = id;
      const timer = setTimeout(() => {
        waiting.delete(callId);
        fail(new Error(`inspector ${method} took over ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      waiting.set(callId, (result) => {
        clearTimeout(timer);
        done(result);
      });
      socket.send(JSON.stringify({ id: callId, method, params }));
    });
  return {
    async memoryAfterGc(): Promise<NodeJS.MemoryUsage> {
      await call("HeapProfiler.collectGarbage");
      const r = (await call("Runtime.evaluate", {
        expression: "JSON.stringify(process.memoryUsage())",
        returnByValue: true,
      })) as { result: { value: string } };
      return JSON.parse(r.result.value) as NodeJS.MemoryUsage;
    },
    close: () => socket.close(),
  };
}
