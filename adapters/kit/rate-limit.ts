/**
 * Pacing for a platform's rate limits, shared by the adapters: a burst-aware limiter per key (a channel, or
 * one key for a workspace-wide limit), by the generic cell rate algorithm (GCRA), which is a token bucket
 * kept as one number per key: the theoretical arrival time `tat` of the next request at the steady rate.
 * A request may go when `now >= tat - tolerance`, where the tolerance lets `burst` requests go at once.
 *
 * The platform counts a request when it arrives, which is after we sent it and before we get the answer:
 * so each answer re-times the key as if the request had been counted at the moment it was answered (never
 * earlier than the platform can have counted it): its slot moves by the time it took. The interval also
 * carries a small safety margin. A rate
 * limit that still comes (a 429's Retry-After) holds the key back for as long as the platform asks.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Rate {
  /** Requests per second on average. */
  perSecond: number;
  /** How many may go at once after a quiet spell; at least 1. */
  burst: number;
  /** The steady interval is stretched by this fraction, for clock and network jitter. Default 0.05. */
  margin?: number;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

/** One request's slot: `answered()` re-times its key once the platform has answered it. */
export interface Slot {
  answered(): void;
}

/** Keys idle this long past their `tat` are forgotten: their bucket is full again anyway. */
const FORGET_AFTER_MS = 60_000;

export class RateLimiter {
  readonly #interval: number;
  readonly #tolerance: number;
  readonly #clock: Clock;
  readonly #tat = new Map<string, number>();
  /** The last request waiting for each key: a key's requests take their slots in the order they asked. */
  readonly #queues = new Map<string, Promise<unknown>>();
  #sweptAt = 0;

  constructor(rate: Rate, clock: Clock = systemClock) {
    if (!(rate.perSecond > 0)) throw new RangeError(`a rate needs perSecond > 0, got ${rate.perSecond}`);
    if (!Number.isInteger(rate.burst) || rate.burst < 1)
      throw new RangeError(`a rate needs a whole burst >= 1, got ${rate.burst}`);
    this.#interval = (1000 / rate.perSecond) * (1 + (rate.margin ?? 0.05));
    this.#tolerance = (rate.burst - 1) * this.#interval;
    this.#clock = clock;
  }

  /**
   * Waits until `key` may take a request, then takes it. The caller sends the request and calls
   * `answered()` on the slot when the answer (any answer) came. Requests for one key are served in the
   * order they asked: waiters woken together would otherwise race, and posts to a channel go out of order.
   */
  acquire(key: string): Promise<Slot> {
    const turn = (this.#queues.get(key) ?? Promise.resolve()).then(() => this.#take(key));
    const settled = turn.then(
      () => {},
      () => {},
    );
    this.#queues.set(key, settled);
    void settled.then(() => {
      if (this.#queues.get(key) === settled) this.#queues.delete(key);
    });
    return turn;
  }

  async #take(key: string): Promise<Slot> {
    for (;;) {
      const now = this.#clock.now();
      const tat = Math.max(this.#tat.get(key) ?? now, now);
      const wait = tat - this.#tolerance - now;
      if (wait <= 0) {
        const end = tat + this.#interval;
        this.#tat.set(key, end);
        this.#sweep(now);
        return { answered: () => this.#retime(key, end, this.#clock.now() - now) };
      }
      // A hold or an answer may move `tat` while this one sleeps: look again when it wakes.
      await this.#clock.sleep(wait);
    }
  }

  /** Nothing goes to `key` for `ms` (the platform asked to wait), and then one request, not a burst. */
  hold(key: string, ms: number): void {
    const until = this.#clock.now() + ms + this.#tolerance;
    if ((this.#tat.get(key) ?? 0) < until) this.#tat.set(key, until);
  }

  /**
   * The platform counted the request at most `delay` after it was taken: its slot, ending at `end`, moves
   * that much later (and the slots after it with it, when the delay is longer than they are apart).
   */
  #retime(key: string, end: number, delay: number): void {
    const at = end + delay;
    if ((this.#tat.get(key) ?? 0) < at) this.#tat.set(key, at);
  }

  #sweep(now: number): void {
    if (now - this.#sweptAt < FORGET_AFTER_MS) return;
    this.#sweptAt = now;
    for (const [key, tat] of this.#tat) if (tat + FORGET_AFTER_MS < now) this.#tat.delete(key);
  }
}
