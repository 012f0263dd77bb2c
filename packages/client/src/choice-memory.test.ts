import { describe, expect, it } from "vitest";
import { choiceKey, createMemoryChoiceMemory, readChoice, writeChoice } from "./choice-memory.ts";

const ORDER = ["ws", "sse", "longPoll"] as const;

describe("the remembered choice", () => {
  it("is read back while younger than its expiry, and only for a transport of the order", () => {
    const memory = createMemoryChoiceMemory();
    const key = choiceKey("http://h:1/link/3g");
    writeChoice(memory, key, { transport: "sse", at: 1000 });
    expect(readChoice(memory, key, 1500, 1000, ORDER)).toEqual({ transport: "sse", at: 1000 });
    expect(readChoice(memory, key, 2000, 1000, ORDER)).toBeNull();
    expect(readChoice(memory, key, 1500, 0, ORDER)).toBeNull();
    expect(readChoice(memory, key, 1500, 1000, ["ws", "longPoll"])).toBeNull();
    // A clock that went back is no reason to trust it.
    expect(readChoice(memory, key, 900, 1000, ORDER)).toBeNull();
    expect(readChoice(memory, choiceKey("http://h:1/link/4g"), 1500, 1000, ORDER)).toBeNull();
  });

  it("ignores what it cannot read, and a storage that refuses to write", () => {
    const map = new Map<string, string>();
    const memory = createMemoryChoiceMemory(map);
    for (const junk of [
      "{",
      "null",
      '"sse"',
      '{"transport":"carrier-pigeon","at":1}',
      '{"transport":"sse"}',
    ]) {
      map.set("k", junk);
      expect(readChoice(memory, "k", 2, 1000, ORDER)).toBeNull();
    }
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    };
    expect(() => writeChoice(full, "k", { transport: "ws", at: 1 })).not.toThrow();
  });
});
