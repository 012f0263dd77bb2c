import { describe, expect, it } from "vitest";
import { CSV_HEADER, toCsv } from "./csv.ts";
import { createMetricsRecorder } from "./metrics-recorder.ts";

describe("toCsv", () => {
  it("writes a header row and one row per snapshot, nulls as empty cells", () => {
    const ws = createMetricsRecorder({ transport: "ws", now: () => 1000 });
    ws.setClockOffset({ offset: -2.5, rtt: 3, uncertainty: 1.5, samples: 5, driftPpm: 0.4, at: 900 });
    ws.recordRequest();
    ws.recordMessage(1.5);
    ws.recordMessage(0.5);
    ws.addBytes("in", 130, "computed");
    ws.addBytes("out", 260, "computed");
    const poll = createMetricsRecorder({ transport: "poll", now: () => 1000 });
    poll.recordRequest();
    poll.recordAnswer(0);
    poll.recordReset();
    poll.recordLost(40);
    poll.addBytes("in", 180, "measured");

    expect(toCsv([ws.snapshot(), poll.snapshot()]).split("\r\n")).toEqual([
      "transport,startedAt,elapsedMs,messages,latencyCount,latencyMinMs,latencyMeanMs,latencyP50Ms,latencyP90Ms," +
        "latencyP99Ms,latencyMaxMs,latencyNegative,latencyOverflow,latencyInvalid,clockOffsetMs,clockUncertaintyMs," +
        "clockRttMs,clockDriftPpm,httpRequests,bytesIn,bytesInSource,bytesOut,bytesOutSource,requestsPerMessage," +
        "bytesPerMessage,responses,emptyResponses,gaps,missed,duplicates,reorders,resets,lost,reconnects,publishes,errors",
      "ws,1000,0,2,2,0.5,1,0.5,1.5,1.5,1.5,0,0,0,-2.5,1.5,3,0.4,1,130,computed,260,computed,0.5,195,0,0,0,0,0,0,0,0,0,0,0",
      "poll,1000,0,0,0,,,,,,,0,0,0,,,,,1,180,measured,0,,,,1,1,0,0,0,0,1,40,0,0,0",
      "",
    ]);
    expect(CSV_HEADER).toHaveLength(36);
  });

  it("quotes cells that contain separators and defuses spreadsheet formulas", () => {
    const csv = (transport: string) =>
      toCsv([createMetricsRecorder({ transport, now: () => 0 }).snapshot()])
        .split("\r\n")[1]
        ?.split(",0,")[0];
    expect(csv('ws "fast", 1')).toBe('"ws ""fast"", 1"');
    expect(csv("=cmd")).toBe("'=cmd");
  });
});
