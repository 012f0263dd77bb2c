import type { Json } from "@transport-lab/protocol";

/** Longest chat name and text the page sends (the server's own limit is far higher). */
export const CHAT_LIMITS = { name: 32, text: 500 } as const;

/** What a message's `data` turned out to be. */
export type MessageKind =
  | { readonly kind: "chat"; readonly name: string; readonly text: string }
  | { readonly kind: "tick"; readonly tick: number; readonly padBytes: number }
  | { readonly kind: "other"; readonly preview: string };

/** The `data` of a chat message this page sends: `{"chat":{"name","text"}}`. */
export function chatData(name: string, text: string): Json {
  return {
    chat: { name: name.trim().slice(0, CHAT_LIMITS.name), text: text.trim().slice(0, CHAT_LIMITS.text) },
  };
}

/** Whether a message's data is a chat line: `{"chat":{"name":string,"text":string}}`, as {@link chatData} makes. */
export function isChatData(data: Json): data is { chat: { name: string; text: string } } {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return false;
  const chat = data.chat;
  return (
    chat !== null &&
    typeof chat === "object" &&
    !Array.isArray(chat) &&
    typeof chat.name === "string" &&
    typeof chat.text === "string"
  );
}

/** Classifies a message's data: a chat line, a generator tick (`{"tick","pad"}`) or anything else. */
export function classifyMessage(data: Json): MessageKind {
  if (isChatData(data)) return { kind: "chat", name: data.chat.name, text: data.chat.text };
  if (data !== null && typeof data === "object" && !Array.isArray(data)) {
    if (typeof data.tick === "number") {
      const pad = data.pad;
      return { kind: "tick", tick: data.tick, padBytes: typeof pad === "string" ? pad.length : 0 };
    }
  }
  return { kind: "other", preview: preview(data) };
}

/** The start of a value's JSON, at most `max` characters. */
export function preview(data: Json, max = 60): string {
  const text = typeof data === "string" ? data : JSON.stringify(data);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
