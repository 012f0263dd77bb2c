import type { LinkInfo } from "@transport-lab/protocol";
import { findLink, resolveNetwork } from "../lib/network.ts";
import type { ServerApi } from "../lib/server-api.ts";
import type { SettingProblem } from "../lib/settings.ts";
import { usePolled } from "./use-polled.ts";

/** The network the page uses, from the server's own list of links. */
export interface PageNetwork {
  /** `GET /api/links`; null until the first answer. */
  readonly links: readonly LinkInfo[] | null;
  /** The link name in use ("" for none): the one asked for, unless the server lacks it. */
  readonly network: string;
  /** The server's description of it; null for none. */
  readonly link: LinkInfo | null;
  /** `problems` with one more when the asked-for network is not the server's. */
  readonly problems: readonly SettingProblem[];
}

/** Reads the server's links (once a minute: a page left open sees a server restarted with others) and resolves `asked` against them. */
export function useNetwork(api: ServerApi, asked: string, problems: readonly SettingProblem[]): PageNetwork {
  const links = usePolled(api.links, 60_000, true).current;
  const { network, missing } = resolveNetwork(links, asked);
  return {
    links,
    network,
    link: findLink(links, network) ?? null,
    problems: missing
      ? [
          ...problems,
          { param: "network", value: asked, message: "the server has no such network; using none" },
        ]
      : problems,
  };
}
