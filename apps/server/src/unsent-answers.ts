import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { finished } from "node:stream";
import { bump } from "./bump.ts";

/** An answer's share of its address's budget, taken before the answer is read. */
export interface Reservation {
  /** The most bytes of messages the answer may carry (0: its first message only). */
  readonly bytes: number;
  /** The answer is `size` bytes and goes out on `res`: it counts until sent or its connection is gone. */
  send(res: ServerResponse, socket: Socket, size: number): void;
  /** No answer goes out (the read failed). */
  cancel(): void;
}

/**
 * Bytes of poll and long-poll answers each client address has not yet taken from the server.
 *
 * One answer is capped (`maxPollBytes`), but a client that sends many polls and never reads the
 * answers would leave every one of them in the server's memory: 256 connections × 1 MiB from one
 * address. An answer's share is reserved before its messages are read (so concurrent polls of one
 * address cannot all take the whole budget while a shared store answers), and counts until Node
 * has handed its last byte to the kernel, or its response or connection is gone: a response
 * queued behind others on a pipelined connection gets neither `finish` nor `close` when that
 * connection closes, so the socket's own `close` releases it too. While an address is over its
 * budget its answers carry only their first message (with `"more":true` when more is waiting):
 * a slow client still makes progress, and what it can pin stays bounded.
 */
export class UnsentAnswers {
  readonly #bytes = new Map<string, number>();
  /** Releases waiting on each connection's close (one `close` listener per socket). */
  readonly #bySocket = new WeakMap<Socket, Set<() => void>>();

  constructor(readonly perAddress: number) {}

  /** Takes up to `maxPollBytes` of `address`'s budget for one answer. */
  reserve(address: string, maxPollBytes: number): Reservation {
    let held = Math.max(0, Math.min(maxPollBytes, this.perAddress - this.of(address)));
    bump(this.#bytes, address, held);
    let settled = false;
    const settle = (size: number) => {
      if (settled) return false;
      settled = true;
      bump(this.#bytes, address, size - held);
      held = size;
      return true;
    };
    return {
      bytes: held,
      send: (res, socket, size) => {
        if (!settle(size)) return;
        this.#untilSent(res, socket, () => bump(this.#bytes, address, -size));
      },
      cancel: () => {
        settle(0);
      },
    };
  }

  /** Unsent answer bytes of `address`. */
  of(address: string): number {
    return this.#bytes.get(address) ?? 0;
  }

  /** Calls `release` once: when `res` is sent or gone, or `socket` closes (or already has). */
  #untilSent(res: ServerResponse, socket: Socket, release: () => void): void {
    let waiting = this.#bySocket.get(socket);
    const once = () => {
      if (!waiting?.delete(once)) return;
      cleanup();
      release();
    };
    if (waiting === undefined) {
      const set = new Set<() => void>();
      waiting = set;
      this.#bySocket.set(socket, set);
      socket.once("close", () => {
        for (const fn of [...set]) fn();
      });
    }
    waiting.add(once);
    const cleanup = finished(res, once);
    if (socket.destroyed) once();
  }
}
