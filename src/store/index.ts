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
  const backend = await openBackend(url.trim(), options.cwd ?? process.cwd(), logger);
  logger.info({ store: backend.description }, 'store opened');
  const [, scheme = ''] = SCHEME.exec(url.trim()) ?? [];
  return createStore(backend, { shared: scheme.toLowerCase() !== 'sqlite' });
}

/**
 * The backend of the URL's scheme. The Redis and Postgres clients are imported here only, so a SQLite run
 * does not pay the fifth of a second they take to load.
 */
async function openBackend(url: string, cwd: string, logger: Logger): Promise<StoreBackend> {
  const problem = storeUrlProblem(url);
  if (problem) throw new UserError('CONFIG_INVALID', problem);
  const [, scheme = '', rest = ''] = SCHEME.exec(url) ?? [];
  switch (scheme.toLowerCase()) {
    case 'sqlite':
      return sqliteBackend(redactUrl(url), sqlitePath(rest, cwd), logger);
    case 'redis':
    case 'rediss':
      return (await import('./redis.ts')).openRedisBackend(url, { logger });
    case 'postgres':
    case 'postgresql':
      return (await import('./postgres.ts')).openPostgresBackend(url, { logger });
    default:
      throw new Error(`storeUrlProblem let through "${redactUrl(url)}"`);
  }
}

/**
 * What is wrong with a store URL, as a sentence for the person who wrote it, or null when its form is one
 * openStore supports (whether the server answers is another matter). Config load checks this, so
 * check-config refuses what start would.
 */
export function storeUrlProblem(url: string): string | null {
  const [, scheme = '', rest = ''] = SCHEME.exec(url.trim()) ?? [];
  switch (scheme.toLowerCase()) {
    case 'sqlite':
      return rest === '' ? `store.url (STORE_URL) "sqlite://" needs a file path: use ${SUPPORTED}.` : null;
    case 'redis':
    case 'rediss': {
      const parsed = URL.canParse(url.trim()) ? new URL(url.trim()) : null;
      return parsed && /^\/?(\d+)?$/.test(parsed.pathname)
        ? null
        : `store.url (STORE_URL) ${redactUrl(url)} is not a usable Redis URL. Use redis://[user:password@]host[:port][/database] (a database number) or rediss:// for TLS.`;
    }
    case 'postgres':
    case 'postgresql':
      return URL.canParse(url.trim())
        ? null
        : `store.url (STORE_URL) ${redactUrl(url)} is not a usable Postgres URL. Use postgres://user:password@host[:port]/database (postgresql:// works too).`;
    default:
      return `store.url (STORE_URL) "${redactUrl(url)}" is not a supported store URL. Use ${SUPPORTED}.`;
  }
}

function sqliteBackend(description: string, path: string, logger: Logger): StoreBackend {
  const database = new SqliteDatabase(path, { logger });
  return {
    description,
    createAdapter: () => new KeyvSqlite(database),
    ping: async () => database.ping(),
    close: async () => database.close(),
  };
}

/** The file named after sqlite://, relative to `cwd` unless absolute, or the in-memory database. */
function sqlitePath(rest: string, cwd: string): string {
  if (rest === MEMORY_PATH) return MEMORY_PATH;
  return resolve(cwd, rest);
}
