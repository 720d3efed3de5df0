import { randomBytes } from 'node:crypto';
import pg, { type Pool, type QueryResult, type QueryResultRow } from 'pg';
import { ExternalError, UserError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { StoreBackend, Versioned } from './store.ts';
import { type KeyTable, KeyvTable } from './table.ts';
import { reason, redactUrl } from './url.ts';

/*
 * The PostgreSQL store: one pg.Pool (the client @keyv/postgres is built on) shared by one adapter per
 * namespace, over one table that carries each key's expiry and version token beside Keyv's serialized
 * value, so the atomic primitives are single statements (INSERT ... ON CONFLICT ... WHERE expired;
 * UPDATE/DELETE ... WHERE version = $n) and plain Keyv reads see exactly what they wrote.
 *
 * The official KeyvPostgres adapter is not used for the plain operations, because with it the primitives
 * and plain reads would disagree and a Store could not be closed or survive a restart of the server:
 * - its set() drops the TTL and keeps (key, value) only, so a row written by Keyv has no expiry or version
 *   that add() and the compare-and-sets could see;
 * - its pool is one per process (module-global): a second Store on the same URL shares it, and the first
 *   adapter's disconnect() ends it for every namespace ("Called end on pool more than once" on the next);
 * - the pool has no "error" listener: a server restart dropping an idle connection is an uncaught
 *   exception that ends the process;
 * - clear() matches "<ns>:%" with LIKE, so "_" in a namespace name clears other namespaces; iterator()
 *   ends silently on a query error.
 * This adapter keeps its conventions otherwise: keys are Keyv's "<ns>:<key>", values its serialized strings.
 *
 * Expiry is judged by the server's clock (each replica's clock may differ; the database's is shared), as
 * Redis does; Keyv also hides a value whose serialized `expires` has passed by the reader's clock.
 * Expired rows are invisible to every read and deleted by the first write after `sweepIntervalMs`.
 */

export interface PostgresStoreOptions {
  logger?: Logger;
  /** How long opening a connection may take. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** A statement running longer is cancelled by the server and fails here. Default 5000 ms. */
  commandTimeoutMs?: number;
  /** Connections in the pool. Default 10. */
  maxConnections?: number;
  /** Expired rows are deleted by the first write after this interval has passed. Default 60 s. */
  sweepIntervalMs?: number;
}

/** A table name of its own, so a database shared with other programs (or @keyv/postgres's "keyv") is left alone. */
export const POSTGRES_TABLE = 'arxiv_digest_keyv';

const NOW = '(extract(epoch from clock_timestamp()) * 1000)::bigint';
const LIVE = `(expires IS NULL OR expires > ${NOW})`;
const ITERATION_PAGE_SIZE = 100;

// "C" collation: keys compare byte by byte, so a namespace is the range ["<ns>:", "<ns>;").
const SCHEMA = `
  SELECT pg_advisory_xact_lock(hashtext('${POSTGRES_TABLE}'));
  CREATE TABLE IF NOT EXISTS ${POSTGRES_TABLE} (
    key TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL,
    expires BIGINT,
    version TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS ${POSTGRES_TABLE}_expires ON ${POSTGRES_TABLE} (expires) WHERE expires IS NOT NULL;`;

const UPSERT = `ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires, version = excluded.version`;

const SQL = {
  exists: 'SELECT to_regclass($1) IS NOT NULL AS found',
  check: `SELECT key, value, expires, version FROM ${POSTGRES_TABLE} LIMIT 0`,
  get: `SELECT value FROM ${POSTGRES_TABLE} WHERE key = $1 AND ${LIVE}`,
  getVersioned: `SELECT value, version FROM ${POSTGRES_TABLE} WHERE key = $1 AND ${LIVE}`,
  getMany: `SELECT key, value FROM ${POSTGRES_TABLE} WHERE key = ANY($1::text[]) AND ${LIVE}`,
  has: `SELECT 1 FROM ${POSTGRES_TABLE} WHERE key = $1 AND ${LIVE}`,
  // $3 is the TTL in ms or null; NOW + null is null, no expiry.
  set: `INSERT INTO ${POSTGRES_TABLE} (key, value, expires, version) VALUES ($1, $2, ${NOW} + $3::bigint, $4) ${UPSERT}`,
  setMany: `INSERT INTO ${POSTGRES_TABLE} (key, value, expires, version)
    SELECT k, v, ${NOW} + t, ver FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) AS e(k, v, t, ver)
    ${UPSERT}`,
  // An expired row is taken over in the same statement; a live one makes the upsert change nothing.
  add: `INSERT INTO ${POSTGRES_TABLE} (key, value, expires, version) VALUES ($1, $2, ${NOW} + $3::bigint, $4)
    ${UPSERT} WHERE ${POSTGRES_TABLE}.expires IS NOT NULL AND ${POSTGRES_TABLE}.expires <= ${NOW}`,
  setIfVersion: `UPDATE ${POSTGRES_TABLE} SET value = $2, expires = ${NOW} + $4::bigint, version = $5
    WHERE key = $1 AND version = $3 AND ${LIVE}`,
  deleteIfVersion: `DELETE FROM ${POSTGRES_TABLE} WHERE key = $1 AND version = $2 AND ${LIVE}`,
  // Expired rows are deleted too, but only live ones count as "deleted" for Keyv.
  delete: `DELETE FROM ${POSTGRES_TABLE} WHERE key = $1 RETURNING ${LIVE} AS live`,
  deleteMany: `DELETE FROM ${POSTGRES_TABLE} WHERE key = ANY($1::text[]) RETURNING ${LIVE} AS live`,
  clearRange: `DELETE FROM ${POSTGRES_TABLE} WHERE key >= $1 AND key < $2`,
  clearAll: `DELETE FROM ${POSTGRES_TABLE}`,
  page: `SELECT key, value FROM ${POSTGRES_TABLE}
    WHERE key >= $1 AND ($2::text IS NULL OR key < $2) AND ($3::text IS NULL OR key > $3) AND ${LIVE}
    ORDER BY key LIMIT $4`,
  sweep: `DELETE FROM ${POSTGRES_TABLE} WHERE expires <= ${NOW}`,
  ping: 'SELECT 1',
} as const;

/** The shared pool and the table's statements, used by every namespace's adapter. */
class PostgresDatabase implements KeyTable {
  readonly description: string;
  readonly #pool: Pool;
  readonly #sweepIntervalMs: number;
  #lastSweep = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(pool: Pool, description: string, sweepIntervalMs: number) {
    this.#pool = pool;
    this.description = description;
    this.#sweepIntervalMs = sweepIntervalMs;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async get(key: string): Promise<string | undefined> {
    const { rows } = await this.#query<{ value: string }>(SQL.get, [key]);
    return rows[0]?.value;
  }

  async getVersioned(key: string): Promise<Versioned<string> | undefined> {
    const { rows } = await this.#query<{ value: string; version: string }>(SQL.getVersioned, [key]);
    const row = rows[0];
    return row && { value: row.value, version: row.version };
  }

  async getMany(keys: string[]): Promise<Array<string | undefined>> {
    const { rows } = await this.#query<{ key: string; value: string }>(SQL.getMany, [keys]);
    const found = new Map(rows.map((row) => [row.key, row.value]));
    return keys.map((key) => found.get(key));
  }

  async has(key: string): Promise<boolean> {
    return (await this.#query(SQL.has, [key])).rows.length > 0;
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    await this.#write(SQL.set, [key, text(value), wholeMs(ttlMs), newVersion()]);
  }

  /** One statement, all or nothing. A key given twice keeps its last value, as sequential sets would. */
  async setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<void> {
    const last = new Map(entries.map((entry) => [entry.key, entry]));
    const rows = [...last.values()];
    await this.#write(SQL.setMany, [
      rows.map((row) => row.key),
      rows.map((row) => text(row.value)),
      rows.map((row) => wholeMs(row.ttl)),
      rows.map(() => newVersion()),
    ]);
  }

  /** True if a live row was deleted. */
  async delete(key: string): Promise<boolean> {
    const { rows } = await this.#query<{ live: boolean }>(SQL.delete, [key]);
    return rows.some((row) => row.live);
  }

  /** True if at least one live row was deleted. */
  async deleteMany(keys: string[]): Promise<boolean> {
    const { rows } = await this.#query<{ live: boolean }>(SQL.deleteMany, [keys]);
    return rows.some((row) => row.live);
  }

  /** Deletes the namespace's rows, or every row when there is no namespace. */
  async clear(namespace: string | undefined): Promise<void> {
    if (namespace === undefined) await this.#query(SQL.clearAll, []);
    else await this.#query(SQL.clearRange, [`${namespace}:`, `${namespace};`]);
  }

  /** Live [key, value] rows of a namespace (every row without one), in key order, read a page at a time. */
  async *entries(namespace: string | undefined): AsyncGenerator<[string, string]> {
    const from = namespace === undefined ? '' : `${namespace}:`;
    const to = namespace === undefined ? null : `${namespace};`;
    let after: string | null = null;
    for (;;) {
      const page: QueryResult<{ key: string; value: string }> = await this.#query(SQL.page, [
        from,
        to,
        after,
        ITERATION_PAGE_SIZE,
      ]);
      const { rows } = page;
      for (const row of rows) yield [row.key, row.value];
      const last = rows.at(-1);
      if (rows.length < ITERATION_PAGE_SIZE || !last) return;
      after = last.key;
    }
  }

  async add(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return (await this.#write(SQL.add, [key, value, wholeMs(ttlMs), newVersion()])).rowCount === 1;
  }

  async setIfVersion(key: string, value: string, version: string, ttlMs?: number): Promise<boolean> {
    const result = await this.#write(SQL.setIfVersion, [key, value, version, wholeMs(ttlMs), newVersion()]);
    return result.rowCount === 1;
  }

  async deleteIfVersion(key: string, version: string): Promise<boolean> {
    return (await this.#query(SQL.deleteIfVersion, [key, version])).rowCount === 1;
  }

  /** True if the server answers a query now. */
  async ping(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      await this.#query(SQL.ping, []);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  /** A write, preceded by deleting expired rows when the sweep interval has passed. */
  async #write(sql: string, values: unknown[]): Promise<QueryResult<Record<string, unknown>>> {
    const now = Date.now();
    if (now - this.#lastSweep >= this.#sweepIntervalMs) {
      this.#lastSweep = now;
      await this.#query(SQL.sweep, []);
    }
    return this.#query(sql, values);
  }

  async #query<Row extends QueryResultRow = Record<string, unknown>>(
    sql: string,
    values: unknown[],
  ): Promise<QueryResult<Row>> {
    if (this.#closed) throw new Error(`The store ${this.description} is closed.`);
    try {
      return await this.#pool.query<Row>(sql, values);
    } catch (error) {
      throw operationError(this.description, error);
    }
  }
}

/**
 * Opens a pool for a Store, creates the table if needed, and checks that it is arxiv-digest's. Throws an
 * ExternalError when the server cannot be reached (naming the URL without its password), a UserError for
 * credentials, a missing database or permission, or a foreign table of the same name.
 */
export async function openPostgresBackend(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<StoreBackend> {
  const logger = options.logger ?? silentLogger;
  const description = redactUrl(url);
  if (!URL.canParse(url)) {
    throw new UserError(
      'CONFIG_INVALID',
      `store.url (STORE_URL) ${description} is not a usable Postgres URL. ` +
        'Use postgres://user:password@host[:port]/database (postgresql:// works too).',
    );
  }
  const commandTimeoutMs = options.commandTimeoutMs ?? 5000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    statement_timeout: commandTimeoutMs,
    // Beyond the server's own limit, for a server or network that stopped answering altogether.
    query_timeout: commandTimeoutMs + 1000,
    application_name: 'arxiv-digest',
    keepAlive: true,
  });
  // An idle connection dropped by the server (a restart, say) is reported here; without a listener it
  // would crash the process. The pool opens a new connection for the next query.
  pool.on('error', (error) => {
    logger.warn({ store: description, err: reason(error) }, 'Postgres store connection lost; reconnecting');
  });

  try {
    const { rows } = await pool.query<{ found: boolean }>(SQL.exists, [POSTGRES_TABLE]);
    if (!rows[0]?.found) await pool.query(SCHEMA);
    await pool.query(SQL.check);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw openError(description, error);
  }
  logger.debug({ store: description, table: POSTGRES_TABLE }, 'Postgres store connected');

  const database = new PostgresDatabase(pool, description, options.sweepIntervalMs ?? 60_000);
  return {
    description,
    createAdapter: () => new KeyvTable(database, { dialect: 'postgres', url: description }),
    ping: () => database.ping(),
    close: () => database.close(),
  };
}

