import { randomBytes } from 'node:crypto';
import KeyvRedis, { createClient, type RedisClientType } from '@keyv/redis';
import type { KeyvEntry } from 'keyv';
import { ExternalError, UserError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { withTimeout } from '../timeout.ts';
import type { AtomicStoreAdapter, StoreBackend, Versioned } from './store.ts';
import { reason, redactUrl } from './url.ts';

/*
 * The Redis store: one @redis/client connection shared by one official KeyvRedis adapter per namespace.
 *
 * Key layout: KeyvRedis's own. Keyv hands the adapter "<ns>:<key>" and KeyvRedis prefixes its namespace with
 * "::", so a key lives at "<ns>::<ns>:<key>". The atomic primitives build keys with the same
 * `createKeyPrefix`, so plain reads and atomic writes meet on the same Redis key.
 *
 * Values: the version token a compare-and-set needs is kept in the value, as a fixed header before Keyv's
 * serialized string: "<16 hex digits>:<serialized>". Every write makes a new token, plain Keyv writes
 * included, because this adapter's set/setMany add the header before handing the value to KeyvRedis, and
 * its get/getMany/iterator strip it. A value without the header was not written by arxiv-digest, and reading
 * it is an error rather than a misread.
 *
 * Expiry: Redis's own (SET ... PX), judged by the server's clock, which every replica shares; the atomic
 * primitives see only that. Keyv also hides a value whose serialized `expires` has passed by the reader's
 * clock, so a replica whose clock runs ahead sees a key vanish that much early.
 *
 * KeyvRedis does the plain operations except clear() and iterator(), which are this adapter's own: KeyvRedis's
 * clear() reports failures as events only, and its iterator() SCANs 10 keys a round trip over the whole
 * database (0.4 s to list 20 subscriptions beside 45,000 papers, against 0.02 s here).
 *
 * Atomicity: add is SET NX PX; setIfVersion and deleteIfVersion are Lua scripts (one atomic step on the
 * server). WATCH/MULTI would need a connection of its own per transaction, since WATCH belongs to the
 * connection that every namespace shares here.
 *
 * Failures: with the offline queue off, a command issued while the connection is down fails at once
 * instead of waiting; a command that gets no answer fails after `commandTimeoutMs`. Either way the caller
 * gets an ExternalError('STORE_UNAVAILABLE'), never `undefined`, and the client reconnects by itself.
 */

export interface RedisStoreOptions {
  logger?: Logger;
  /** How long opening the store (and each reconnection) may take to reach the server. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** An operation that gets no answer in this time fails. Default 5000 ms. */
  commandTimeoutMs?: number;
  /** The longest pause between reconnection attempts after the connection is lost. Default 2000 ms. */
  maxReconnectDelayMs?: number;
}

const VERSION_LENGTH = 16;
const HEADER_LENGTH = VERSION_LENGTH + 1;
const VERSION = /^[0-9a-f]{16}$/;
// SCAN walks the whole database whatever MATCH says; Redis's default of 10 keys a call would take thousands
// of round trips to list a namespace of twenty subscriptions beside a month of papers.
const SCAN_BATCH = 1000;

// KEYS[1] the key; ARGV[1] "<expected version>:"; ARGV[2] the new stored string; ARGV[3] TTL in ms or "".
const SET_IF_VERSION = `
local current = redis.call('GET', KEYS[1])
if not current or string.sub(current, 1, ${HEADER_LENGTH}) ~= ARGV[1] then return 0 end
if ARGV[3] == '' then redis.call('SET', KEYS[1], ARGV[2]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`;

// KEYS[1] the key; ARGV[1] "<expected version>:".
const DELETE_IF_VERSION = `
local current = redis.call('GET', KEYS[1])
if not current or string.sub(current, 1, ${HEADER_LENGTH}) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

/** The connection every namespace's adapter shares, and how its failures are reported. */
class RedisConnection {
  readonly client: RedisClientType;
  readonly description: string;
  readonly #commandTimeoutMs: number;
  #closed = false;

  constructor(client: RedisClientType, description: string, commandTimeoutMs: number) {
    this.client = client;
    this.description = description;
    this.#commandTimeoutMs = commandTimeoutMs;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs one operation with a deadline, turning any failure into an ExternalError naming the store. */
  async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(operation(), this.#commandTimeoutMs, () => {
        throw new Error(`no answer within ${this.#commandTimeoutMs} ms`);
      });
    } catch (error) {
      throw this.failure(error);
    }
  }

  failure(error: unknown): Error {
    if (error instanceof ExternalError || error instanceof UserError) return error;
    const reply = isServerReply(error);
    return new ExternalError(
      'STORE_UNAVAILABLE',
      `The Redis store ${this.description} failed: ${reason(error)}.` +
        (reply ? '' : ' The connection is re-established by itself; check that the server is up.'),
      // A server's error reply (WRONGTYPE, say) will not change on retry; a lost connection may come back.
      {
        cause: error,
        retryable: !reply || /^(LOADING|BUSY|TRYAGAIN|READONLY|MASTERDOWN)\b/.test(reason(error)),
      },
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.client.isOpen) return;
    // close() waits for pending replies, which never come while the server is unreachable.
    if (this.client.isReady) await this.client.close();
    else this.client.destroy();
  }
}

