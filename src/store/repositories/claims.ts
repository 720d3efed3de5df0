import { randomUUID } from 'node:crypto';
import type { AtomicNamespace, Store } from '../store.ts';

/** A piece of work this process claimed; `version` is what renewing or releasing it must present. */
export interface Claim {
  readonly key: string;
  readonly version: string;
}

/**
 * Claims on work that replicas sharing a store should do once (a paper's summary: one model call, not one
 * per replica). A claim is taken with the store's atomic add, so one process gets it; it expires after its
 * TTL unless renewed, so the work of a replica that died is taken over by another. Unlike a lease
 * (leases.ts) a claim is never handed back to its holder by asking again: the process that holds it is
 * the one doing the work, and asking again means it is waiting for that work like everyone else.
 */
export class ClaimRepository {
  /** This process's name on its claims. */
  readonly holder: string;
  readonly #atomic: AtomicNamespace;

  constructor(store: Store, options: { namespace?: string; holder?: string } = {}) {
    this.#atomic = store.atomic(options.namespace ?? 'claims');
    this.holder = options.holder ?? `${process.pid}:${randomUUID()}`;
  }

  /** Takes the claim when nobody holds it (or its holder's claim expired); null when someone does. */
  async take(key: string, ttlMs: number): Promise<Claim | null> {
    if (!(await this.#atomic.add(key, this.holder, ttlMs))) return null;
    return this.#current(key);
  }

  /** Extends a claim still held; null when it was lost (it expired, and maybe someone else took it). */
  async renew(claim: Claim, ttlMs: number): Promise<Claim | null> {
    if (!(await this.#atomic.setIfVersion(claim.key, this.holder, claim.version, ttlMs))) return null;
    return this.#current(claim.key);
  }

  /** Gives the claim up, if it is still this one. */
  async release(claim: Claim): Promise<void> {
    await this.#atomic.deleteIfVersion(claim.key, claim.version);
  }

  async #current(key: string): Promise<Claim | null> {
    const held = await this.#atomic.getVersioned<string>(key);
    return held?.value === this.holder ? { key, version: held.version } : null;
  }
}
