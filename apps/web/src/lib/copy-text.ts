/** How a copy went: through the Clipboard API, the older copy command, or not at all. */
export type CopyOutcome = "clipboard" | "command" | "manual";

/**
 * Copies `text`. The Clipboard API exists only in a secure context (https or localhost), and a
 * classroom server is reached over plain http on a LAN address: there the text is copied with
 * the older `execCommand("copy")` from a selected text field, and when even that is refused the
 * caller shows the text selected for the user to copy ("manual").
 */
export async function copyText(text: string): Promise<CopyOutcome> {
  const clipboard = typeof navigator === "undefined" ? undefined : navigator.clipboard;
  if (clipboard !== undefined && typeof clipboard.writeText === "function") {
    try {
      await clipboard.writeText(text);
      return "clipboard";
    } catch {
      // Refused (no focus, no permission): try the old way.
    }
  }
  if (typeof document === "undefined") return "manual";
  const field = document.createElement("textarea");
  field.value = text;
  field.setAttribute("readonly", "");
  // Off screen but selectable: a hidden or display:none field cannot be selected.
  field.style.position = "fixed";
  field.style.top = "-1000px";
  document.body.append(field);
  field.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  } finally {
    field.remove();
  }
  return copied ? "command" : "manual";
}