/**
 * Opens a Redis connection for a Store and checks that the server answers. Throws an ExternalError when it
 * cannot be reached (naming the URL without its password), a UserError when it refuses the credentials or
 * the database number.
 */
export async function openRedisBackend(url: string, options: RedisStoreOptions = {}): Promise<StoreBackend> {
  const logger = options.logger ?? silentLogger;
  const description = redactUrl(url);
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? 2000;
  let ready = false;
  let client: RedisClientType;
  try {
    client = createClient({
      url,
      // Commands fail at once while disconnected rather than queueing until the server is back.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: connectTimeoutMs,
        // Opening fails on the first error (the caller decides whether to retry); a connection that once
        // worked is re-established for ever, with a capped backoff.
        reconnectStrategy: (retries) => (ready ? Math.min(50 * 2 ** retries, maxReconnectDelayMs) : false),
      },
    }) as RedisClientType;
  } catch (error) {
    // No cause: a URL parse error carries the whole URL, password included.
    throw new UserError(
      'CONFIG_INVALID',
      `store.url (STORE_URL) ${description} is not a usable Redis URL: ${reason(error)}. ` +
        'Use redis://[user:password@]host[:port][/database] or rediss:// for TLS.',
    );
  }
  const connection = new RedisConnection(client, description, options.commandTimeoutMs ?? 5000);

  // node-redis emits "error" for every failed attempt; without a listener each would crash the process.
  let lost = false;
  client.on('error', (error: unknown) => {
    if (!ready || lost) return;
    lost = true;
    logger.warn({ store: description, err: reason(error) }, 'Redis store connection lost; reconnecting');
  });
  client.on('ready', () => {
    if (lost) logger.info({ store: description }, 'Redis store connection restored');
    lost = false;
  });

  try {
    await client.connect();
    // A server that wants a password accepts a connection without one and refuses the first command.
    await client.ping();
  } catch (error) {
    if (client.isOpen) client.destroy();
    throw openError(description, error, connectTimeoutMs);
  }
  ready = true;
  client.setMaxListeners(0); // every namespace's KeyvRedis listens to the shared client
  logger.debug({ store: description }, 'Redis store connected');

  return {
    description,
    createAdapter: () => new KeyvRedisAtomic(connection),
    async ping() {
      if (connection.closed) return false;
      try {
        return (await connection.guard(() => client.ping())) === 'PONG';
      } catch {
        return false;
      }
    },
    close: () => connection.close(),
  };
}

/**
 * The official KeyvRedis over the shared connection, with the version header on values, errors turned into
 * ExternalErrors, and the atomic primitives. `disconnect()` detaches this adapter only (later calls throw);
 * the connection belongs to the backend.
 */
class KeyvRedisAtomic extends KeyvRedis<string> implements AtomicStoreAdapter {
  readonly #connection: RedisConnection;
  readonly #listeners: Array<[string, (...args: unknown[]) => void]>;
  #attached = true;

