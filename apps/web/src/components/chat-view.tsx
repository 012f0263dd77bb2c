import { TRANSPORT_NAMES, type TransportName } from "@transport-lab/protocol";
import { type CSSProperties, type FormEvent, useState } from "react";
import { formatClock, formatLatency, formatMs } from "../lib/format.ts";
import type { LabView, ReceivedMessage } from "../lib/lab-view.ts";
import { CHAT_LIMITS, chatData, classifyMessage } from "../lib/message-kind.ts";
import { describeApiError } from "../lib/server-api.ts";
import { describeLaneState } from "../lib/state-text.ts";
import { TRANSPORT_STYLE } from "../lib/transport-info.ts";

const NAME_KEY = "transport-lab.chat-name";

function ChatLine({
  message,
  history,
  uncertainty,
}: {
  readonly message: ReceivedMessage;
  readonly history?: boolean;
  readonly uncertainty: number | null;
}) {
  const kind = classifyMessage(message.data);
  if (kind.kind !== "chat") return null;
  return (
    <li className={history === true ? "history" : undefined}>
      <span className="who">{kind.name || "anonymous"}</span>
      {kind.text}
      <span className="meta">
        #{message.seq}
        {history === true
          ? " earlier"
          : ` ${formatClock(message.receivedAt)} · ${formatLatency(message.latency, uncertainty)}`}
      </span>
    </li>
  );
}

interface ChatViewProps {
  readonly view: LabView;
  readonly via: TransportName;
  readonly setVia: (transport: TransportName) => void;
  readonly publish: (data: ReturnType<typeof chatData>, via: TransportName) => Promise<{ seq: number }>;
}

/** Chat on the channel: one composer, and every line as each transport delivered it. */
export function ChatView({ view, via, setVia, publish }: ChatViewProps) {
  const [name, setName] = useState(() => {
    try {
      return localStorage.getItem(NAME_KEY) ?? "";
    } catch {
      return "";
    }
  });
  const [text, setText] = useState("");
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [sending, setSending] = useState(false);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() === "") return;
    setSending(true);
    try {
      localStorage.setItem(NAME_KEY, name.trim());
    } catch {
      // No storage: the name is only remembered while the page is open.
    }
    const started = performance.now();
    try {
      const { seq } = await publish(chatData(name, text), via);
      setStatus({
        ok: true,
        text: `Sent over ${TRANSPORT_STYLE[via].label} as #${seq}, acknowledged in ${formatMs(performance.now() - started)}.`,
      });
      setText("");
    } catch (error) {
      setStatus({ ok: false, text: describeApiError(error) });
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <section className="card" aria-labelledby="chat-title" style={{ marginBottom: "0.8rem" }}>
        <h2 id="chat-title">Chat on “{view.channel}”</h2>
        <form className="chat-form" onSubmit={send}>
          <span className="field">
            <label htmlFor="chat-name">Your name</label>
            <input
              id="chat-name"
              value={name}
              maxLength={CHAT_LIMITS.name}
              onChange={(e) => setName(e.target.value)}
              autoComplete="nickname"
            />
          </span>
          <span className="field grow">
            <label htmlFor="chat-text">Message</label>
            <input
              id="chat-text"
              value={text}
              maxLength={CHAT_LIMITS.text}
              onChange={(e) => setText(e.target.value)}
              autoComplete="off"
            />
          </span>
          <span className="field">
            <label htmlFor="chat-via">Send over</label>
            <select id="chat-via" value={via} onChange={(e) => setVia(e.target.value as TransportName)}>
              {TRANSPORT_NAMES.map((t) => (
                <option key={t} value={t}>
                  {TRANSPORT_STYLE[t].label}
                  {t === "ws" ? " (a frame)" : " (an HTTP POST)"}
                </option>
              ))}
            </select>
          </span>
          <button type="submit" className="primary" disabled={sending || text.trim() === ""}>
            Send
          </button>
        </form>
        {status !== null && (
          <p className={`note ${status.ok ? "ok" : "error"}`} role="status">
            {status.text}
          </p>
        )}
        <p className="note">
          Every line below arrived over the transport of its column; the figure after the time is its delivery
          latency.
        </p>
      </section>
      <div className="panel-grid">
        {view.lanes.map((lane) => {
          const style = TRANSPORT_STYLE[lane.transport];
          const state = describeLaneState(lane.state, lane.paused, lane.error);
          const id = `chat-${lane.transport}`;
          return (
            <section
              key={lane.transport}
              className={`panel${lane.paused ? " paused" : ""}`}
              style={{ "--transport-color": style.color } as CSSProperties}
              aria-labelledby={id}
            >
              <div className="panel-head">
                <h2 id={id}>{style.label}</h2>
              </div>
              <p className="state-line">
                <span className={`dot ${state.tone}`} aria-hidden="true" />
                <strong>{state.label}</strong>
              </p>
              <ol className="chat-list" aria-label={`Chat as received over ${style.label}`}>
                {view.history.map((m) => (
                  <ChatLine key={`h${m.seq}`} message={m} history uncertainty={null} />
                ))}
                {[...lane.chat].reverse().map((m) => (
                  <ChatLine
                    key={m.seq}
                    message={m}
                    uncertainty={lane.figures?.metrics.clock?.uncertainty ?? null}
                  />
                ))}
                {view.history.length === 0 && lane.chat.length === 0 && (
                  <li className="note">No chat yet.</li>
                )}
              </ol>
            </section>
          );
        })}
      </div>
    </>
  );
}
