/**
 * A cache in memory bounded by size and by age: at most `maxEntries` entries, the least recently used
 * forgotten first, and none older than `ttlMs` (an entry's age counts from when it was set; reading it does
 * not make it younger, so an answer is never reused past its time however often it is asked for).
 *
 * What the process remembers about users, channels and conversations goes here rather than into a plain Map,
 * so that a command storm from many users and channels levels off instead of growing with every new one
 * (bench/soak.bench.ts shows it).
 */

export interface BoundedCacheOptions {
  /** The most entries kept; the least recently used go first beyond it. */
  maxEntries: number;
  /** How long an entry is good for, in ms; Infinity for entries that never go stale. */
  ttlMs: number;
  /** The clock, in ms (tests). */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expires: number;
}

/** How many of the least recently used entries `set` looks at for expired ones, each time. */
const SWEEP = 2;

export class BoundedCache<K, V> {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly #now: () => number;
  /** Maps iterate in insertion order: the first entry is the least recently used. */
  readonly #entries = new Map<K, Entry<V>>();

  constructor(options: BoundedCacheOptions) {
    if (!(options.maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
    if (!(options.ttlMs > 0)) throw new RangeError('ttlMs must be more than 0');
    this.maxEntries = Math.floor(options.maxEntries);
    this.ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  /** Entries held, expired ones not yet dropped included. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of a fresh entry (now the most recently used), or undefined. */
  get(key: K): V | undefined {
    const entry = this.#fresh(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** The value of a fresh entry, leaving its place in the order alone. */
  peek(key: K): V | undefined {
    return this.#fresh(key)?.value;
  }

  has(key: K): boolean {
    return this.#fresh(key) !== undefined;
  }

  /** Sets an entry, good for `ttlMs` (the cache's by default), as the most recently used. */
  set(key: K, value: V, ttlMs: number = this.ttlMs): this {
    const now = this.#now();
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: now + ttlMs });
    let swept = 0;
    for (const [oldKey, oldEntry] of this.#entries) {
      if (this.#entries.size > this.maxEntries) {
        this.#entries.delete(oldKey);
      } else if (swept++ < SWEEP && oldEntry.expires <= now && oldKey !== key) {
        this.#entries.delete(oldKey);
      } else {
        break;
      }
    }
    return this;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Deletes `key` only while it still holds `value` (a failed promise, say, not its replacement). */
  deleteIf(key: K, value: V): boolean {
    return this.#entries.get(key)?.value === value && this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Drops every expired entry now; returns how many went. */
  prune(): number {
    const now = this.#now();
    let dropped = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expires <= now) {
        this.#entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  #fresh(key: K): Entry<V> | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > this.#now()) return entry;
    this.#entries.delete(key);
    return undefined;
  }
}
