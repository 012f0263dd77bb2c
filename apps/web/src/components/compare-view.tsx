import type { TransportName } from "@transport-lab/protocol";
import { useSocketIoLane } from "../hooks/use-socketio-lane.ts";
import { fallingBehind } from "../lib/behind.ts";
import { type LabView, pageUncertainty } from "../lib/lab-view.ts";
import type { LossContext } from "../lib/lane-loss.ts";
import { CostChart } from "./cost-chart.tsx";
import { LatencyChart } from "./latency-chart.tsx";
import { SocketIoPanel, SocketIoToggle } from "./socketio-panel.tsx";
import { TransportPanel } from "./transport-panel.tsx";

interface CompareViewProps {
  readonly view: LabView;
  readonly large: boolean;
  /** Empty chart stretches up to this long are drawn through (from the poll interval). */
  readonly bridgeMs: number;
  readonly loss: LossContext;
  readonly now: number;
  readonly onTogglePause: (transport: TransportName) => void;
  readonly onRetry: (transport: TransportName) => void;
}

/** The default view: the same channel over all four transports, side by side, with the two charts. */
export function CompareView({ view, large, bridgeMs, loss, now, onTogglePause, onRetry }: CompareViewProps) {
  const behind = fallingBehind(view.chart);
  const socketIo = useSocketIoLane(view.channel, view.startCursor);
  return (
    <>
      <h2 className="visually-hidden">Compare the four transports</h2>
      <SocketIoToggle lane={socketIo} />
      <div className="panel-grid">
        {view.lanes.map((lane) => (
          <TransportPanel
            key={lane.transport}
            lane={lane}
            loss={loss}
            now={now}
            behind={behind?.transport === lane.transport ? behind : null}
            onTogglePause={() => onTogglePause(lane.transport)}
            onRetry={() => onRetry(lane.transport)}
          />
        ))}
        {socketIo.enabled && <SocketIoPanel view={socketIo.view} error={socketIo.error} />}
      </div>
      <div className="chart-row">
        <LatencyChart
          data={view.chart}
          large={large}
          bridgeMs={bridgeMs}
          uncertainty={pageUncertainty(view)}
        />
        <CostChart lanes={view.lanes} />
      </div>
    </>
  );
}
