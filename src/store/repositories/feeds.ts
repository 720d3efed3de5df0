import { randomBytes } from 'node:crypto';
import type { Keyv } from 'keyv';
import type { TargetId } from '../../../adapters/types.ts';
import type { Store } from '../store.ts';

/**
 * Private RSS feed tokens: an unguessable token per target (192 random bits), created and revoked by
 * command. A feed URL is the only way to a target's digests over HTTP, unless the target is made public.
 */
export class FeedTokenRepository {
  readonly #keyv: Keyv<string>;

  constructor(store: Store) {
    this.#keyv = store.namespace<string>('feed-tokens');
  }

  /** The target's token, created if it has none. */
  async tokenFor(target: TargetId): Promise<string> {
    const existing = await this.#keyv.get(`target|${target}`);
    if (existing) return existing;
    const token = randomBytes(24).toString('base64url');
    await this.#keyv.set(`token|${token}`, target);
    await this.#keyv.set(`target|${target}`, token);
    return token;
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
