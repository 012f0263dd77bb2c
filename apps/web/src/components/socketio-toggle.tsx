/** The "vs Socket.IO" switch above the compare view's panels: adds or removes the fifth lane. */
export function SocketIoToggle({ on, onToggle }: { readonly on: boolean; readonly onToggle: () => void }) {
  return (
    <p className="socketio-toggle">
      <button type="button" aria-pressed={on} onClick={onToggle}>
        vs Socket.IO
      </button>{" "}
      <span className="note">
        {on
          ? "A fifth lane: the same channel through Socket.IO (its client is loaded only when the lane is first turned on), in every chart, the Wire tab, Record and Export."
          : "Add a fifth lane: the same channel through the server's Socket.IO endpoint."}
      </span>
    </p>
  );
}
