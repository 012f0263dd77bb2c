import { describe, expect, it } from "vitest";
import { deliver, onResourceTiming } from "./resource-timing.ts";

const entry = (name: string, startTime: number) => ({ name, startTime }) as PerformanceResourceTiming;

describe("onResourceTiming", () => {
  it("gives each entry to the request that had started by then, and drops an entry whose request gave up", () => {
    const url = "http://lab.test/api/channels/c/poll?cursor=e:5";
    const got: (string | undefined)[] = [];
    // Poll #1 started at 100 ms and gave up waiting (its 0 ms timeout already fired).
    onResourceTiming(url, 100, 0, (e) => got.push(e ? `1:${e.startTime}` : "1:none"));
    // Poll #2 started at 300 ms, same URL: the cursor had not moved.
    onResourceTiming(url, 300, 60_000, (e) => got.push(e ? `2:${e.startTime}` : "2:none"));
    return new Promise<void>((resolve) => {
      setTimeout(() => {
        deliver(entry(url, 100.2)); // poll #1's late entry: must not be credited to poll #2
        deliver(entry(url, 300.1)); // poll #2's own entry
        expect(got).toEqual(["1:none", "2:300.1"]);
        resolve();
      }, 5);
    });
  });

  it("matches concurrent requests to one URL by start time, whichever entry comes first", () => {
    const url = "http://lab.test/api/channels/c/messages";
    const got: string[] = [];
    onResourceTiming(url, 10, 60_000, (e) => got.push(`a:${e?.startTime}`));
    onResourceTiming(url, 20, 60_000, (e) => got.push(`b:${e?.startTime}`));
    deliver(entry(url, 20.05));
    deliver(entry(url, 10.05));
    expect(got).toEqual(["b:20.05", "a:10.05"]);
  });
});
