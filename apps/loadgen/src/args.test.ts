import { describe, expect, it } from "vitest";
import { numberOption, transportsOf, userArgs } from "./args.ts";

describe("command line", () => {
  it("drops the `--` that pnpm passes through, wherever it lands", () => {
    // `pnpm bench:capacity -- --quick` ran as `cli.ts capacity -- --quick`.
    expect(userArgs(["capacity", "--", "--quick"])).toEqual(["capacity", "--quick"]);
    expect(userArgs(["--", "run", "--transport", "sse"])).toEqual(["run", "--transport", "sse"]);
  });

  it("names transports as the protocol does, the same as the output", () => {
    expect(transportsOf("longPoll")).toEqual(["longPoll"]);
    expect(transportsOf("socketio")).toEqual(["socketio"]);
    expect(transportsOf("all")).toEqual(["ws", "sse", "longPoll", "poll", "socketio"]);
    expect(() => transportsOf("long-poll")).toThrow(
      '--transport must be ws, sse, longPoll, poll, socketio or all, got "long-poll"',
    );
  });

  it("checks number options against their bounds", () => {
    expect(numberOption({ rate: "10" }, "rate", 0, 5000, 1)).toBe(10);
    expect(numberOption({}, "rate", 0, 5000, 1)).toBe(1);
    expect(() => numberOption({ rate: "9000" }, "rate", 0, 5000, 1)).toThrow(
      "--rate must be a number from 0 to 5000",
    );
    expect(() => numberOption({ rate: "x" }, "rate", 0, 5000, 1)).toThrow();
  });
});
