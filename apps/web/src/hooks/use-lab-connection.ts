import { useEffect, useState, useSyncExternalStore } from "react";
import { type ClientFactory, createLabConnection, type LabConnection } from "../lib/lab-connection.ts";
import type { LabConfig, LabView } from "../lib/lab-view.ts";
import { LANE_NAMES } from "../lib/lane-names.ts";
import type { ServerApi } from "../lib/server-api.ts";

const noopSubscribe = () => () => {};
const nullView = () => null;

/**
 * Owns the page's LabConnection: a new one when the channel or the mode
 * changes, closed on unmount; timing, pauses and the Socket.IO lane are applied to the live one.
 */
export function useLabConnection(
  config: LabConfig,
  api: ServerApi,
  createClient?: ClientFactory,
): { connection: LabConnection | null; view: LabView | null } {
  const [connection, setConnection] = useState<LabConnection | null>(null);
  const { baseUrl, channel, mode, network } = config;

  useEffect(() => {
    const created = createLabConnection({
      config,
      api,
      ...(createClient === undefined ? {} : { createClient }),
    });
    setConnection(created);
    return () => {
      void created.close();
    };
  }, [baseUrl, channel, mode, network, api, createClient]);

  useEffect(() => {
    connection?.setTiming(config.pollIntervalMs, config.longPollTimeoutMs);
  }, [connection, config.pollIntervalMs, config.longPollTimeoutMs]);

  useEffect(() => {
    if (connection === null || mode !== "compare") return;
    connection.setSocketIo(config.socketio, config.socketioWebsocketOnly);
  }, [connection, config.socketio, config.socketioWebsocketOnly, mode]);

  const pausedKey = config.paused.join(",");
  useEffect(() => {
    if (connection === null || mode !== "compare") return;
    for (const t of LANE_NAMES) connection.setPaused(t, config.paused.includes(t));
  }, [connection, pausedKey, mode]);

  const view = useSyncExternalStore(
    connection?.subscribe ?? noopSubscribe,
    connection?.getView ?? nullView,
    nullView,
  );
  return { connection, view };
}
