import type { TransportName } from "@transport-lab/protocol";
import { type AutoOptions, type ResolvedAutoOptions, resolveAutoOptions } from "./auto-options.ts";
import { choiceKey, readChoice, writeChoice } from "./choice-memory.ts";
import type { Lane } from "./lane.ts";
import type { Platform } from "./platform.ts";
import { checkReachable } from "./time-ping.ts";
import type { TransportDrop } from "./transport.ts";
import type {
  DecisionAction,
  DecisionOutcome,
  DecisionWhy,
  ReachabilityCheck,
  TransportDecision,
} from "./transport-decision.ts";

/** What the picker needs from its client. */
export interface PickerHost {
  readonly platform: Platform;
  /** The client's base URL: the reachability check's server, and the key of the remembered choice. */
  readonly baseUrl: string;
  now(): number;
  /** The lane in use. */
  active(): Lane;
  /** The lane of `name` (made on first use). A lane's link reports to the picker while it is not the active one. */
  lane(name: TransportName): Lane;
  /** Stops a lane that is not the active one, closing its sockets in the background. */
  closeLater(lane: Lane): void;
  /** Moves to `name` with the client's switch: the old link stops, the new one starts from the cursor. */
  moveTo(name: TransportName, reason: "fallback" | "upgrade"): void;
  emit(decision: TransportDecision): void;
}

interface Trial {
  readonly transport: TransportName;
  readonly why: DecisionWhy;
  readonly startedAt: number;
}

/**
 * The decisions of `transport: "auto"` (docs/architecture.md, "Automatic fallback"). A transport
 * works only once its first hello or answer arrives within `openTimeoutMs`, so an upgrade that
 * succeeds and then carries nothing, or an event stream a proxy holds back, fails like a refusal.
 * A failure without an HTTP status is checked with a plain `GET /api/time`: no answer means the
 * server is down, so the same transport is retried; an answer means this transport is what fails.
 * A transport that never worked is then left at once, one that did after a second failure. On a
 * transport below the first, the better ones are checked in the background and the client moves
 * up when one opens. The client's backoff paces every retry of the same transport; a fallback
 * goes to the next one at once.
 */
export class AutoPicker {
  readonly #failedAt = new Map<TransportName, number>();
  readonly #strikes = new Map<TransportName, number>();
  readonly #worked = new Set<TransportName>();
  #trial: Trial | undefined;
  #nextWhy: DecisionWhy = "first";
  #openTimer: ReturnType<typeof setTimeout> | undefined;
  #timedOut = false;
  /** The transport the client should open next, once the check after a failure is done. */
  #target: Promise<TransportName> | undefined;
  #check: AbortController | undefined;
  #upgradeTimer: ReturnType<typeof setTimeout> | undefined;
  #probe: (Trial & { timer: ReturnType<typeof setTimeout> }) | undefined;
  #enabled = true;

  readonly options: ResolvedAutoOptions;
  readonly #memoryKey: string;

  /** Throws on options {@link resolveAutoOptions} refuses. */
  constructor(
    options: AutoOptions | undefined,
    readonly host: PickerHost,
  ) {
    this.options = resolveAutoOptions(options);
    this.#memoryKey = choiceKey(host.baseUrl);
  }

  /** False once the caller chose a transport itself (switchTransport) or the client closed. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** The transport to start with: this tab's remembered choice while it is fresh, else the first of the order. */
  initial(): TransportName {
    const { memory, rememberMs, order } = this.options;
    const choice = readChoice(memory, this.#memoryKey, this.host.now(), rememberMs, order);
    this.#nextWhy = choice === null || choice.transport === order[0] ? "first" : "remembered";
    return choice?.transport ?? (order[0] as TransportName);
  }

  /** The client opens the active transport now: its first hello must arrive within the timeout. */
  attemptStarted(transport: TransportName): void {
    if (!this.#enabled) return;
    this.#clearOpenTimer();
    this.#trial = { transport, why: this.#nextWhy, startedAt: this.host.now() };
    this.#nextWhy = "reconnect";
    this.#target = undefined;
    this.#openTimer = setTimeout(() => {
      this.#openTimer = undefined;
      this.#timedOut = true;
      this.host.active().link.attempt?.end({
        reason: "timeout",
        detail: `no hello within ${this.options.openTimeoutMs} ms`,
        fatal: false,
      });
    }, this.options.openTimeoutMs);
  }

