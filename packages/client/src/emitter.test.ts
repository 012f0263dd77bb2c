import { describe, expect, it } from "vitest";
import { Emitter } from "./emitter.ts";

describe("Emitter", () => {
  it("calls listeners in order, and unsubscribing during emit affects the next emit only", () => {
    const e = new Emitter<{ n: number }>();
    const seen: string[] = [];
    const offA = e.on("n", (n) => {
      seen.push(`a${n}`);
      offA();
    });
    e.on("n", (n) => seen.push(`b${n}`));
    e.emit("n", 1);
    e.emit("n", 2);
    expect(seen).toEqual(["a1", "b1", "b2"]);
    expect(e.has("n")).toBe(true);
  });

  it("a throwing listener does not stop the others; the error is rethrown asynchronously", async () => {
    const e = new Emitter<{ n: number }>();
    const seen: number[] = [];
    e.on("n", () => {
      throw new Error("boom");
    });
    e.on("n", (n) => seen.push(n));
    const uncaught = new Promise<unknown>((resolve) => {
      const original = process.listeners("uncaughtException");
      process.removeAllListeners("uncaughtException");
      process.once("uncaughtException", (error) => {
        for (const l of original) process.on("uncaughtException", l);
        resolve(error);
      });
    });
    e.emit("n", 7);
    expect(seen).toEqual([7]);
    expect(((await uncaught) as Error).message).toBe("boom");
  });
});
