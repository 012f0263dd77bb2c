import type { Socket } from "node:net";
import { linkedOf } from "./linked-socket.ts";

/**
 * How long a link may take to send the graceful end of a cut connection (a WebSocket's close
 * frame, an SSE stream's last chunk) before what it still queues is dropped.
 */
export const CUT_GRACE_MS = 1000;

/**
 * The server has ended `socket`'s connection gracefully because it cut it (the disconnect endpoint,
 * a new epoch, a shutdown). Through a link, the end travels behind everything queued before it: a
 * megabyte over 3g would hold it for 17 s. If the link has not sent it within {@link CUT_GRACE_MS},
 * the socket is destroyed, which drops what is unsent as a failed network does. Other sockets: nothing.
 */
export function cutPromptly(socket: Socket | null | undefined): void {
  if (socket) linkedOf(socket)?.cutPromptly(CUT_GRACE_MS);
}
