import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { ExternalError, UserError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { Versioned } from './store.ts';
import { type KeyTable, KeyvTable } from './table.ts';
import { reason } from './url.ts';

/*
 * The embedded store: one SQLite file through Node's built-in node:sqlite, exposed as a Keyv store adapter.
 *
 * Every namespace lives in one table, under keys that Keyv prefixes with "<namespace>:". Each row carries its
 * own expiry (so expired rows are invisible to every read, whatever Keyv's serialized `expires` says) and a
 * version token that changes on every write (the compare-and-set token of the atomic primitives).
 *
 * node:sqlite is synchronous: a query blocks the event loop for its duration. The queries here touch a
 * handful of rows through the primary key, and a writer waiting for another process's lock waits at most
 * the busy timeout.
 */

export const MEMORY_PATH = ':memory:';

export interface SqliteDatabaseOptions {
  /** How long a write waits for another connection's write lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Expired rows are deleted by the first write after this interval has passed. Default 60 s. */
  sweepIntervalMs?: number;
  logger?: Logger;
}

// SQLite primary result codes (https://sqlite.org/rescode.html).
const SQLITE_ERROR = 1;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

const LIVE = '(expires IS NULL OR expires > :now)';
// 64 random bits, drawn by SQLite itself so each row of a multi-row write gets its own.
const NEW_VERSION = 'lower(hex(randomblob(8)))';
const ITERATION_PAGE_SIZE = 100;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS keyv (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    expires INTEGER,
    version TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS keyv_expires ON keyv (expires) WHERE expires IS NOT NULL;
`;

const UPSERT = `
  INSERT INTO keyv (key, value, expires, version) VALUES (:key, :value, :expires, ${NEW_VERSION})
  ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires, version = excluded.version`;

const SQL = {
  get: `SELECT value FROM keyv WHERE key = :key AND ${LIVE}`,
  getVersioned: `SELECT value, version FROM keyv WHERE key = :key AND ${LIVE}`,
  getMany: `SELECT key, value FROM keyv WHERE key IN (SELECT value FROM json_each(:keys)) AND ${LIVE}`,
  has: `SELECT 1 AS found FROM keyv WHERE key = :key AND ${LIVE}`,
  set: UPSERT,
  // An expired row is taken over in the same statement; a live one makes the upsert change nothing.
  add: `${UPSERT} WHERE keyv.expires IS NOT NULL AND keyv.expires <= :now`,
  setIfVersion: `UPDATE keyv SET value = :value, expires = :expires, version = ${NEW_VERSION}
    WHERE key = :key AND version = :version AND ${LIVE}`,
  deleteIfVersion: `DELETE FROM keyv WHERE key = :key AND version = :version AND ${LIVE}`,
  // Expired rows are deleted too, but only live ones count as "deleted" for Keyv.
  delete: 'DELETE FROM keyv WHERE key = :key RETURNING expires',
  deleteMany: 'DELETE FROM keyv WHERE key IN (SELECT value FROM json_each(:keys)) RETURNING expires',
  // The namespace's keys are exactly those in ["<ns>:", "<ns>;"), as ";" follows ":" in byte order. A range
  // on the primary key, and no LIKE whose wildcards a namespace could contain.
  clearRange: 'DELETE FROM keyv WHERE key >= :from AND key < :to',
  clearAll: 'DELETE FROM keyv',
  page: `SELECT key, value FROM keyv
    WHERE key >= :from AND (:to IS NULL OR key < :to) AND (:after IS NULL OR key > :after) AND ${LIVE}
    ORDER BY key LIMIT :limit`,
  sweep: 'DELETE FROM keyv WHERE expires <= :now',
  ping: 'SELECT 1 FROM keyv LIMIT 1',
} as const;

type Statements = { [name in keyof typeof SQL]: StatementSync };

/** One SQLite database shared by any number of KeyvSqlite adapters (one per namespace). */
export class SqliteDatabase implements KeyTable {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #statements: Statements;
  readonly #sweepIntervalMs: number;
  #lastSweep = Number.NEGATIVE_INFINITY;

  /** Opens (creating the file and its directory if needed) and prepares the database. Throws a UserError a person can act on. */
  constructor(path: string, options: SqliteDatabaseOptions = {}) {
    const logger = options.logger ?? silentLogger;
    this.path = path;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    if (path !== MEMORY_PATH) createParentDirectory(path);
    try {
      this.#db = new DatabaseSync(path, { timeout: options.busyTimeoutMs ?? 5000 });
    } catch (error) {
      throw openError(path, error);
    }
    try {
      // WAL lets readers proceed while one process writes, so several processes can share the file.
      // synchronous stays FULL (the default): a committed delivery record survives a power cut.
      // Switching to WAL and creating the schema need the file to themselves for a moment; SQLite answers
      // BUSY at once, without its busy handler, while another process opens or recovers the same file, so
      // they are tried again until the busy timeout.
      const mode = whileBusy(options.busyTimeoutMs ?? 5000, () => {
        const journal = this.#db.prepare('PRAGMA journal_mode = WAL').get()?.journal_mode;
        this.#db.exec(SCHEMA);
        return journal;
      });
      if (path !== MEMORY_PATH && mode !== 'wal') {
        logger.warn({ path, journalMode: mode }, 'SQLite could not switch this store to WAL mode');
      }
      this.#statements = Object.fromEntries(
        Object.entries(SQL).map(([name, sql]) => [name, this.#db.prepare(sql)]),
      ) as Statements;
    } catch (error) {
      this.#db.close();
      throw openError(path, error);
    }
    logger.debug({ path }, 'SQLite store opened');
  }

  get(key: string): string | undefined {
    return this.#guard(() => {
      const row = this.#statements.get.get({ key, now: Date.now() });
      return row && text(row.value);
    });
  }

  getVersioned(key: string): Versioned<string> | undefined {
    return this.#guard(() => {
      const row = this.#statements.getVersioned.get({ key, now: Date.now() });
      return row && { value: text(row.value), version: text(row.version) };
    });
  }

  getMany(keys: string[]): Array<string | undefined> {
    return this.#guard(() => {
      const rows = this.#statements.getMany.all({ keys: JSON.stringify(keys), now: Date.now() });
      const found = new Map(rows.map((row) => [text(row.key), text(row.value)]));
      return keys.map((key) => found.get(key));
    });
  }

  has(key: string): boolean {
    return this.#guard(() => this.#statements.has.get({ key, now: Date.now() }) !== undefined);
  }

  set(key: string, value: unknown, ttlMs?: number): void {
    this.#write((now) => this.#statements.set.run({ key, value: text(value), expires: expiry(now, ttlMs) }));
  }

  /** All or nothing, in one transaction. */
  setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): void {
    this.#write((now) => {
      // IMMEDIATE takes the write lock up front, where the busy timeout applies, rather than mid-transaction.
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        for (const { key, value, ttl } of entries) {
          this.#statements.set.run({ key, value: text(value), expires: expiry(now, ttl) });
        }
        this.#db.exec('COMMIT');
      } catch (error) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** True if a live row was deleted. */
  delete(key: string): boolean {
    return this.#guard(() => anyLive(this.#statements.delete.all({ key }), Date.now()));
  }

  /** True if at least one live row was deleted. */
  deleteMany(keys: string[]): boolean {
    return this.#guard(() =>
      anyLive(this.#statements.deleteMany.all({ keys: JSON.stringify(keys) }), Date.now()),
    );
  }

  /** Deletes the namespace's rows, or every row when there is no namespace. */
  clear(namespace: string | undefined): void {
    this.#guard(() => {
      if (namespace === undefined) this.#statements.clearAll.run();
      else this.#statements.clearRange.run({ from: `${namespace}:`, to: `${namespace};` });
    });
  }

  /** Live [key, value] rows of a namespace (every row without one), in key order, read a page at a time. */
  *entries(namespace: string | undefined): Generator<[string, string]> {
    const from = namespace === undefined ? '' : `${namespace}:`;
    const to = namespace === undefined ? null : `${namespace};`;
    let after: string | null = null;
    for (;;) {
      const rows = this.#guard(() =>
        this.#statements.page.all({ from, to, after, now: Date.now(), limit: ITERATION_PAGE_SIZE }),
      );
      for (const row of rows) yield [text(row.key), text(row.value)];
      const last = rows.at(-1);
      if (rows.length < ITERATION_PAGE_SIZE || !last) return;
      after = text(last.key);
    }
  }

  add(key: string, value: string, ttlMs?: number): boolean {
    return this.#write(
      (now) => this.#statements.add.run({ key, value, expires: expiry(now, ttlMs), now }).changes === 1,
    );
  }

  setIfVersion(key: string, value: string, version: string, ttlMs?: number): boolean {
    return this.#write(
      (now) =>
        this.#statements.setIfVersion.run({ key, value, version, expires: expiry(now, ttlMs), now })
          .changes === 1,
    );
  }

  deleteIfVersion(key: string, version: string): boolean {
    return this.#guard(
      () => this.#statements.deleteIfVersion.run({ key, version, now: Date.now() }).changes === 1,
    );
  }

  /** True if the table can be read now. */
  ping(): boolean {
    try {
      this.#statements.ping.get();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** A write, preceded by deleting expired rows when the sweep interval has passed. */
  #write<T>(operation: (now: number) => T): T {
    return this.#guard(() => {
      const now = Date.now();
      if (now - this.#lastSweep >= this.#sweepIntervalMs) {
        this.#statements.sweep.run({ now });
        this.#lastSweep = now;
      }
      return operation(now);
    });
  }

  /** SQLite failures during operation are the store's, not the caller's: an ExternalError; busy is retryable. */
  #guard<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      const code = sqliteCode(error);
      if (code === undefined) throw error;
      throw new ExternalError(
        'STORE_UNAVAILABLE',
        `The SQLite store ${this.path} failed: ${reason(error)}.`,
        {
          cause: error,
          retryable: code === SQLITE_BUSY || code === SQLITE_LOCKED,
        },
      );
    }
  }
}

/** The Keyv store adapter of a SqliteDatabase (see KeyvTable); make one per namespace. */
export class KeyvSqlite extends KeyvTable {
  constructor(database: SqliteDatabase) {
    super(database, { dialect: 'sqlite', url: `sqlite://${database.path}` });
  }
}

