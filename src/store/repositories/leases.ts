import type { AtomicNamespace, Store } from '../store.ts';

export interface Lease {
  name: string;
  holder: string;
  version: string;
}

/**
 * Leases in the store: a job (a target's delivery, say) is run by whoever holds its lease. A lease expires
 * unless its holder renews it, so when a replica dies another takes the job over after at most `ttlMs`.
 */
export class LeaseRepository {
  readonly #atomic: AtomicNamespace;

  constructor(store: Store) {
    this.#atomic = store.atomic('leases');
  }

  /** Takes the lease if it is free or expired; null if someone else holds it. */
  async acquire(name: string, holder: string, ttlMs: number): Promise<Lease | null> {
    if (!(await this.#atomic.add(name, holder, ttlMs))) {
      const held = await this.#atomic.getVersioned<string>(name);
      // The same holder asking again (a retried job in the same process) keeps its lease.
      if (held?.value === holder && (await this.#atomic.setIfVersion(name, holder, held.version, ttlMs))) {
        return this.#current(name, holder);
      }
      return null;
    }
    return this.#current(name, holder);
  }

  /** Extends a lease still held; null if it was lost (expired and taken by someone else). */
  async renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    if (!(await this.#atomic.setIfVersion(lease.name, lease.holder, lease.version, ttlMs))) return null;
    return this.#current(lease.name, lease.holder);
  }

  async release(lease: Lease): Promise<void> {
    await this.#atomic.deleteIfVersion(lease.name, lease.version);
  }

  async #current(name: string, holder: string): Promise<Lease | null> {
    const held = await this.#atomic.getVersioned<string>(name);
    return held?.value === holder ? { name, holder, version: held.version } : null;
  }
}
