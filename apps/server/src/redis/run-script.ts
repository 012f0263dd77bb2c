import { createHash } from "node:crypto";
import { ErrorReply } from "redis";
import { ApiError } from "../errors.ts";

/** A Lua script and its SHA-1, run with EVALSHA (EVAL once per connection when Redis lacks it). */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

/** Wraps Lua source as a {@link LuaScript}. */
export function luaScript(source: string): LuaScript {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

/** The one thing the scripts need of a node-redis client (keeps `redis` types out of the callers). */
export interface CommandSender {
  sendCommand(args: readonly string[], options?: { timeout?: number }): Promise<unknown>;
}

/**
 * node-redis's own per-command timeout is off for scripts: the deadline below covers them, and
 * node-redis's costs an `AbortSignal.timeout` per command that fires (making an exception) 5 s
 * later even when the answer came long before, a few % of the CPU of every publish.
 */
const NO_CLIENT_TIMEOUT = { timeout: 0 };

/** Longest a command may wait for Redis before its request is answered 503 `store_unavailable`. */
export const COMMAND_DEADLINE_MS = 5000;

/** The error every request gets while Redis cannot be reached. */
export function storeUnavailable(detail: string): ApiError {
  return new ApiError(503, "store_unavailable", `the message store (Redis) cannot be reached: ${detail}`);
}

/**
 * Runs `script` on `keys` and `args`. A connection that is down or an answer that takes longer
 * than {@link COMMAND_DEADLINE_MS} becomes 503 `store_unavailable` (the command may still have
 * run); an error Redis answered (a bug in a script) is rethrown as it is.
 */
export async function runScript(
  client: CommandSender,
  script: LuaScript,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  const tail = [String(keys.length), ...keys, ...args];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    // The error is made only when the deadline passes: an Error per command costs its stack trace.
    timer = setTimeout(
      () => reject(storeUnavailable(`no answer within ${COMMAND_DEADLINE_MS} ms`)),
      COMMAND_DEADLINE_MS,
    );
  });
  const run = async () => {
    try {
      return await client.sendCommand(["EVALSHA", script.sha, ...tail], NO_CLIENT_TIMEOUT);
    } catch (err) {
      if (err instanceof ErrorReply && err.message.startsWith("NOSCRIPT")) {
        return client.sendCommand(["EVAL", script.source, ...tail], NO_CLIENT_TIMEOUT);
      }
      throw err;
    }
  };
  try {
    return await Promise.race([run(), deadline]);
  } catch (err) {
    if (err instanceof ErrorReply || err instanceof ApiError) throw err;
    throw storeUnavailable(err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
}