function createParentDirectory(path: string): void {
  const directory = dirname(path);
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw new UserError(
      'CONFIG_INVALID',
      `Cannot create the directory ${directory} for the SQLite store: ${reason(error)}. ` +
        'Create it, make it writable, or point store.url (STORE_URL) at another sqlite:// path.',
      { cause: error },
    );
  }
}

function openError(path: string, error: unknown): Error {
  const code = sqliteCode(error);
  if (code === undefined) return error instanceof Error ? error : new Error(String(error));
  if (code === SQLITE_BUSY || code === SQLITE_LOCKED) {
    return new ExternalError(
      'STORE_UNAVAILABLE',
      `The SQLite store ${path} stayed locked by another process: ${reason(error)}. Try again.`,
      { cause: error, retryable: true },
    );
  }
  // NOTADB and CORRUPT are a damaged or foreign file; SQLITE_ERROR here is a foreign "keyv" table.
  if (code === SQLITE_NOTADB || code === SQLITE_CORRUPT || code === SQLITE_ERROR) {
    return new UserError(
      'INPUT_INVALID',
      `${path} is not a usable arxiv-digest store: ${reason(error)}. ` +
        'Move the file aside to start an empty store, or point store.url (STORE_URL) at another file.',
      { cause: error },
    );
  }
  return new UserError(
    'CONFIG_INVALID',
    `Cannot open the SQLite store ${path}: ${reason(error)}. ` +
      'Check that the path is a writable file, or point store.url (STORE_URL) at another sqlite:// path.',
    { cause: error },
  );
}

