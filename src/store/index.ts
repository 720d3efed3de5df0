import { resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import { KeyvSqlite, MEMORY_PATH, SqliteDatabase } from './sqlite.ts';
import { createStore, type Store } from './store.ts';

export type { AtomicNamespace, AtomicStoreAdapter, Store, StoreBackend, Versioned } from './store.ts';

export interface OpenStoreOptions {
  logger?: Logger;
  /** What a relative sqlite:// path is resolved against; the process's working directory by default. */
  cwd?: string;
}

const SUPPORTED = 'sqlite://<path> (e.g. sqlite://./data/arxiv-digest.sqlite) or sqlite://:memory:';
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s;
/** Shared stores that issue 4 adds, by scheme. */
const PLANNED: Record<string, string> = {
  redis: 'Redis',
  rediss: 'Redis',
  postgres: 'Postgres',
  postgresql: 'Postgres',
};

/**
 * Opens the store named by `url` (config `store.url`, env `STORE_URL`):
 * - `sqlite://<path>`: a file, relative to `cwd` unless absolute (`sqlite:///var/lib/x.sqlite`); its directory is created.
 * - `sqlite://:memory:`: a private in-memory database, gone on close.
 * Throws a UserError for a URL or file a person must fix.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const logger = options.logger ?? silentLogger;
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
  const planned = scheme === undefined ? undefined : PLANNED[scheme];
  if (planned) {
    throw new UserError(
      'CONFIG_INVALID',
      `store.url (STORE_URL) ${redactUrl(url)}: ${planned} stores are not supported yet. Use ${SUPPORTED}.`,
    );
  }
  throw new UserError(
    'CONFIG_INVALID',
    `store.url (STORE_URL) "${redactUrl(url)}" is not a supported store URL. Use ${SUPPORTED}.`,
  );
}

/** The URL without its password, for logs and messages. One that cannot be parsed loses its whole user part. */
function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/]*@/, '//');
  }
  if (!parsed.password) return url;
  parsed.password = '';
  return parsed.toString();
}