  constructor(connection: RedisConnection) {
    const before = clientListeners(connection.client);
    // throwOnErrors: KeyvRedis would otherwise report a failed command as a miss.
    super(connection.client, { throwOnErrors: true, throwOnConnectError: true });
    this.#connection = connection;
    // KeyvRedis forwards the client's events to each adapter; detaching removes what this one added.
    const after = clientListeners(connection.client);
    this.#listeners = after.filter(
      ([event, listener]) => !before.some(([seen, known]) => seen === event && known === listener),
    );
  }

  /** KeyvRedis connects a closed client on demand; a detached adapter or a closed store must not reopen it. */
  override async getClient(): Promise<RedisClientType> {
    this.#usable();
    return this.#connection.client;
  }

  override async get<U = string>(key: string): Promise<U | undefined> {
    return this.#run(async () => this.#unwrap(key, await super.get<string>(key)) as U | undefined);
  }

  override async getMany<U = string>(keys: string[]): Promise<Array<U | undefined>> {
    return this.#run(async () => {
      const values = await super.getMany<string>(keys);
      return values.map((value, index) => this.#unwrap(keys[index] ?? '', value) as U | undefined);
    });
  }

  override async has(key: string): Promise<boolean> {
    return this.#run(() => super.has(key));
  }

  override async hasMany(keys: string[]): Promise<boolean[]> {
    return this.#run(() => super.hasMany(keys));
  }

  override async set(key: string, value: string, ttl?: number): Promise<void> {
    const stored = withVersion(text(value));
    await this.#run(() => super.set(key, stored, wholeMs(ttl)));
  }

  /** One MULTI for all entries; Keyv returns what this returns as its own setMany result. */
  // @ts-expect-error KeyvRedis declares void, but Keyv passes this on as keyv.setMany()'s boolean[].
  override async setMany(entries: KeyvEntry[]): Promise<boolean[]> {
    const versioned = entries.map((entry) => ({
      ...entry,
      value: withVersion(text(entry.value)),
      ttl: wholeMs(entry.ttl),
    }));
    await this.#run(() => super.setMany(versioned));
    return entries.map(() => true);
  }

  override async delete(key: string): Promise<boolean> {
    return this.#run(() => super.delete(key));
  }

  override async deleteMany(keys: string[]): Promise<boolean> {
    return this.#run(() => super.deleteMany(keys));
  }

  /** KeyvRedis's clear reports errors as events only; this one throws them. Same keys: "<ns>::*" strings. */
  override async clear(): Promise<void> {
    await this.#run(async () => {
      const client = await this.getClient();
      const match = this.namespace === undefined ? '*' : this.createKeyPrefix('*', this.namespace);
      let cursor = '0';
      do {
        const page = await client.scan(cursor, { MATCH: match, COUNT: SCAN_BATCH, TYPE: 'string' });
        cursor = String(page.cursor);
        if (page.keys.length > 0) await client.unlink(page.keys);
      } while (cursor !== '0');
    });
  }

  /** KeyvRedis's iterator, with SCAN_BATCH keys a round trip, and without keys that expire between SCAN and MGET. */
  override async *iterator<U = string>(namespace?: string): AsyncGenerator<[string, U | undefined], void> {
    const prefix = namespace === undefined ? '' : this.createKeyPrefix('', namespace);
    let cursor = '0';
    do {
      const page = await this.#run(async () =>
        (await this.getClient()).scan(cursor, { MATCH: `${prefix}*`, COUNT: SCAN_BATCH, TYPE: 'string' }),
      );
      cursor = String(page.cursor);
      // Without a namespace, as in KeyvRedis: only keys outside every namespace.
      const keys =
        namespace === undefined
          ? page.keys.filter((key) => !key.includes(this.keyPrefixSeparator))
          : page.keys;
      if (keys.length === 0) continue;
      const values = await this.#run(async () => (await this.getClient()).mGet(keys));
      for (const [index, redisKey] of keys.entries()) {
        const key = redisKey.slice(prefix.length);
        const value = this.#unwrap(key, values[index]);
        if (value !== undefined) yield [key, value as U];
      }
    } while (cursor !== '0');
  }

  async add(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.#run(async () => {
      const client = await this.getClient();
      const written = await client.set(this.#redisKey(key), withVersion(value), {
        condition: 'NX',
        ...(ttlMs === undefined ? {} : { expiration: { type: 'PX', value: wholeMs(ttlMs) ?? 0 } }),
      });
      return written === 'OK';
    });
  }

  async getVersioned(key: string): Promise<Versioned<string> | undefined> {
    return this.#run(async () => {
      const client = await this.getClient();
      const stored = await client.get(this.#redisKey(key));
      if (stored === null) return undefined;
      return { value: this.#unwrap(key, stored) ?? '', version: stored.slice(0, VERSION_LENGTH) };
    });
  }

  async setIfVersion(key: string, value: string, version: string, ttlMs?: number): Promise<boolean> {
    // A token of another backend (or none) matches nothing.
    if (!VERSION.test(version)) return false;
    return this.#run(async () => {
      const client = await this.getClient();
      const replaced = await client.eval(SET_IF_VERSION, {
        keys: [this.#redisKey(key)],
        arguments: [`${version}:`, withVersion(value), ttlMs === undefined ? '' : String(wholeMs(ttlMs))],
      });
      return replaced === 1;
    });
  }

  async deleteIfVersion(key: string, version: string): Promise<boolean> {
    if (!VERSION.test(version)) return false;
    return this.#run(async () => {
      const client = await this.getClient();
      const deleted = await client.eval(DELETE_IF_VERSION, {
        keys: [this.#redisKey(key)],
        arguments: [`${version}:`],
      });
      return deleted === 1;
    });
  }

  override async disconnect(): Promise<void> {
    if (!this.#attached) return;
    this.#attached = false;
    for (const [event, listener] of this.#listeners) this.#connection.client.off(event, listener);
  }

  /** Using a detached adapter or a closed store is a bug in the caller, not a store failure: a plain Error. */
  #usable(): void {
    if (!this.#attached) {
      throw new Error(`This Keyv adapter of ${this.#connection.description} was disconnected.`);
    }
    if (this.#connection.closed) throw new Error(`The store ${this.#connection.description} is closed.`);
  }

  #run<T>(operation: () => Promise<T>): Promise<T> {
    this.#usable();
    return this.#connection.guard(operation);
  }

  #redisKey(key: string): string {
    return this.createKeyPrefix(key, this.namespace);
  }

  #unwrap(key: string, stored: string | null | undefined): string | undefined {
    if (stored === undefined || stored === null) return undefined;
    if (stored.charAt(VERSION_LENGTH) !== ':' || !VERSION.test(stored.slice(0, VERSION_LENGTH))) {
      throw new UserError(
        'INPUT_INVALID',
        `The Redis key "${this.#redisKey(key)}" in ${this.#connection.description} was not written by arxiv-digest. ` +
          'Give arxiv-digest a Redis database of its own (the number after the port in STORE_URL, e.g. /1).',
      );
    }
    return stored.slice(HEADER_LENGTH);
  }
}

