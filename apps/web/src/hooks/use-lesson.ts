import { useEffect, useRef, useState } from "react";
import { formatCount, formatMs } from "../lib/format.ts";
import type { LabConnection } from "../lib/lab-connection.ts";
import { LESSON } from "../lib/lesson-plan.ts";
import { describeApiError } from "../lib/server-api.ts";
import type { Settings } from "../lib/settings.ts";

/** What entering a lesson step needs. */
export interface LessonInputs {
  readonly active: boolean;
  /** 1-based. */
  readonly step: number;
  readonly drives: boolean;
  readonly connection: LabConnection | null;
  readonly update: (patch: Partial<Settings>) => void;
  readonly setGenerator: (rate: number, payloadBytes: number) => Promise<void>;
}

/**
 * Entering a lesson step sets what it needs, once: every panel connected, this page's poll
 * interval, the figures back to zero (each step's figures are its own) and, on the teacher's page,
 * the generator. Returns what was done, in a sentence for the step's header.
 */
export function useLesson({ active, step, drives, connection, update, setGenerator }: LessonInputs): {
  applied: string | null;
} {
  const [applied, setApplied] = useState<string | null>(null);
  const last = useRef<string | null>(null);
  const setGen = useRef(setGenerator);
  setGen.current = setGenerator;
  useEffect(() => {
    if (!active || connection === null) {
      last.current = null;
      return;
    }
    const key = `${step}:${drives}`;
    if (last.current === key) return;
    last.current = key;
    const s = LESSON[step - 1];
    if (s === undefined) return;
    update({ paused: [], pollIntervalMs: s.sets.pollIntervalMs });
    connection.resetMetrics();
    const poll = `this page polls every ${formatMs(s.sets.pollIntervalMs)}`;
    const gen = s.sets.generator;
    if (gen === null) {
      setApplied(`Figures restarted from 0; ${poll}.`);
      return;
    }
    const genWords =
      gen.rate === 0
        ? "the generator is stopped"
        : `the generator sends ${formatCount(gen.rate)} msg/s of ${gen.payloadBytes} B`;
    if (!drives) {
      setApplied(`Figures restarted from 0; ${poll}. In this step ${genWords}: the teacher's page sets it.`);
      return;
    }
    setApplied(`Figures restarted from 0; ${poll}; setting the generator…`);
    setGen.current(gen.rate, gen.payloadBytes).then(
      () => setApplied(`Figures restarted from 0; ${poll}; ${genWords}.`),
      (error: unknown) =>
        setApplied(
          `Figures restarted from 0; ${poll}. The generator could not be set: ${describeApiError(error)}`,
        ),
    );
  }, [active, step, drives, connection, update]);
  return { applied: active ? applied : null };
}
