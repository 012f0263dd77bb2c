import { describe, expect, it } from "vitest";
import { assertLoopback } from "./targets.ts";

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
