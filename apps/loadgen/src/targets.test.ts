import { describe, expect, it } from "vitest";
import { assertLoopback, checkFileLimit, parseOpenFileLimit } from "./targets.ts";

describe("assertLoopback", () => {
  it.each(["http://127.0.0.1:3000", "http://127.4.5.6", "http://localhost:3000", "http://[::1]:3000"])(
    "allows %s",
    (url) => {
      expect(() => assertLoopback(url)).not.toThrow();
    },
  );

  it.each(["http://10.0.0.1", "http://192.168.1.5:3000", "http://example.com", "http://128.0.0.1"])(
    "refuses %s",
    (url) => {
      expect(() => assertLoopback(url)).toThrow(/only loopback targets/);
    },
  );
});

describe("open-file limit", () => {
  const limits = `Limit                     Soft Limit           Hard Limit           Units
Max processes             unlimited            unlimited            processes
Max open files            20000                20000                files
Max locked memory         8388608              8388608              bytes`;

  it("reads the soft limit from /proc/self/limits", () => {
    expect(parseOpenFileLimit(limits)).toBe(20000);
    expect(parseOpenFileLimit(limits.replace("20000                20000", "unlimited  unlimited"))).toBe(
      undefined,
    );
    expect(parseOpenFileLimit(undefined)).toBe(undefined);
  });

  it("refuses more clients than the limit holds, naming the fix", () => {
    expect(() => checkFileLimit(10_000, 20_000)).not.toThrow();
    expect(() => checkFileLimit(20_000, 20_000)).toThrow(/limit here is 20000: raise it .* --clients 19800/);
    expect(() => checkFileLimit(50_000, undefined)).not.toThrow();
  });
});
