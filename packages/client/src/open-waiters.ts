/** Publishes waiting for the connection to open: all let go at once, or all refused at close. */
export class OpenWaiters {
  readonly #waiters: { resolve(): void; reject(error: Error): void }[] = [];

  /** Resolves at the next {@link release}, rejects at {@link refuse}. */
  wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** The connection opened. */
  release(): void {
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }

  /** The client closed. */
  refuse(error: Error): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }
}
