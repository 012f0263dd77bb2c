import type { ServerResponse } from "node:http";

/**
 * Bytes of poll and long-poll answers each client address has not yet taken from the server.
 *
 * One answer is capped (`maxPollBytes`), but a client that sends many polls and never reads the
 * answers would leave every one of them in the server's memory: 256 connections × 1 MiB from one
 * address. An answer counts here from the moment it is written until Node has handed its last
 * byte to the kernel (`finish`) or the connection is gone (`close`). While an address is over
 * its budget, its answers carry only their first message (with `"more":true`): a slow client
 * still makes progress, and what it can pin stays bounded.
 */
export class UnsentAnswers {
  readonly #bytes = new Map<string, number>();

  constructor(readonly perAddress: number) {}

  /** The most bytes of messages an answer to `address` may carry now (0: the first message only). */
  allowance(address: string, maxPollBytes: number): number {
    return Math.max(0, Math.min(maxPollBytes, this.perAddress - (this.#bytes.get(address) ?? 0)));
  }

  /** Counts `bytes` against `address` until `res` has sent them or closed. */
  track(address: string, res: ServerResponse, bytes: number): void {
    this.#bytes.set(address, (this.#bytes.get(address) ?? 0) + bytes);
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      const left = (this.#bytes.get(address) ?? 0) - bytes;
      if (left > 0) this.#bytes.set(address, left);
      else this.#bytes.delete(address);
      res.off("finish", release);
      res.off("close", release);
    };
    res.once("finish", release);
    res.once("close", release);
  }

  /** Unsent answer bytes of `address` (for tests and metrics). */
  of(address: string): number {
    return this.#bytes.get(address) ?? 0;
  }
}