/** The TTL as the bigint the statements take (whole milliseconds, rounded up), or null for none. */
function wholeMs(ttl: number | undefined): number | null {
  return ttl === undefined ? null : Math.ceil(ttl);
}

function newVersion(): string {
  return randomBytes(8).toString('hex');
}

/** Values are Keyv's serialized strings; anything else means a Keyv configured without a serializer. */
function text(value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`The Postgres store keeps strings (Keyv's serialized form); got ${typeof value}.`);
  }
  return value;
}

/** The SQLSTATE of an error the server sent, or undefined for a connection-level failure. */
function sqlState(error: unknown): string | undefined {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string'
    ? code
    : undefined;
}

// Connection exceptions, resource limits, shutdowns, cancelled statements, serialization failures.
const RETRYABLE_STATE = /^(08|53|57|40)/;

function operationError(description: string, error: unknown): Error {
  const state = sqlState(error);
  const retryable = state === undefined || RETRYABLE_STATE.test(state);
  return new ExternalError(
    'STORE_UNAVAILABLE',
    `The Postgres store ${description} failed: ${reason(error)}.` +
      (state === undefined ? ' The next operation opens a new connection; check that the server is up.' : ''),
    { cause: error, retryable },
  );
}

function openError(description: string, error: unknown): Error {
  const state = sqlState(error);
  const why = reason(error);
  // pg's own words when the server asks for a password and the URL has none.
  if (state === '28P01' || state === '28000' || /client password must be a string/.test(why)) {
    return new UserError(
      'CONFIG_INVALID',
      `The Postgres store ${description} refused the credentials: ${why}. Check the user and password in store.url (STORE_URL).`,
      { cause: error },
    );
  }
  if (state === '3D000') {
    return new UserError(
      'CONFIG_INVALID',
      `The Postgres store ${description}: ${why}. Create the database (createdb <name>) or name another one in store.url (STORE_URL).`,
      { cause: error },
    );
  }
  if (state === '42501') {
    return new UserError(
      'CONFIG_INVALID',
      `The Postgres store ${description} does not let this user create the table ${POSTGRES_TABLE}: ${why}. ` +
        'Grant the user CREATE on the schema, or connect once as the database owner so the table is created.',
      { cause: error },
    );
  }
  if (state?.startsWith('42')) {
    return new UserError(
      'INPUT_INVALID',
      `The table ${POSTGRES_TABLE} in ${description} is not a usable arxiv-digest store: ${why}. ` +
        'Rename or drop it, or point store.url (STORE_URL) at another database.',
      { cause: error },
    );
  }
  if (state === undefined || RETRYABLE_STATE.test(state)) {
    return new ExternalError(
      'STORE_UNAVAILABLE',
      `Cannot reach the Postgres store ${description}: ${why}. ` +
        'Check that the PostgreSQL server is running and that store.url (STORE_URL) names the right host, port and database.',
      { cause: error, retryable: true },
    );
  }
  return new ExternalError(
    'STORE_UNAVAILABLE',
    `The Postgres store ${description} failed to open: ${why}. ` +
      "Look for the cause in the PostgreSQL server's log, or point store.url (STORE_URL) at another database.",
    { cause: error },
  );
}
