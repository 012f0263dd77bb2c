/** A listener for one event type. */
export type Listener<T> = (value: T) => void;

/**
 * A minimal typed event emitter: one array of listeners per event type,
 * copied on write so that a listener may unsubscribe while being called.
 * A listener that throws does not stop the others.
 */
export class Emitter<Events extends object> {
  #listeners: { [K in keyof Events]?: ReadonlyArray<Listener<Events[K]>> } = {};

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    this.#listeners[type] = [...(this.#listeners[type] ?? []), listener];
    return () => {
      const list = this.#listeners[type];
      if (list) this.#listeners[type] = list.filter((l) => l !== listener);
    };
  }

  /** True when at least one listener is registered for `type` (lets callers skip building events). */
  has<K extends keyof Events>(type: K): boolean {
    const list = this.#listeners[type];
    return list !== undefined && list.length > 0;
  }

  /** Calls every listener of `type` with `value`. */
  emit<K extends keyof Events>(type: K, value: Events[K]): void {
    const list = this.#listeners[type];
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) {
      try {
        (list[i] as Listener<Events[K]>)(value);
      } catch (error) {
        // Like EventTarget: one throwing listener must not stop the others nor the transport
        // that emitted; the error still surfaces as an uncaught exception.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners = {};
  }
}
