import type { Duplex } from "node:stream";

/**
 * Writing pre-encoded bytes straight to a connection's socket, and coalescing what one tick
 * writes to one socket into one system call.
 *
 * A message fans out to every subscriber of its channel as the same bytes (the WebSocket frame
 * with its header, the SSE event with its chunk framing), built once by the `LogEntry`. Written
 * through `ws.send()` or `res.write()`, each socket would build its own header or chunk framing
 * and cork, write and uncork around them; written here, each socket gets one `write()` of one
 * shared Buffer.
 *
 * The first write to a socket in a tick corks it, and one `process.nextTick` uncorks every socket
 * corked in that tick: several messages fanned out in one tick (a generator catching up, a burst
 * of publishes) leave as one `writev` per socket instead of one `write` each. Nothing waits longer
 * than the rest of the current tick.
 */

/** Sockets corked in the current tick. */
const corked: Duplex[] = [];
let flushScheduled = false;

function uncorkAll(): void {
  flushScheduled = false;
  // A socket corked again while this runs (a write from an uncork callback) waits for the next flush.
  const sockets = corked.splice(0);
  for (const socket of sockets) socket.uncork();
}

/** Writes `bytes` to `socket`, corked until the end of this tick together with the tick's other writes to it. */
export function writeCoalesced(socket: Duplex, bytes: Buffer): void {
  if (socket.writableCorked === 0) {
    socket.cork();
    corked.push(socket);
    if (!flushScheduled) {
      flushScheduled = true;
      process.nextTick(uncorkAll);
    }
  }
  socket.write(bytes);
}
