import { type ClassRoster, TRANSPORT_NAMES } from "@transport-lab/protocol";
import type { CSSProperties } from "react";
import type { Polled } from "../hooks/use-polled.ts";
import { formatCount, formatMs } from "../lib/format.ts";
import { describeApiError } from "../lib/server-api.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";

/** Who is in the room: pages that announce their anonymous id, per transport (`GET /api/class`). */
export function ClassRosterCard({
  roster,
  ownId,
}: {
  readonly roster: Polled<ClassRoster>;
  readonly ownId: string;
}) {
  const r = roster.current;
  return (
    <section className="card roster" aria-labelledby="roster-title" style={{ marginBottom: "0.8rem" }}>
      <h2 id="roster-title">Who is connected</h2>
      {r === null ? (
        <p role="status">
          {roster.error === null
            ? "Asking the server who is connected…"
            : `The server could not say who is connected (${describeApiError(roster.error)}).`}
        </p>
      ) : (
        <>
          <p className="roster-total">
            <strong>{formatCount(r.clients)}</strong> page{r.clients === 1 ? "" : "s"} of Transport Lab
            connected (this one included)
          </p>
          <ul className="roster-transports">
            {TRANSPORT_NAMES.map((t) => (
              <li key={t} style={{ "--transport-color": TRANSPORT_STYLE[t].color } as CSSProperties}>
                <span className="roster-name">{TRANSPORT_STYLE[t].label}</span>
                <span className="roster-count">{formatCount(r.transports[t].clients)}</span>
                <span className="note">
                  {t === "poll"
                    ? `asked in the last ${formatMs(r.recentMs)}`
                    : `${formatCount(r.transports[t].held)} held now`}
                </span>
              </li>
            ))}
          </ul>
          <div className="table-scroll">
            <table className="figures-table roster-list">
              <caption>Pages, most recent first (anonymous ids the pages made up)</caption>
              <thead>
                <tr>
                  <th scope="col">Page</th>
                  <th scope="col">Channel</th>
                  {TRANSPORT_NAMES.map((t) => (
                    <th scope="col" key={t}>
                      {TRANSPORT_STYLE[t].short}
                    </th>
                  ))}
                  <th scope="col">Last request</th>
                </tr>
              </thead>
              <tbody>
                {r.list.map((e) => (
                  <tr key={e.id}>
                    <th scope="row">
                      <code>{e.id.slice(0, 6)}</code>
                      {e.id === ownId ? " (this page)" : ""}
                    </th>
                    <td>{e.channel}</td>
                    {TRANSPORT_NAMES.map((t) => (
                      <td key={t} style={{ color: TRANSPORT_STYLE[t].color }}>
                        {e.transports.includes(t) ? "●" : <span className="note">–</span>}
                      </td>
                    ))}
                    <td>{formatMs(e.idleMs)} ago</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="note">
            Each page adds an anonymous id of its own (<code>?client=</code>) to its requests; the server
            keeps no name or address with it. A page counts on a transport while it holds a connection there,
            and for {formatMs(r.recentMs)} after its last request. Other clients (curl, scripts) are not
            listed but count in “Held now” below.
            {r.untracked > 0 &&
              ` ${formatCount(r.untracked)} requests came with an id the server had no room for.`}
          </p>
        </>
      )}
    </section>
  );
}
