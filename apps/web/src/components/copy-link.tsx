import { useRef, useState } from "react";
import { copyText } from "../lib/copy-text.ts";

/**
 * Copy link: works without the Clipboard API (a classroom server over http on a LAN address is
 * not a secure context), and when the browser refuses to copy at all, shows the link selected.
 */
export function CopyLink() {
  const [outcome, setOutcome] = useState<"copied" | "manual" | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const href = window.location.href;
  return (
    <>
      <button
        type="button"
        onClick={async () => {
          const how = await copyText(window.location.href);
          setOutcome(how === "manual" ? "manual" : "copied");
          if (how === "manual") requestAnimationFrame(() => field.current?.select());
        }}
      >
        Copy link
      </button>
      {outcome === "copied" && (
        <span className="note ok" role="status">
          Link copied: it carries these settings, never the teacher token.
        </span>
      )}
      {outcome === "manual" && (
        <span className="field copy-manual">
          <label htmlFor="copy-link-text">This browser would not copy: select and copy the link</label>
          <input id="copy-link-text" ref={field} readOnly value={href} onFocus={(e) => e.target.select()} />
        </span>
      )}
    </>
  );
}
