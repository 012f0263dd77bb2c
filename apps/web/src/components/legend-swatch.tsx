import type { LaneName } from "../lib/lane-names.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";

/** A short line in the transport's colour and dash pattern, as the chart draws it. */
export function LegendSwatch({ transport }: { readonly transport: LaneName }) {
  const style = TRANSPORT_STYLE[transport];
  return (
    <svg width="28" height="10" aria-hidden="true">
      <line
        x1="1"
        y1="5"
        x2="27"
        y2="5"
        stroke={style.color}
        strokeWidth="3"
        strokeDasharray={style.dash.length === 0 ? undefined : style.dash.join(" ")}
      />
    </svg>
  );
}
