/*
 * arXiv asks for one request at a time and at least 3 seconds between requests, from the whole process.
 * The RateGate enforces both: tasks run one after another in arrival order, and each starts no sooner than
 * `minIntervalMs` after the previous one started, nor before a hold (a Retry-After, a backoff) has passed.
 */

/** Time as the gate sees it; tests inject a fake whose sleep advances its now. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      signal?.throwIfAborted();
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * What the ArxivClient needs of a gate: the in-process RateGate, or the SharedRateGate
 * (src/arxiv/shared-gate.ts) that also spaces requests across replicas sharing a store.
 */
export interface Gate {
  readonly minIntervalMs: number;
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** No task of this process starts in the next `ms` milliseconds (a backoff after an error). */
  holdFor(ms: number): void;
  /**
   * arXiv asked for a pause (Retry-After): no task starts in the next `ms` milliseconds anywhere the gate
   * reaches, every replica for the shared gate. Called inside a task, so it is recorded before the slot is free.
   */
  holdEveryone(ms: number): Promise<void>;
}

export interface RateGateOptions {
  minIntervalMs: number;
  clock?: Clock;
}

export class RateGate implements Gate {
  #minIntervalMs: number;
  readonly #clock: Clock;
  #tail: Promise<void> = Promise.resolve();
  #lastStart = Number.NEGATIVE_INFINITY;
  #notBefore = Number.NEGATIVE_INFINITY;

  constructor(options: RateGateOptions) {
    if (!(options.minIntervalMs >= 0))
      throw new Error(`minIntervalMs must be >= 0, got ${options.minIntervalMs}`);
    this.#minIntervalMs = options.minIntervalMs;
    this.#clock = options.clock ?? systemClock;
  }

  get minIntervalMs(): number {
    return this.#minIntervalMs;
  }

  /**
   * Runs `task` when it is its turn: after every task queued before it has finished, at least `minIntervalMs`
   * after the previous start, and not before any hold. An aborted `signal` takes a waiting task out of the
   * queue (the task never runs); a running task receives the signal itself.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.#tail;
    const done = Promise.withResolvers<void>();
    // The next task waits for the previous one too, so leaving the queue early never lets two run at once.
    this.#tail = previous.then(() => done.promise);
    try {
      await untilAborted(previous, signal);
      await this.#waitForSlot(signal);
      this.#lastStart = this.#clock.now();
      return await task();
    } finally {
      done.resolve();
    }
  }

  /** No task starts in the next `ms` milliseconds (a server asked us to wait, or we back off). */
  holdFor(ms: number): void {
    this.#notBefore = Math.max(this.#notBefore, this.#clock.now() + ms);
  }

  /** This gate reaches only this process: the same as holdFor. */
  async holdEveryone(ms: number): Promise<void> {
    this.holdFor(ms);
  }

  /** Raises the interval (never lowers it): the shared gate keeps the strictest interval asked of it. */
  raiseInterval(minIntervalMs: number): void {
    this.#minIntervalMs = Math.max(this.#minIntervalMs, minIntervalMs);
  }

  async #waitForSlot(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      const wait = Math.max(this.#lastStart + this.#minIntervalMs, this.#notBefore) - this.#clock.now();
      if (wait <= 0) return;
      // Timers may fire a little early; the loop checks again.
      await this.#clock.sleep(wait, signal);
    }
  }
}

let processGate: RateGate | undefined;

/** The gate shared by every ArxivClient of this process that was not given its own. */
export function sharedRateGate(minIntervalMs: number): RateGate {
  processGate ??= new RateGate({ minIntervalMs });
  processGate.raiseInterval(minIntervalMs);
  return processGate;
}

function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
