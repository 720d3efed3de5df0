/**
 * An adapter's lifecycle, written once for every adapter: its state, a start that happens once, the posts in
 * flight, and a stop that stops taking events, lets those posts finish and can be called twice.
 *
 *   idle ──start()──▶ starting ──▶ running ──stop()──▶ stopping ──▶ stopped
 *                        └──── start failed ──────────────────────────▲
 *
 * A post is taken only while running (`post`); anything else an adapter wants stop() to wait for (a
 * command's answer, say) is handed to `track`. stop() from any state ends in `stopped`; a second call returns
 * the first call's promise. A restartable lifecycle (the tests' in-memory workspace) may start again once
 * stopped; the others refuse: make a new adapter.
 */

import type { AdapterHealth } from '../../src/chat/types.ts';

export type LifecycleState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/** How /healthz words each state but `running`, where the adapter reports its connection itself. */
const NOT_RUNNING: Readonly<Record<Exclude<LifecycleState, 'running'>, string>> = {
  idle: 'not started',
  starting: 'connecting',
  stopping: 'stopping',
  stopped: 'stopped',
};

export interface LifecycleOptions {
  /** Whether start() may follow a finished stop(). Default false. */
  restartable?: boolean | undefined;
}

export interface StopSteps {
  /** Runs at once, before the wait for posts in flight: stop taking events (close a prompt, drop handlers). */
  halt?: (() => void) | undefined;
  /**
   * Runs once the posts in flight settled: disconnect, close files. `wasStarted` tells whether start() had
   * begun (so there is a connection to close).
   */
  close?: ((wasStarted: boolean) => Promise<void> | void) | undefined;
}

/** A post refused because the adapter is not running (not started yet, or stopped). */
export class NotRunningError extends Error {
  override readonly name = 'NotRunningError';
  readonly state: LifecycleState;

  constructor(adapter: string, state: LifecycleState) {
    super(`The ${adapter} adapter ${describe(state)}.`);
    this.state = state;
  }
}

export class AdapterLifecycle {
  readonly #name: string;
  readonly #restartable: boolean;
  #state: LifecycleState = 'idle';
  #stopping: Promise<void> | null = null;
  readonly #inFlight = new Set<Promise<unknown>>();

  /** `name` is how errors call the adapter: "Slack", "shell". */
  constructor(name: string, options: LifecycleOptions = {}) {
    this.#name = name;
    this.#restartable = options.restartable ?? false;
  }

  get state(): LifecycleState {
    return this.#state;
  }

  /** Whether events and posts are taken. */
  get running(): boolean {
    return this.#state === 'running';
  }

  /**
   * The adapter's health for /healthz: `running()`'s report while running (its connection, its session),
   * else not connected, with the state in words: `slack: not started`, `discord: stopped`.
   */
  health(platform: string, running: () => AdapterHealth): AdapterHealth {
    if (this.#state === 'running') return running();
    return { connected: false, detail: `${platform}: ${NOT_RUNNING[this.#state]}` };
  }

  /** How many tracked posts have not settled yet. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Runs the adapter's start-up (`connect`) once: `starting` while it runs, then `running`. It rejects when
   * the adapter was started before, and when stop() came while it ran. When it fails, the adapter is stopped
   * and `undo` (close what `connect` opened) runs before the error is passed on.
   */
  async start(connect: () => Promise<void> | void, undo?: () => Promise<void>): Promise<void> {
    this.#beginStart();
    try {
      await connect();
      if (this.#state !== 'starting')
        throw new Error(`The ${this.#name} adapter was stopped while it started.`);
      this.#state = 'running';
    } catch (error) {
      if (this.#state === 'starting') this.#state = 'stopped';
      await undo?.().catch(() => {});
      throw error;
    }
  }

  /**
   * Runs `work` as a post: at once (synchronously) while running, and stop() waits for it; otherwise it
   * rejects with a NotRunningError and `work` does not run.
   */
  post<T>(work: () => Promise<T>): Promise<T> {
    if (this.#state !== 'running') return Promise.reject(new NotRunningError(this.#name, this.#state));
    let posting: Promise<T>;
    try {
      posting = work();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.track(posting);
  }

  /** Makes stop() wait for `work` (when it is still running by then); returns `work`. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work)).catch(() => {});
    return work;
  }

  /**
   * Stops: no more events or posts from now on (`halt` runs at once), then waits for the posts in flight,
   * then `close` runs, then the state is `stopped`. A second call returns the first call's promise (and its
   * steps are not run).
   */
  stop(steps: StopSteps = {}): Promise<void> {
    this.#stopping ??= this.#stop(steps);
    return this.#stopping;
  }

  async #stop(steps: StopSteps): Promise<void> {
    const wasStarted = this.#state === 'running' || this.#state === 'starting';
    this.#state = 'stopping';
    try {
      steps.halt?.();
      await Promise.allSettled([...this.#inFlight]);
      await steps.close?.(wasStarted);
    } finally {
      this.#state = 'stopped';
    }
  }

  #beginStart(): void {
    const again = this.#state === 'stopped' && this.#restartable;
    if (this.#state !== 'idle' && !again) {
      throw new Error(
        this.#restartable
          ? `The ${this.#name} adapter ${describe(this.#state)}; it can start again once stopped.`
          : `This ${this.#name} adapter was already started; make a new one.`,
      );
    }
    if (again) this.#stopping = null;
    this.#state = 'starting';
  }
}

function describe(state: LifecycleState): string {
  switch (state) {
    case 'idle':
      return 'is not started';
    case 'starting':
      return 'is still starting';
    case 'running':
      return 'is already running';
    case 'stopping':
    case 'stopped':
      return 'is stopped';
  }
}
