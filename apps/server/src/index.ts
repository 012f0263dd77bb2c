export { createApp, type TransportLabApp } from "./app.ts";
export { type ChannelLog, createMemoryChannelLog, type LogState } from "./channel-log.ts";
export { DEFAULT_OPTIONS, loadConfig, type ServerOptions } from "./config.ts";
export { type RunningServer, type StartOptions, startServer } from "./server.ts";
