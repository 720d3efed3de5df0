import { resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { KeyvSqlite, MEMORY_PATH, SqliteDatabase } from './sqlite.ts';
import { createStore, type Store, type StoreBackend } from './store.ts';
import { redactUrl } from './url.ts';

export type { AtomicNamespace, AtomicStoreAdapter, Store, StoreBackend, Versioned } from './store.ts';

export interface OpenStoreOptions {
  logger?: Logger;
  /** What a relative sqlite:// path is resolved against; the process's working directory by default. */
  cwd?: string;
}

const SUPPORTED =
  'sqlite://<path> (e.g. sqlite://./data/arxiv-digest.sqlite), sqlite://:memory:, ' +
  'redis://[:password@]host[:port][/db] (rediss:// for TLS) or postgres://user:password@host[:port]/database';
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;

/**
 * Opens the store named by `url` (config `store.url`, env `STORE_URL`):
 * - `sqlite://<path>`: a file, relative to `cwd` unless absolute (`sqlite:///var/lib/x.sqlite`); its directory is created.
 * - `sqlite://:memory:`: a private in-memory database, gone on close.
 * - `redis://`, `rediss://` (TLS): a Redis server; `postgres://`, `postgresql://`: a PostgreSQL database.
 *   Either holds state that several replicas share (src/store/redis.ts, src/store/postgres.ts).
 * Throws a UserError for a URL, file or credentials a person must fix, and an ExternalError
 * ('STORE_UNAVAILABLE') when a server cannot be reached.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const logger = options.logger ?? silentLogger;
  const shared = await openSharedBackend(url.trim(), logger);
  if (shared) {
    logger.info({ store: shared.description }, 'store opened');
    return createStore(shared);
  }
  const description = redactUrl(url.trim());
  const path = sqlitePath(url.trim(), options.cwd ?? process.cwd());
  const database = new SqliteDatabase(path, { logger });
  logger.info({ store: description }, 'store opened');
  return createStore({
    description,
    createAdapter: () => new KeyvSqlite(database),
    ping: async () => database.ping(),
    close: async () => database.close(),
  });
}

/**
 * A Redis or Postgres backend for those schemes, undefined for any other. Their clients are imported here
 * only, so a SQLite run does not pay the fifth of a second they take to load.
 */
async function openSharedBackend(url: string, logger: Logger): Promise<StoreBackend | undefined> {
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') {
    return (await import('./redis.ts')).openRedisBackend(url, { logger });
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    return (await import('./postgres.ts')).openPostgresBackend(url, { logger });
  }
  return undefined;
}

function sqlitePath(url: string, cwd: string): string {
  const match = SCHEME.exec(url);
  const scheme = match?.[1]?.toLowerCase();
  const rest = match?.[2] ?? '';
  if (scheme === 'sqlite') {
    if (rest === MEMORY_PATH) return MEMORY_PATH;
    if (rest === '') {
      throw new UserError(
        'CONFIG_INVALID',
        `store.url (STORE_URL) "sqlite://" needs a file path: use ${SUPPORTED}.`,
      );
    }
    return resolve(cwd, rest);
  }
  throw new UserError(
    'CONFIG_INVALID',
    `store.url (STORE_URL) "${redactUrl(url)}" is not a supported store URL. Use ${SUPPORTED}.`,
  );
}
