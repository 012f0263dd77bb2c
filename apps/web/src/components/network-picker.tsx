import type { LinkInfo } from "@transport-lab/protocol";
import { linkFigures } from "../lib/network.ts";

/** The Network selector: every lane (and the single view's client) goes through the chosen link. */
export function NetworkPicker({
  links,
  network,
  onChange,
}: {
  /** The server's links; null while unknown (an older server offers none). */
  readonly links: readonly LinkInfo[] | null;
  readonly network: string;
  readonly onChange: (network: string) => void;
}) {
  const group = (kind: LinkInfo["kind"]) => (links ?? []).filter((l) => l.kind === kind);
  return (
    <span className="network-picker">
      <label htmlFor="network" className="note">
        Network
      </label>
      <select id="network" value={network} onChange={(e) => onChange(e.target.value)}>
        <option value="">None (straight to the server)</option>
        <optgroup label="Networks">
          {group("network").map((l) => (
            <option key={l.name} value={l.name} title={linkFigures(l)}>
              {l.name}
              {l.rttMs > 0 ? ` (${l.rttMs} ms)` : ""}
            </option>
          ))}
        </optgroup>
        <optgroup label="Proxy and network faults">
          {group("fault").map((l) => (
            <option key={l.name} value={l.name} title={l.description}>
              {l.name}
            </option>
          ))}
        </optgroup>
      </select>
    </span>
  );
}

/** One line under the header while a network is chosen: what it is and what it adds. */
export function NetworkNote({
  link,
  onLearn,
}: {
  readonly link: LinkInfo | undefined;
  readonly onLearn: () => void;
}) {
  if (link === undefined) return null;
  return (
    <p className={`network-note network-${link.kind}`} role="status">
      <strong>
        {link.kind === "fault" ? "Fault" : "Network"}: {link.name}
      </strong>{" "}
      · {linkFigures(link)}. {link.description}{" "}
      <button type="button" className="link-button" onClick={onLearn}>
        What changes, and why
      </button>
    </p>
  );
}
