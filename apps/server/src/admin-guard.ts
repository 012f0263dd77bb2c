import { createHash, timingSafeEqual } from "node:crypto";
import { ApiError } from "./errors.ts";
import { createKeyedRateLimiter } from "./rate-limit.ts";

/** How a request stands with the admin token. */
export type AdminStatus = "open" | "authorized" | "missing" | "wrong";

/** Wrong tokens one address may present: a burst, then one a second. */
const GUESS_RATE = 1;
const GUESS_BURST = 20;

/** Checks `Authorization: Bearer <token>` for the teacher's endpoints. */
export interface AdminGuard {
  /** True when a token is configured (or was generated at start). */
  readonly tokenRequired: boolean;
  /**
   * Where the request stands. The right token always passes; a wrong one costs its address one
   * guess, and an address out of guesses gets 429 `rate_limited` for its wrong tokens.
   */
  status(authorization: string | undefined, address: string): AdminStatus;
  /** Throws 401 `unauthorized` unless {@link status} is `open` or `authorized`. */
  require(authorization: string | undefined, address: string): void;
  /** Forgets addresses whose guesses have refilled. */
  sweep(): void;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** `Bearer <token>`, the scheme in any case (RFC 7235 §2.1); `undefined` for any other scheme. */
const BEARER = /^bearer +(.+)$/i;

/** A guard for `token` (`undefined`: every request is allowed). */
export function createAdminGuard(token: string | undefined): AdminGuard {
  const expected = token === undefined ? undefined : digest(token);
  const guesses = createKeyedRateLimiter(GUESS_RATE, GUESS_BURST);
  const status = (authorization: string | undefined, address: string): AdminStatus => {
    if (expected === undefined) return "open";
    if (authorization === undefined || authorization === "") return "missing";
    const given = BEARER.exec(authorization)?.[1] ?? "";
    // Digests have one length, so the comparison takes the same time whatever was sent. It comes
    // first: guesses from a shared (NAT) address must not lock the teacher out.
    if (timingSafeEqual(digest(given), expected)) return "authorized";
    if (!guesses.take(address)) {
      throw new ApiError(429, "rate_limited", "too many wrong admin tokens from this address; wait a minute");
    }
    return "wrong";
  };
  return {
    tokenRequired: expected !== undefined,
    status,
    require(authorization, address) {
      const s = status(authorization, address);
      if (s === "open" || s === "authorized") return;
      throw new ApiError(
        401,
        "unauthorized",
        s === "missing"
          ? "this endpoint needs Authorization: Bearer <admin token>"
          : "the admin token is wrong",
      );
    },
    sweep: () => guesses.sweep(),
  };
}
