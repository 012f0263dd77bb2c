import type { ChannelInfo } from "@transport-lab/protocol";
import { useCallback, useEffect, useState } from "react";
import type { GeneratorFigures } from "../lib/export-results.ts";
import type { ServerApi } from "../lib/server-api.ts";
import { usePolled } from "./use-polled.ts";

/** What the page knows of its channel's generator. */
export type GeneratorStatus =
  /** Not asked yet, or the last answer is for another channel. */
  | { readonly kind: "unknown" }
  /** The channel does not exist yet on the server: nothing generates on it. */
  | { readonly kind: "absent" }
  | ({ readonly kind: "known" } & ChannelInfo["generator"]);

/** The generator as exports and saved runs record it; null while not known. */
export function generatorFigures(g: GeneratorStatus): GeneratorFigures | null {
  if (g.kind === "known") return { rate: g.rate, payloadBytes: g.payloadBytes, running: g.running };
  return g.kind === "absent" ? { rate: 0, payloadBytes: 0, running: false } : null;
}

/** The generator's rate while it runs, else null. */
export function runningRate(status: GeneratorStatus): number | null {
  return status.kind === "known" && status.running ? status.rate : null;
}

/**
 * The channel's generator as the server reports it, every 5 s while `enabled` and right after
 * the page changes it. It reads the channel list, which cannot 404 for a channel that no one
 * has created yet (a fresh channel's info would, and the browser logs every 404).
 */
export function useGenerator(
  api: ServerApi,
  channel: string,
  enabled: boolean,
): { status: GeneratorStatus; set: (rate: number, payloadBytes: number, token: string) => Promise<void> } {
  const load = useCallback(async () => {
    const info = (await api.channels()).find((c) => c.channel === channel);
    return { channel, generator: info?.generator ?? null };
  }, [api, channel]);
  const polled = usePolled(load, 5000, enabled);
  const [status, setStatus] = useState<GeneratorStatus>({ kind: "unknown" });
  useEffect(() => {
    const current = polled.current;
    if (current === null || current.channel !== channel) setStatus({ kind: "unknown" });
    else setStatus(current.generator === null ? { kind: "absent" } : { kind: "known", ...current.generator });
  }, [polled.current, channel]);
  const set = useCallback(
    async (rate: number, payloadBytes: number, token: string) => {
      const state = await api.setGenerator(channel, rate, payloadBytes, token);
      setStatus({
        kind: "known",
        rate: state.rate,
        payloadBytes: state.payloadBytes,
        running: state.running,
      });
    },
    [api, channel],
  );
  return { status, set };
}
