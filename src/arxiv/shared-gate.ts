import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Logger, silentLogger } from '../log.ts';
import type { AtomicNamespace, Store } from '../store/index.ts';
import { type Gate, RateGate } from './rate-gate.ts';

/*
 * arXiv's etiquette (one request at a time, `minIntervalMs` apart) holds for everyone behind one address, so
 * replicas sharing a Redis or Postgres store must space their requests together, not each on its own.
 *
 * The SharedRateGate does it with a slot lease in the store. Before a request, a process takes the key
 * `arxiv-gate` with an atomic add-if-absent (retrying every `pollMs` while another holds it). While the
 * request is in flight the key lives for the request's timeout plus the interval, so a replica that dies
 * mid-request frees the slot by itself; when the request ends its holder sets the key to expire
 * `minIntervalMs` later, so the next request anywhere starts at least that long after this one ended.
 *
 * Inside the process the requests still queue on a local RateGate first (the process-wide one by default),
 * so a process polls the store for one request at a time, and holdFor (a backoff) stays in the process.
 *
 * A Retry-After is arXiv's word to everyone behind the address, so holdEveryone also writes a "not before"
 * time (epoch ms) under `arxiv-hold`, kept while it lies ahead and only ever moved later. The client calls it
 * inside its task, before the slot is given back, and a process reads it right after taking the slot: a
 * replica that finds a hold gives the slot back and sleeps until the hold has passed. Replicas compare wall
 * clocks there, as the store's own expiry already does.
 *
 * A store failure while taking the slot fails the request (the store is never bypassed silently); a failure
 * while giving it back or writing a hold is logged (the key expires on its own; the hold stays local).
 */

const KEY = 'arxiv-gate';
const HOLD_KEY = 'arxiv-hold';
const NAMESPACE = 'arxiv';

export interface SharedRateGateOptions {
  store: Store;
  minIntervalMs: number;
  /** The longest a request may be in flight (the client's timeout); the slot is held at most this plus the interval. */
  requestTimeoutMs: number;
  /** How often a waiting process asks for the slot again; by default a tenth of the interval, 5 to 50 ms. */
  pollMs?: number;
  /** The in-process queue; a new RateGate of `minIntervalMs` by default. */
  local?: RateGate;
  logger?: Logger;
}

export class SharedRateGate implements Gate {
  readonly #atomic: AtomicNamespace;
  readonly #local: RateGate;
  readonly #requestTimeoutMs: number;
  readonly #pollMs: number;
  readonly #logger: Logger;
  readonly #holder = `${process.pid}:${randomUUID()}`;

  constructor(options: SharedRateGateOptions) {
    if (!(options.minIntervalMs >= 0))
      throw new Error(`minIntervalMs must be >= 0, got ${options.minIntervalMs}`);
    this.#atomic = options.store.atomic(NAMESPACE);
    this.#local = options.local ?? new RateGate({ minIntervalMs: options.minIntervalMs });
    this.#local.raiseInterval(options.minIntervalMs);
    this.#requestTimeoutMs = Math.max(1, options.requestTimeoutMs);
    this.#pollMs = options.pollMs ?? Math.min(50, Math.max(5, Math.round(options.minIntervalMs / 10)));
    this.#logger = options.logger ?? silentLogger;
  }

  get minIntervalMs(): number {
    return this.#local.minIntervalMs;
  }

  holdFor(ms: number): void {
    this.#local.holdFor(ms);
  }

  async holdEveryone(ms: number): Promise<void> {
    this.#local.holdFor(ms);
    if (!(ms > 0)) return;
    try {
      await this.#raiseHold(Date.now() + ms);
    } catch (error) {
      this.#logger.warn(
        { err: error, holdMs: ms },
        "could not tell the other replicas of arXiv's Retry-After; only this one waits",
      );
    }
  }

  /** Sets the shared hold to `until`, unless it already reaches as far. */
  async #raiseHold(until: number): Promise<void> {
    for (;;) {
      const ttlMs = until - Date.now();
      if (ttlMs <= 0) return;
      if (await this.#atomic.add(HOLD_KEY, until, ttlMs)) return;
      const held = await this.#atomic.getVersioned<number>(HOLD_KEY);
      if (!held) continue;
      if (held.value >= until) return;
      if (await this.#atomic.setIfVersion(HOLD_KEY, until, held.version, ttlMs)) return;
    }
  }

  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.#local.run(async () => {
      const version = await this.#acquire(signal);
      try {
        return await task();
      } finally {
        await this.#release(version);
      }
    }, signal);
  }

  /** Waits for the slot and takes it; the version of the key this process wrote. */
  async #acquire(signal: AbortSignal | undefined): Promise<string> {
    for (;;) {
      signal?.throwIfAborted();
      let waitMs = this.#pollMs;
      if (await this.#atomic.add(KEY, this.#holder, this.#requestTimeoutMs + this.minIntervalMs)) {
        const held = await this.#atomic.getVersioned<string>(KEY);
        // Lost between add and read only if the hold expired meanwhile; take the next turn.
        if (held?.value === this.#holder) {
          const holdMs = await this.#holdLeft();
          if (holdMs <= 0) return held.version;
          // Read under the slot, so a hold written by the previous holder before it let go is always seen.
          await this.#atomic.deleteIfVersion(KEY, held.version);
          waitMs = holdMs;
        }
      }
      await sleep(waitMs, undefined, signal ? { signal } : {});
    }
  }

  /** Milliseconds left of the shared Retry-After hold; 0 when there is none. */
  async #holdLeft(): Promise<number> {
    const hold = await this.#atomic.getVersioned<number>(HOLD_KEY);
    return typeof hold?.value === 'number' ? Math.max(0, hold.value - Date.now()) : 0;
  }

  /** The slot stays taken `minIntervalMs` after the request ended, then anyone may take it. */
  async #release(version: string): Promise<void> {
    try {
      const kept =
        this.minIntervalMs > 0
          ? await this.#atomic.setIfVersion(KEY, this.#holder, version, this.minIntervalMs)
          : await this.#atomic.deleteIfVersion(KEY, version);
      if (!kept) {
        this.#logger.warn(
          { requestTimeoutMs: this.#requestTimeoutMs },
          'the shared arXiv rate slot expired while its request was in flight',
        );
      }
    } catch (error) {
      this.#logger.warn(
        { err: error },
        'could not give back the shared arXiv rate slot; it expires by itself',
      );
    }
  }
}
