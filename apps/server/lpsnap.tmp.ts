import { readFileSync } from "node:fs";
import { writeHeapSnapshot } from "node:v8";
import { startServer } from "/work/main/apps/server/src/index.ts";

const s = await startServer({ port: 3991, rateLimit: 0, maxConnections: 60000 });
const g = globalThis as unknown as { gc: () => void };
function agg() {
  g.gc();
  const snap = JSON.parse(readFileSync(writeHeapSnapshot("/tmp/snap2.heapsnapshot"), "utf8"));
  const f = snap.snapshot.meta.node_fields;
  const nf = f.length;
  const types = snap.snapshot.meta.node_types[0];
  const ti = f.indexOf("type"),
    ni = f.indexOf("name"),
    si = f.indexOf("self_size");
  const out = new Map<string, [number, number]>();
  for (let i = 0; i < snap.nodes.length; i += nf) {
    const key = `${types[snap.nodes[i + ti]]}:${snap.strings[snap.nodes[i + ni]]}`.slice(0, 70);
    const e = out.get(key) ?? [0, 0];
    e[0] += 1;
    e[1] += snap.nodes[i + si];
    out.set(key, e);
  }
  return out;
}
const before = agg();
let done = false;
setInterval(() => {
  const n = s.instance.context.counters.transports.longPoll.connections;
  if (n < 2000 || done) return;
  done = true;
  const after = agg();
  const rows = [...after]
    .map(([k, [c, sz]]) => [k, c - (before.get(k)?.[0] ?? 0), sz - (before.get(k)?.[1] ?? 0)] as const)
    .sort((a, b) => b[2] - a[2])
    .slice(0, 40);
  for (const r of rows)
    console.log(
      String(Math.round(r[2] / n)).padStart(6),
      "B/conn",
      String(Math.round((r[1] / n) * 10) / 10).padStart(6),
      "obj/conn",
      r[0],
    );
  process.exit(0);
}, 2000);
