/** Channel names: lowercase letters, digits and dashes, 1–64 chars, not starting with a dash. */
export const CHANNEL_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The channel that always exists (the chat room). */
export const DEFAULT_CHANNEL = "chat";

/** True when `name` is a valid channel name. */
export function isValidChannelName(name: string): boolean {
  return CHANNEL_NAME_PATTERN.test(name);
}