  /** The active attempt opened: this transport works; remember it, and look for a better one later. */
  activeOpened(cursor: string): void {
    const trial = this.#trial;
    if (!this.#enabled || trial === undefined) return;
    this.#clearOpenTimer();
    this.#trial = undefined;
    const { transport } = trial;
    this.#worked.add(transport);
    this.#strikes.delete(transport);
    this.#failedAt.delete(transport);
    writeChoice(this.options.memory, this.#memoryKey, { transport, at: this.host.now() });
    this.#decide(trial, "opened", `hello: delivery continues after ${cursor}`, null, "use", transport);
    this.#scheduleUpgrade();
  }

  /**
   * The active attempt ended. A drop of an open connection is the client's to retry (a server
   * restart is no reason to fall back). One that never opened is a failure of this transport:
   * the picker decides, after a reachability check where needed, which transport the client
   * opens next (`target()`). Returns true when a fatal refusal must not close the client, because
   * another transport may still work.
   */
  activeDropped(drop: TransportDrop, wasOpen: boolean): boolean {
    const trial = this.#trial;
    if (!this.#enabled || wasOpen || trial === undefined) return false;
    const outcome: DecisionOutcome = this.#timedOut ? "timeout" : "failed";
    this.#clearOpenTimer();
    this.#trial = undefined;
    // These concern the request (a cursor the server cannot have, a rate limit), not the transport.
    if (drop.status === 400 || drop.status === 429) return false;
    const next = this.#fallbackAfter(trial.transport);
    const reason = outcome === "timeout" ? drop.detail : `${drop.reason}: ${drop.detail}`;
    if (drop.fatal && next === undefined) {
      this.#decide(trial, outcome, reason, null, "give_up", trial.transport);
      return false;
    }
    this.#target = this.#afterFailure(trial, outcome, reason, drop.status === undefined, next);
    return drop.fatal;
  }

  /** The transport the client's retry opens: the active one, or where the last failure's decision points. */
  target(): Promise<TransportName> {
    return this.#target ?? Promise.resolve(this.#activeName());
  }

  /** The background attempt opened: the better transport works, move up to it. */
  probeOpened(name: TransportName): void {
    const probe = this.#probe;
    if (!this.#enabled || probe?.transport !== name) return;
    clearTimeout(probe.timer);
    this.#probe = undefined;
    this.#failedAt.delete(name);
    this.#decide(probe, "opened", "hello arrived", null, "move_up", name);
    // Out of the socket callback that reported the hello: the move closes that very connection.
    queueMicrotask(() => {
      if (!this.#enabled) return;
      this.#nextWhy = "upgrade";
      this.host.moveTo(name, "upgrade");
    });
  }

  /** The background attempt ended before it opened. */
  probeEnded(name: TransportName, drop: TransportDrop): void {
    if (this.#probe?.transport === name) this.#probeFailed("failed", `${drop.reason}: ${drop.detail}`);
  }

  /** The caller picked a transport itself: no more automatic moves. */
  disable(): void {
    if (!this.#enabled) return;
    this.#enabled = false;
    this.#target = undefined; // a decision still being checked must not move the chosen transport
    this.#clearOpenTimer();
    this.#check?.abort();
    if (this.#upgradeTimer !== undefined) clearTimeout(this.#upgradeTimer);
    this.#upgradeTimer = undefined;
    const probe = this.#probe;
    if (probe !== undefined) {
      clearTimeout(probe.timer);
      this.#probe = undefined;
      this.host.closeLater(this.host.lane(probe.transport));
    }
  }

  /** A failure's decision, once the reachability check (if any) is done. */
  async #afterFailure(
    trial: Trial,
    outcome: DecisionOutcome,
    reason: string,
    needsCheck: boolean,
    next: TransportName | undefined,
  ): Promise<TransportName> {
    const { transport } = trial;
    let check: ReachabilityCheck | null = null;
    if (needsCheck) {
      const controller = new AbortController();
      this.#check = controller;
      const started = this.host.now();
      const { platform, baseUrl } = this.host;
      const reachable = await checkReachable(
        platform,
        baseUrl,
        controller.signal,
        this.options.openTimeoutMs,
      );
      if (this.#check === controller) this.#check = undefined;
      check = { reachable, tookMs: this.host.now() - started };
    }
    if (!this.#enabled) return transport;
    let action: DecisionAction = "retry";
    if (check === null || check.reachable) {
      const strikes = (this.#strikes.get(transport) ?? 0) + 1;
      this.#strikes.set(transport, strikes);
      // One that delivered before gets a second chance: a failure right after a restart is likelier than a new proxy.
      if (next !== undefined && strikes >= (this.#worked.has(transport) ? 2 : 1)) action = "fall_back";
    }
    if (action === "fall_back") {
      this.#failedAt.set(transport, this.host.now());
      this.#nextWhy = "fallback";
    }
    const target = action === "fall_back" ? (next as TransportName) : transport;
    this.#decide(trial, outcome, reason, check, action, target);
    // Another transport is tried at once: the check already paced this, and the backoff is for
    // trying the same one again. Out of the drop's handling (this may run inside it), and the
    // client's retry, should it come first, goes there too.
    if (action === "fall_back")
      queueMicrotask(() => {
        if (this.#enabled && this.#activeName() === transport) this.host.moveTo(target, "fallback");
      });
    return target;
  }

  /**
   * Where to go after `transport` fails: the next one in the order, skipping those that failed
   * within `rememberMs` (the background check retries them), else the last; none after the last.
   */
  #fallbackAfter(transport: TransportName): TransportName | undefined {
    const { order, rememberMs } = this.options;
    const after = order.slice(order.indexOf(transport) + 1);
    const now = this.host.now();
    const fresh = after.find((t) => {
      const failed = this.#failedAt.get(t);
      return failed === undefined || now - failed >= rememberMs;
    });
    return fresh ?? after[after.length - 1];
  }

  /** On a transport below the first, checks the better ones after `upgradeIntervalMs` (once at a time). */
  #scheduleUpgrade(): void {
    const { order, upgradeIntervalMs } = this.options;
    if (upgradeIntervalMs === 0 || this.#upgradeTimer !== undefined || this.#probe !== undefined) return;
    if (order.indexOf(this.#activeName()) <= 0) return;
    this.#upgradeTimer = setTimeout(() => {
      this.#upgradeTimer = undefined;
      this.#probeFrom(0);
    }, upgradeIntervalMs);
  }

  /** Tries the best transport from `index` on that is better than the active one, or waits again. */
  #probeFrom(index: number): void {
    if (!this.#enabled) return;
    const { order } = this.options;
    const transport = order[index];
    if (transport === undefined || index >= order.indexOf(this.#activeName())) {
      this.#scheduleUpgrade();
      return;
    }
    const timer = setTimeout(
      () => this.#probeFailed("timeout", `no hello within ${this.options.openTimeoutMs} ms`),
      this.options.openTimeoutMs,
    );
    this.#probe = { transport, why: "upgrade", startedAt: this.host.now(), timer };
    this.host.lane(transport).transport.open();
  }

  #probeFailed(outcome: DecisionOutcome, reason: string): void {
    const probe = this.#probe;
    if (probe === undefined) return;
    clearTimeout(probe.timer);
    this.#probe = undefined;
    this.host.closeLater(this.host.lane(probe.transport));
    this.#failedAt.set(probe.transport, this.host.now());
    this.#decide(probe, outcome, reason, null, "stay", this.#activeName());
    this.#probeFrom(this.options.order.indexOf(probe.transport) + 1);
  }

  #decide(
    trial: Trial,
    outcome: DecisionOutcome,
    reason: string,
    check: ReachabilityCheck | null,
    action: DecisionAction,
    next: TransportName,
  ): void {
    const at = this.host.now();
    this.host.emit({
      at,
      tried: trial.transport,
      why: trial.why,
      outcome,
      reason,
      tookMs: at - trial.startedAt,
      check,
      action,
      next,
    });
  }

  #activeName(): TransportName {
    return this.host.active().transport.name as TransportName; // auto moves among the four only
  }

  #clearOpenTimer(): void {
    if (this.#openTimer !== undefined) clearTimeout(this.#openTimer);
    this.#openTimer = undefined;
    this.#timedOut = false;
  }
}
