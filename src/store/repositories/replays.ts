import type { AtomicNamespace, Store } from '../store.ts';

/**
 * Requests already taken, each remembered for as long as it could be taken at all, so that one that comes
 * again (a replay) is refused. It lives in the store, so replicas that share it share the memory: a signed
 * request taken by one replica is refused by every other. Keys are the caller's (e.g. `slack|<signature>`);
 * expired ones are swept by the store like any other.
 */
export class ReplayRepository {
  readonly #atomic: AtomicNamespace;

  constructor(store: Store) {
    this.#atomic = store.atomic('replays');
  }

  /**
   * Records `id` for `ttlMs`, in one atomic step: true the first time within that window (take the
   * request), false when it is already there (a replay). A store failure throws.
   */
  async firstSeen(id: string, ttlMs: number): Promise<boolean> {
    return this.#atomic.add(id, Date.now(), Math.max(1, Math.ceil(ttlMs)));
  }
}
