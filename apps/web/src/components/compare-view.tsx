import { fallingBehind } from "../lib/behind.ts";
import { type LabView, laneUncertainty } from "../lib/lab-view.ts";
import type { LossContext } from "../lib/lane-loss.ts";
import type { LaneName } from "../lib/lane-names.ts";
import { CostChart } from "./cost-chart.tsx";
import { LatencyChart } from "./latency-chart.tsx";
import { SocketIoToggle } from "./socketio-toggle.tsx";
import { TransportPanel } from "./transport-panel.tsx";

interface CompareViewProps {
  readonly view: LabView;
  readonly large: boolean;
  /** Empty chart stretches up to this long are drawn through (from the poll interval). */
  readonly bridgeMs: number;
  readonly loss: LossContext;
  readonly now: number;
  /** The fifth lane (Socket.IO) is on. */
  readonly socketio: boolean;
  readonly onToggleSocketIo: () => void;
  readonly onTogglePause: (transport: LaneName) => void;
  readonly onRetry: (transport: LaneName) => void;
}

/** The default view: the same channel over every lane (four transports, Socket.IO when on), side by side, with the two charts. */
export function CompareView(p: CompareViewProps) {
  const { view } = p;
  const behind = fallingBehind(view.chart);
  const names = view.lanes.map((lane) => lane.transport);
  return (
    <>
      <h2 className="visually-hidden">
        Compare the {p.socketio ? "four transports and Socket.IO" : "four transports"}
      </h2>
      <SocketIoToggle on={p.socketio} onToggle={p.onToggleSocketIo} />
      <div className={view.lanes.length > 4 ? "panel-grid five" : "panel-grid"}>
        {view.lanes.map((lane) => (
          <TransportPanel
            key={lane.transport}
            lane={lane}
            loss={p.loss}
            now={p.now}
            behind={behind?.transport === lane.transport ? behind : null}
            onTogglePause={() => p.onTogglePause(lane.transport)}
            onRetry={() => p.onRetry(lane.transport)}
          />
        ))}
      </div>
      <div className="chart-row">
        <LatencyChart
          data={view.chart}
          names={names}
          large={p.large}
          bridgeMs={p.bridgeMs}
          uncertainty={(name) => laneUncertainty(view, name)}
        />
        <CostChart lanes={view.lanes} />
      </div>
    </>
  );
}
