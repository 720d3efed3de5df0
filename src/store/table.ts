import { EventEmitter } from 'node:events';
import type { StoredData } from 'keyv';
import type { AtomicStoreAdapter, Versioned } from './store.ts';

/*
 * The Keyv store adapter of the backends that keep every namespace in one table (SQLite, PostgreSQL). The
 * table does the work; the adapter adds what Keyv expects of an adapter and a per-namespace lifetime.
 */

type Answer<T> = T | Promise<T>;

/**
 * One table of Keyv's full ("<namespace>:<key>") keys and serialized strings, each row with its expiry and
 * version. Expired rows count as absent everywhere. SQLite answers at once, PostgreSQL with promises.
 */
export interface KeyTable {
  get(key: string): Answer<string | undefined>;
  /** The values in the order asked, undefined where a key is absent. */
  getMany(keys: string[]): Answer<Array<string | undefined>>;
  has(key: string): Answer<boolean>;
  set(key: string, value: unknown, ttlMs?: number): Answer<void>;
  /** All or nothing. */
  setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Answer<void>;
  /** True if a live row was deleted. */
  delete(key: string): Answer<boolean>;
  /** True if at least one live row was deleted. */
  deleteMany(keys: string[]): Answer<boolean>;
  /** Deletes the namespace's rows, or every row when there is no namespace. */
  clear(namespace: string | undefined): Answer<void>;
  /** Live [key, value] rows of a namespace (every row without one), in key order. */
  entries(namespace: string | undefined): Iterable<[string, string]> | AsyncIterable<[string, string]>;
  add(key: string, value: string, ttlMs?: number): Answer<boolean>;
  getVersioned(key: string): Answer<Versioned<string> | undefined>;
  setIfVersion(key: string, value: string, version: string, ttlMs?: number): Answer<boolean>;
  deleteIfVersion(key: string, version: string): Answer<boolean>;
}

/**
 * A Keyv store adapter over a KeyTable, with the atomic primitives of AtomicStoreAdapter.
 * Keyv sets `namespace`; `clear()` and `iterator()` stay inside it, found by Keyv's "<namespace>:" key prefix
 * (so Keyv's `useKeyPrefix` must stay on, as it is by default). The table belongs to whoever opened it:
 * `disconnect()` detaches this adapter (later calls throw) and leaves the table open for the others.
 */
export class KeyvTable extends EventEmitter implements AtomicStoreAdapter {
  /** Keyv reads `dialect` to know the adapter can iterate. */
  readonly opts: { dialect: 'sqlite' | 'postgres'; url: string };
  namespace?: string | undefined;
  readonly #table: KeyTable;
  #connected = true;

  /** `url` is the table's URL without any password, for messages. */
  constructor(table: KeyTable, opts: { dialect: 'sqlite' | 'postgres'; url: string }) {
    super();
    this.#table = table;
    this.opts = opts;
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return (await this.#use().get(key)) as Value | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    return (await this.#use().getMany(keys)) as Array<Value | undefined>;
  }

  async has(key: string): Promise<boolean> {
    return this.#use().has(key);
  }

  async hasMany(keys: string[]): Promise<boolean[]> {
    return (await this.#use().getMany(keys)).map((value) => value !== undefined);
  }

  async set(key: string, value: unknown, ttl?: number): Promise<void> {
    await this.#use().set(key, value, ttl);
  }

  /** Keyv returns what this returns as its own setMany result: one `true` per entry. */
  async setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<boolean[]> {
    await this.#use().setMany(entries);
    return entries.map(() => true);
  }

  async delete(key: string): Promise<boolean> {
    return this.#use().delete(key);
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    return this.#use().deleteMany(keys);
  }

  async clear(): Promise<void> {
    await this.#use().clear(this.namespace);
  }

  async *iterator(namespace?: string): AsyncGenerator<[string, string], void> {
    yield* this.#use().entries(namespace);
  }

  async add(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.#use().add(key, value, ttlMs);
  }

  async getVersioned(key: string): Promise<Versioned<string> | undefined> {
    return this.#use().getVersioned(key);
  }

  async setIfVersion(key: string, value: string, version: string, ttlMs?: number): Promise<boolean> {
    return this.#use().setIfVersion(key, value, version, ttlMs);
  }

  async deleteIfVersion(key: string, version: string): Promise<boolean> {
    return this.#use().deleteIfVersion(key, version);
  }

  async disconnect(): Promise<void> {
    this.#connected = false;
  }

  #use(): KeyTable {
    if (!this.#connected) throw new Error(`This Keyv adapter of ${this.opts.url} was disconnected.`);
    return this.#table;
  }
}
