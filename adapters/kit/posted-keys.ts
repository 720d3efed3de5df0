/**
 * The idempotency keys an adapter posted with, remembered by target, so that `findPosted` needs no platform
 * call for a post this process made. A key is remembered per target: the same key in two targets is two
 * posts.
 *
 * Which post a key names when it is posted twice is the adapter's choice: the first one (`keep: 'first'`,
 * the default), or the latest (`keep: 'latest'`, as a platform's newest-first history would find it). With
 * a `limit`, the oldest keys are forgotten beyond it, so a long-running process does not grow without end.
 */

export interface PostedKeysOptions {
  /** How many keys are kept at most; the oldest go first. Default: no limit. */
  limit?: number | undefined;
  /** Which post a key posted twice names. Default `first`. */
  keep?: 'first' | 'latest' | undefined;
}

export class PostedKeys<V> {
  readonly #limit: number;
  readonly #keepLatest: boolean;
  /** Maps iterate in insertion order: the first entry is the oldest. */
  readonly #posts = new Map<string, V>();

  constructor(options: PostedKeysOptions = {}) {
    this.#limit = options.limit ?? Number.POSITIVE_INFINITY;
    this.#keepLatest = options.keep === 'latest';
  }

  get size(): number {
    return this.#posts.size;
  }

  /** The post remembered for `key` in `target`. */
  get(target: string, key: string): V | undefined {
    return this.#posts.get(keyOf(target, key));
  }

  /** Remembers that `post` carries `key` in `target`. */
  remember(target: string, key: string, post: V): void {
    const entry = keyOf(target, key);
    if (this.#posts.has(entry)) {
      if (!this.#keepLatest) return;
      this.#posts.delete(entry);
    }
    this.#posts.set(entry, post);
    for (const oldest of this.#posts.keys()) {
      if (this.#posts.size <= this.#limit) break;
      this.#posts.delete(oldest);
    }
  }

  /** Forgets `key` in `target`; with `post`, only while the key still names that post. */
  forget(target: string, key: string, post?: V): void {
    const entry = keyOf(target, key);
    if (post === undefined || this.#posts.get(entry) === post) this.#posts.delete(entry);
  }
}

function keyOf(target: string, key: string): string {
  return `${target}\u0000${key}`;
}
