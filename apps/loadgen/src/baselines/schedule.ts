/**
 * The generator schedule the baselines share with the real server: message n
 * is due at start + n/rate, each carrying `{"tick":n,"pad":"…"}` padded to
 * `payloadBytes` of JSON by the server's own `generatorData`, so both sides send the same bytes.
 * Kept tiny: the bundle takes only that function from the server.
 */
import { generatorData } from "@transport-lab/server/generator";
export function startSchedule(
  rate: number,
  payloadBytes: number,
  emit: (tick: number, dataJson: string) => void,
) {
  const startedAt = performance.now();
  let sent = 0;
  // Made once, sliced per message, as the real server's generator does.
  const padding = "x".repeat(payloadBytes);
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    const due = Math.floor(((performance.now() - startedAt) * rate) / 1000);
    // Like the real server's generator: catch up at most 500 per tick and drop the rest, so an
    // overloaded target keeps answering HTTP instead of looping on its backlog.
    if (due - sent > 500) sent = due - 500;
    while (sent < due) {
      sent += 1;
      emit(sent, generatorData(sent, payloadBytes, padding));
    }
    const next = startedAt + ((sent + 1) * 1000) / rate;
    timer = setTimeout(run, Math.max(1, Math.min(1000, next - performance.now())));
  };
  if (rate > 0) timer = setTimeout(run, Math.max(1, 1000 / rate));
  return () => clearTimeout(timer);
}

/** Reads a `POST …/generator` body `{rate, payloadBytes}` and hands it to `start`; answers `{}`. */
export function onGeneratorRequest(
  req: import("node:http").IncomingMessage,
  res: import("node:http").ServerResponse,
  start: (rate: number, payloadBytes: number) => void,
) {
  let body = "";
  req.on("data", (c) => {
    body += c;
  });
  req.on("end", () => {
    const { rate, payloadBytes } = JSON.parse(body) as { rate: number; payloadBytes: number };
    start(rate, payloadBytes);
    res.end("{}");
  });
}

/** `{rss, cpu}` for `/api/metrics`, in the real server's shape where it matters. */
export function processFigures(sample: { cpu: number }) {
  const mem = process.memoryUsage();
  return { process: { rss: mem.rss, heapUsed: mem.heapUsed, cpu: sample.cpu, eventLoopDelayP99: 0 } };
}

/** CPU % of one core over the last second, updated by a 1 s unref'd timer. */
export function cpuSampler() {
  const sample = { cpu: 0 };
  let last = process.cpuUsage();
  let lastAt = performance.now();
  setInterval(() => {
    const used = process.cpuUsage(last);
    const at = performance.now();
    sample.cpu = Math.round(((used.user + used.system) / 1000 / (at - lastAt)) * 1000) / 10;
    last = process.cpuUsage();
    lastAt = at;
  }, 1000).unref();
  return sample;
}
