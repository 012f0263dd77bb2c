import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that the summary reads. */
interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One function's share of a profile: time spent in it, not in what it called. */
export interface ProfileFrame {
  readonly name: string;
  readonly selfMs: number;
  /** Share of all samples (idle and GC included), %. */
  readonly percent: number;
}

/** Self time per function (by name and source location), highest first. */
export function topFrames(profile: CpuProfile, count = 15): ProfileFrame[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    totalUs += us;
    if (frame === undefined) return;
    const where = frame.url === "" ? "" : ` ${basename(frame.url)}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName || "(anonymous)"}${where}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + us);
  });
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, selfMs: us / 1000, percent: (us / Math.max(1, totalUs)) * 100 }));
}

/** The top frames of every `.cpuprofile` in `dir`, as text. */
export function summarizeProfiles(dir: string, count = 15): string {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  if (files.length === 0) return `no .cpuprofile in ${dir}`;
  return files
    .sort()
    .map((file) => {
      const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
      const rows = topFrames(profile, count).map(
        (f) => `${f.percent.toFixed(1).padStart(6)} %  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}`,
      );
      return [file, ...rows].join("\n");
    })
    .join("\n\n");
}