/** The primary SQLite result code of an error thrown by node:sqlite, or undefined for any other error. */
function sqliteCode(error: unknown): number | undefined {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== 'ERR_SQLITE_ERROR')
    return undefined;
  const errcode = (error as { errcode?: unknown }).errcode;
  return typeof errcode === 'number' ? errcode & 0xff : undefined;
}

function expiry(now: number, ttlMs: number | undefined): number | null {
  return ttlMs === undefined ? null : now + ttlMs;
}

function anyLive(deleted: Array<Record<string, unknown>>, now: number): boolean {
  return deleted.some(({ expires }) => expires === null || (typeof expires === 'number' && expires > now));
}

/** Values are Keyv's serialized strings; anything else means a Keyv configured without a serializer. */
function text(value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`The SQLite store keeps strings (Keyv's serialized form); got ${typeof value}.`);
  }
  return value;
}

/** Runs `step` again while SQLite answers BUSY or LOCKED, for at most `timeoutMs`, sleeping a little more each time. */
function whileBusy<T>(timeoutMs: number, step: () => T): T {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    try {
      return step();
    } catch (error) {
      const code = sqliteCode(error);
      if ((code !== SQLITE_BUSY && code !== SQLITE_LOCKED) || Date.now() + pause > deadline) throw error;
      // The constructor is synchronous (as node:sqlite is): a short blocking sleep between attempts.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
}
