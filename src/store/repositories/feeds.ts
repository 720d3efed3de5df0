import { randomBytes } from 'node:crypto';
import type { Keyv } from 'keyv';
import type { TargetId } from '../../chat/types.ts';
import type { AtomicNamespace, Store } from '../store.ts';

/**
 * Private RSS feed tokens: an unguessable token per target (192 random bits), created and revoked by
 * command. A feed URL is the only way to a target's digests over HTTP, unless the target is made public.
 */
export class FeedTokenRepository {
  readonly #keyv: Keyv<string>;
  readonly #atomic: AtomicNamespace;

  constructor(store: Store) {
    this.#keyv = store.namespace<string>('feed-tokens');
    this.#atomic = store.atomic('feed-tokens');
  }

  /** The target's token, created if it has none; calls at the same moment, on any replica, get the same one. */
  async tokenFor(target: TargetId): Promise<string> {
    for (;;) {
      const existing = await this.#keyv.get(`target|${target}`);
      if (existing) return existing;
      const token = randomBytes(24).toString('base64url');
      await this.#keyv.set(`token|${token}`, target);
      if (await this.#atomic.add(`target|${target}`, token)) return token;
      // Another call gave the target its token first. This one is dropped, or revoke() could never reach it.
      await this.#keyv.delete(`token|${token}`);
    }
  }

  /** The target a token opens, or undefined for an unknown or revoked token. */
  async targetOf(token: string): Promise<TargetId | undefined> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(token)) return undefined;
    return this.#keyv.get(`token|${token}`);
  }

  /** Revokes the target's token; true if it had one. */
  async revoke(target: TargetId): Promise<boolean> {
    const token = await this.#keyv.get(`target|${target}`);
    if (!token) return false;
    await this.#keyv.delete(`token|${token}`);
    await this.#keyv.delete(`target|${target}`);
    return true;
  }
}
