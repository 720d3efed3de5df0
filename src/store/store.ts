import { Keyv, type KeyvStoreAdapter } from 'keyv';

/*
 * The backend-neutral Store: one Keyv per namespace over one shared connection, plus the atomic primitives
 * that a delivery log (claim a paper once) and a leader lease (take over an expired lease, renew only your
 * own) are built from. A backend supplies adapters that implement the primitives on raw stored strings;
 * this module adds namespacing and Keyv's serialization, so a key written atomically reads back through
 * the namespace's Keyv and the other way round.
 *
 * How each backend provides the primitives:
 * - SQLite: single statements (INSERT ... ON CONFLICT DO UPDATE ... WHERE expired; UPDATE/DELETE ... WHERE
 *   version = ?) under SQLite's write lock.
 * - Redis: add is SET NX PX; the version is a token kept in a header of the value, and the compare-and-sets
 *   are Lua scripts (one atomic step on the server).
 * - Postgres: add is INSERT ... ON CONFLICT (key) DO UPDATE ... WHERE expired; compare-and-set is
 *   UPDATE ... WHERE version = $n.
 */

/** A stored value with the token a compare-and-set must present to replace or delete it. */
export interface Versioned<T> {
  value: T;
  /** Opaque; changes on every write of the key (also plain Keyv writes), so it never repeats for a key. */
  version: string;
}

/** Atomic operations on one namespace. Expired keys count as absent everywhere. */
export interface AtomicNamespace {
  /** Writes the value only if the key is absent or expired. True if this call wrote it. */
  add(key: string, value: unknown, ttlMs?: number): Promise<boolean>;
  /** The live value and its version, or undefined. */
  getVersioned<T>(key: string): Promise<Versioned<T> | undefined>;
  /** Replaces the value (and its TTL) only if the key still holds `version`. True if this call wrote it. */
  setIfVersion(key: string, value: unknown, version: string, ttlMs?: number): Promise<boolean>;
  /** Deletes the key only if it still holds `version`. True if this call deleted it. */
  deleteIfVersion(key: string, version: string): Promise<boolean>;
}

export interface Store {
  /** The Keyv of one namespace (the same instance on every call). Store failures throw; they are never swallowed. */
  namespace<T = unknown>(name: string): Keyv<T>;
  /** The atomic primitives over the same keys as `namespace(name)`. */
  atomic(name: string): AtomicNamespace;
  /** True if the store answers a query now. Never throws. */
  ping(): Promise<boolean>;
  /** The store's URL without any password, for logs and health output. */
  describe(): string;
  /**
   * True for a server that several processes (replicas) may share: Redis or Postgres. The embedded SQLite
   * store is taken to belong to one process, so process-wide coordination (the arXiv rate gate) stays in memory.
   */
  readonly shared: boolean;
  /** Closes the connection; the namespaces' Keyv instances stop working. Safe to call twice. */
  close(): Promise<void>;
}

/** A Keyv store adapter with the atomic primitives, working on full (namespace-prefixed) keys and raw strings. */
export type AtomicStoreAdapter = Omit<KeyvStoreAdapter, 'setMany'> & {
  /** Keyv 5 passes this result on as `keyv.setMany()`'s boolean[] (its adapter type says void). */
  setMany?(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<boolean[]>;
  add(key: string, value: string, ttlMs?: number): Promise<boolean>;
  getVersioned(key: string): Promise<Versioned<string> | undefined>;
  setIfVersion(key: string, value: string, version: string, ttlMs?: number): Promise<boolean>;
  deleteIfVersion(key: string, version: string): Promise<boolean>;
};

/** What a backend (SQLite, Redis or Postgres) provides to `createStore`. */
export interface StoreBackend {
  /** The URL without any password. */
  readonly description: string;
  /** A new adapter over the backend's shared connection; `createStore` makes one per namespace. */
  createAdapter(): AtomicStoreAdapter;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Namespace names are code constants; ":" is excluded because Keyv joins namespace and key with it. */
const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function createStore(backend: StoreBackend, options: { shared?: boolean } = {}): Store {
  const namespaces = new Map<string, { keyv: Keyv; atomic: AtomicNamespace }>();
  let closed = false;

  const open = (name: string) => {
    if (closed) throw new Error(`The store ${backend.description} is closed.`);
    let entry = namespaces.get(name);
    if (!entry) {
      if (!NAMESPACE_NAME.test(name)) {
        throw new Error(
          `Store namespace names use letters, digits, ".", "_" and "-" (":" separates namespace and key); got ${JSON.stringify(name)}.`,
        );
      }
      const adapter = backend.createAdapter();
      // Without throwOnErrors, Keyv turns a failed read into `undefined`: a store outage would look like
      // "never delivered" to the delivery log.
      const keyv = new Keyv({ store: adapter, namespace: name, throwOnErrors: true });
      entry = { keyv, atomic: atomicNamespace(name, keyv, adapter) };
      namespaces.set(name, entry);
    }
    return entry;
  };

  return {
    namespace: (name) => open(name).keyv,
    atomic: (name) => open(name).atomic,
    ping: async () => !closed && backend.ping(),
    describe: () => backend.description,
    shared: options.shared ?? false,
    async close() {
      if (closed) return;
      closed = true;
      for (const { keyv } of namespaces.values()) await keyv.disconnect();
      namespaces.clear();
      await backend.close();
    },
  };
}

function atomicNamespace(name: string, keyv: Keyv, adapter: AtomicStoreAdapter): AtomicNamespace {
  const fullKey = (key: string) => `${name}:${key}`;

  // The stored form is Keyv's own ({ value, expires } through its serializer), so keyv.get() reads it.
  const encode = async (value: unknown, ttlMs: number | undefined): Promise<string> => {
    if (ttlMs !== undefined && !(Number.isFinite(ttlMs) && ttlMs > 0)) {
      throw new RangeError(`ttlMs must be a positive number of milliseconds; got ${ttlMs}.`);
    }
    const expires = ttlMs === undefined ? undefined : Date.now() + ttlMs;
    const serialized = await keyv.serializeData({ value, expires });
    if (typeof serialized !== 'string')
      throw new Error('The store needs a Keyv serializer that yields strings.');
    return serialized;
  };

  return {
    add: async (key, value, ttlMs) => adapter.add(fullKey(key), await encode(value, ttlMs), ttlMs),
    async getVersioned<T>(key: string) {
      const row = await adapter.getVersioned(fullKey(key));
      if (!row) return undefined;
      const data = await keyv.deserializeData<T>(row.value);
      return data && { value: data.value as T, version: row.version };
    },
    setIfVersion: async (key, value, version, ttlMs) =>
      adapter.setIfVersion(fullKey(key), await encode(value, ttlMs), version, ttlMs),
    deleteIfVersion: (key, version) => adapter.deleteIfVersion(fullKey(key), version),
  };
}
