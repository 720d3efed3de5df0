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
 * so a process polls the store for one request at a time, and holdFor (Retry-After, backoff) works as before.
 * A hold is not shared with the other replicas: each learns of a 429 or 503 from its own answers.
 * A store failure while taking the slot fails the request (the store is never bypassed silently); a failure
 * while giving it back is logged, and the key expires on its own.
 */

const KEY = 'arxiv-gate';
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
      if (await this.#atomic.add(KEY, this.#holder, this.#requestTimeoutMs + this.minIntervalMs)) {
        const held = await this.#atomic.getVersioned<string>(KEY);
        if (held?.value === this.#holder) return held.version;
        // Lost between add and read only if the hold expired meanwhile; take the next turn.
      }
      await sleep(this.#pollMs, undefined, signal ? { signal } : {});
    }
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