function withVersion(serialized: string): string {
  return `${randomBytes(VERSION_LENGTH / 2).toString('hex')}:${serialized}`;
}

/** Redis takes whole milliseconds; a fractional TTL is rounded up rather than refused. */
function wholeMs(ttl: number | undefined): number | undefined {
  return ttl === undefined ? undefined : Math.ceil(ttl);
}

function text(value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`The Redis store keeps strings (Keyv's serialized form); got ${typeof value}.`);
  }
  return value;
}

function clientListeners(client: RedisClientType): Array<[string, (...args: unknown[]) => void]> {
  return client
    .eventNames()
    .filter((event): event is string => typeof event === 'string')
    .flatMap((event) =>
      client
        .listeners(event)
        .map(
          (listener) =>
            [event, listener as (...args: unknown[]) => void] as [string, (...args: unknown[]) => void],
        ),
    );
}

/** node-redis's ErrorReply (the server answered with an error) as opposed to a connection failure. */
function isServerReply(error: unknown): boolean {
  for (let prototype = error; prototype; prototype = Object.getPrototypeOf(prototype)) {
    if ((prototype as { constructor?: { name?: string } }).constructor?.name === 'ErrorReply') return true;
  }
  return false;
}

function openError(description: string, error: unknown, connectTimeoutMs: number): Error {
  const why = reason(error);
  if (isServerReply(error)) {
    if (/WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username/i.test(why)) {
      return new UserError(
        'CONFIG_INVALID',
        `The Redis store ${description} refused the credentials: ${why}. Check the user and password in store.url (STORE_URL).`,
        { cause: error },
      );
    }
    return new UserError(
      'CONFIG_INVALID',
      `The Redis store ${description} refused the connection: ${why}. Check store.url (STORE_URL), including the database number.`,
      { cause: error },
    );
  }
  const detail = /timeout/i.test(why) ? `no answer within ${connectTimeoutMs} ms` : why;
  return new ExternalError(
    'STORE_UNAVAILABLE',
    `Cannot reach the Redis store ${description}: ${detail}. ` +
      'Check that the Redis server is running and that store.url (STORE_URL) names the right host and port.',
    { cause: error, retryable: true },
  );
}
