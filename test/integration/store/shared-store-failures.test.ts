import { inspect } from 'node:util';
import pg, { type Pool } from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExternalError, UserError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/log.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { openPostgresBackend, POSTGRES_TABLE } from '../../../src/store/postgres.ts';
import { openRedisBackend } from '../../../src/store/redis.ts';
import { createStore } from '../../../src/store/store.ts';
import { describeWithServer, freePort, type ServerKind, type TestServer } from '../../support/servers.ts';

/*
 * Shared stores that cannot be opened, and connections lost, frozen or blocked while the store is open. The
 * caller always gets an AppError saying what failed and what to check, never `undefined`, and never the
 * password, which is looked for in everything the error carries (its causes included).
 */

const KINDS = ['redis', 'postgres'] as const satisfies readonly ServerKind[];
const PASSWORD = 'hunter2-Sekr3t';

async function openError(url: string): Promise<Error> {
  const error = await openStore(url).then(
    async (store) => {
      await store.close();
      return new Error(`opened ${url}`);
    },
    (caught: unknown) => caught as Error,
  );
  return error;
}

/** Everything an error carries, causes and their properties included, as a log or a crash report would show it. */
function everything(error: unknown): string {
  return `${String(error)}\n${inspect(error, { depth: 10, showHidden: true })}`;
}

function lines(): {
  logger: ReturnType<typeof createLogger>;
  text: () => string;
  records: () => Array<Record<string, unknown>>;
} {
  const written: string[] = [];
  return {
    logger: createLogger({ level: 'debug', destination: { write: (line: string) => written.push(line) } }),
    text: () => written.join(''),
    records: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('a shared store whose server is down at start', () => {
  it.each([
    ['redis', 'Redis'],
    ['rediss', 'Redis'],
    ['postgres', 'PostgreSQL'],
    ['postgresql', 'PostgreSQL'],
  ])(
    '%s: fails with a retryable STORE_UNAVAILABLE naming the URL without its password',
    async (scheme, name) => {
      const port = await freePort();
      const error = await openError(`${scheme}://bot:${PASSWORD}@127.0.0.1:${port}/0`);

      expect(error).toBeInstanceOf(ExternalError);
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
      const message = (error as ExternalError).userMessage;
      expect(message).toContain(
        `Cannot reach the ${name === 'PostgreSQL' ? 'Postgres' : 'Redis'} store ${scheme}://bot@127.0.0.1:${port}/0`,
      );
      expect(message).toContain('ECONNREFUSED');
      expect(message).toMatch(new RegExp(`Check that the ${name} server is running.*STORE_URL`));
      expect(everything(error)).not.toContain(PASSWORD);
    },
  );

  it.each([`redis://:${PASSWORD}@127.0.0.1:notaport`, `postgres://bot:${PASSWORD}@127.0.0.1:notaport/arxiv`])(
    'turns a malformed URL (%s) into a CONFIG_INVALID without its password',
    async (url) => {
      const error = await openError(url);
      expect(error).toBeInstanceOf(UserError);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((error as UserError).userMessage).toMatch(
        /store\.url \(STORE_URL\) .*127\.0\.0\.1:notaport\S* is not a usable/,
      );
      expect(everything(error)).not.toContain(PASSWORD);
    },
  );
});

function badUrlTests(kind: ServerKind, server: () => TestServer) {
  describe(`opening the ${kind} store with a bad URL`, () => {
    it('says the credentials were refused, and shows neither the right nor the wrong password', async () => {
      const wrong = server().url.replace(server().password, PASSWORD);
      const error = await openError(wrong);
      expect(error).toBeInstanceOf(UserError);
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((error as UserError).userMessage).toMatch(
        /refused the credentials.*Check the user and password in store\.url \(STORE_URL\)/,
      );
      expect(everything(error)).not.toContain(PASSWORD);
      expect(everything(error)).not.toContain(server().password);
    });

    it('says the credentials were refused when the URL has no password', async () => {
      const error = await openError(
        server()
          .url.replace(`:${server().password}@`, kind === 'redis' ? '' : '@')
          .replace('redis://', 'redis://'),
      );
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((error as UserError).userMessage).toMatch(/refused the credentials/);
    });

    it('names a database that is not there', async () => {
      const url =
        kind === 'redis' ? `${server().url}/99` : server().url.replace(/\/postgres$/, '/no_such_database');
      const error = await openError(url);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).userMessage).toMatch(
        kind === 'redis'
          ? /DB index is out of range.*database number/
          : /"no_such_database" does not exist.*Create the database/,
      );
    });
  });
}

/** A pg pool of the test's own; the server's shutdown at the end of the file must not crash the run. */
function rawPool(url: string): Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  return pool;
}

/** A store whose reconnection and deadlines are short, so the tests below take a fraction of a second. */
async function openFast(
  kind: ServerKind,
  server: TestServer,
  logger: ReturnType<typeof createLogger>,
): Promise<Store> {
  const backend =
    kind === 'redis'
      ? await openRedisBackend(server.url, { logger, commandTimeoutMs: 300, maxReconnectDelayMs: 50 })
      : await openPostgresBackend(server.url, { logger, commandTimeoutMs: 300 });
  return createStore(backend);
}

async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

function connectionTests(kind: ServerKind, server: () => TestServer) {
  describe(`the ${kind} store losing its server`, () => {
    let store: Store | undefined;
    afterEach(async () => {
      await store?.close();
      // A test that failed while the server was down leaves it running again for the next one.
      await server()
        .start()
        .catch(() => undefined);
    });

    it('throws STORE_UNAVAILABLE from every operation while the server is down, and works again once it is back', async () => {
      const log = lines();
      store = await openFast(kind, server(), log.logger);
      const papers = store.namespace('papers');
      const atomic = store.atomic('papers');
      await papers.set('a', 1);
      const { version } = (await atomic.getVersioned('a')) ?? { version: '' };

      await server().stop();
      const operations: Array<[string, () => Promise<unknown>]> = [
        ['get', () => papers.get('a')],
        ['getMany', () => papers.getMany(['a', 'b'])],
        ['has', () => papers.has('a')],
        ['set', () => papers.set('b', 2)],
        ['setMany', () => papers.setMany([{ key: 'b', value: 2 }])],
        ['delete', () => papers.delete('a')],
        ['clear', () => papers.clear()],
        [
          'iterator',
          async () => {
            for await (const _ of papers.iterator?.(undefined) ?? []) {
              // draining
            }
          },
        ],
        ['add', () => atomic.add('c', 3)],
        ['getVersioned', () => atomic.getVersioned('a')],
        ['setIfVersion', () => atomic.setIfVersion('a', 4, version)],
        ['deleteIfVersion', () => atomic.deleteIfVersion('a', version)],
      ];
      for (const [name, operation] of operations) {
        const error = await operation().then(
          (value) => new Error(`${name} answered ${JSON.stringify(value)}`),
          (caught: unknown) => caught,
        );
        expect(error, name).toBeInstanceOf(ExternalError);
        expect(error, name).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
        expect((error as ExternalError).userMessage, name).toContain(store.describe());
        expect(everything(error), name).not.toContain(server().password);
      }
      expect(await store.ping()).toBe(false);

      await server().start();
      await eventually(() => papers.set('back', 'again'));
      expect(await papers.get('back')).toBe('again');
      expect(await store.ping()).toBe(true);
      expect(log.records()).toContainEqual(expect.objectContaining({ level: 40, store: store.describe() }));
      expect(log.text()).not.toContain(server().password);
    });

    if (kind === 'redis') {
      it('fails an operation the frozen server does not answer, after the command timeout, and goes on once it answers', async () => {
        const log = lines();
        store = await openFast(kind, server(), log.logger);
        const papers = store.namespace('papers');
        await papers.set('a', 1);

        server().pause();
        try {
          const error = await papers.get('a').catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(ExternalError);
          expect((error as ExternalError).userMessage).toMatch(/no answer within 300 ms/);
          expect(await store.ping()).toBe(false);
        } finally {
          server().resume();
        }
        expect(await eventually(() => papers.get('a'))).toBe(1);
      });
    } else {
      it('cancels a statement that waits on a lock past the command timeout, and goes on once it is released', async () => {
        const log = lines();
        store = await openFast(kind, server(), log.logger);
        const papers = store.namespace('papers');
        await papers.set('a', 1);

        const holder = rawPool(server().url);
        const client = await holder.connect();
        try {
          await client.query('BEGIN');
          await client.query(`LOCK TABLE ${POSTGRES_TABLE} IN ACCESS EXCLUSIVE MODE`);
          const error = await papers.get('a').catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(ExternalError);
          expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
          expect((error as ExternalError).userMessage).toMatch(/statement timeout/);
          expect(everything(error)).not.toContain(server().password);
        } finally {
          await client.query('ROLLBACK');
          client.release();
          await holder.end();
        }
        expect(await papers.get('a')).toBe(1);
      });
    }
  });
}

function tableTests(server: () => TestServer) {
  describe('the Postgres table', () => {
    let admin: Pool | undefined;
    let count = 0;

    beforeEach(() => {
      admin = rawPool(server().url);
    });

    afterEach(async () => {
      await admin?.end();
    });

    /** A new empty database on the server, and its URL. */
    async function freshDatabase(): Promise<string> {
      const name = `fresh_${++count}`;
      await admin?.query(`CREATE DATABASE ${name}`);
      return server().url.replace(/\/postgres$/, `/${name}`);
    }

    it('is created once when several replicas open a new database at the same moment', async () => {
      const url = await freshDatabase();
      const stores = await Promise.all(Array.from({ length: 6 }, () => openStore(url)));
      await stores[0]?.namespace('papers').set('a', 1);
      expect(await stores[5]?.namespace('papers').get('a')).toBe(1);
      for (const store of stores) await store.close();
    });

    it('of another program under the same name is refused with what to do', async () => {
      const url = await freshDatabase();
      const other = rawPool(url);
      await other.query(`CREATE TABLE ${POSTGRES_TABLE} (key VARCHAR(255) PRIMARY KEY, value TEXT)`);
      await other.end();

      const error = await openError(url);
      expect(error).toBeInstanceOf(UserError);
      expect(error).toMatchObject({ code: 'INPUT_INVALID' });
      expect((error as UserError).userMessage).toMatch(
        new RegExp(
          `${POSTGRES_TABLE} in postgres://arxiv@.* is not a usable arxiv-digest store: column "expires" does not exist.*Rename or drop it`,
        ),
      );
    });

    it('leaves @keyv/postgres\'s "keyv" table alone', async () => {
      const url = await freshDatabase();
      const other = rawPool(url);
      await other.query('CREATE TABLE keyv (key VARCHAR(255) PRIMARY KEY, value TEXT)');
      await other.query("INSERT INTO keyv VALUES ('keyv:x', 'theirs')");
      const store = await openStore(url);
      await store.namespace('keyv').set('x', 'ours');
      await store.namespace('keyv').clear();
      expect((await other.query('SELECT value FROM keyv')).rows).toEqual([{ value: 'theirs' }]);
      await store.close();
      await other.end();
    });

    it('loses expired rows on the first write after the sweep interval; until then they are only hidden', async () => {
      const url = await freshDatabase();
      const rows = async () => {
        const raw = rawPool(url);
        const { rows: found } = await raw.query<{ key: string }>(
          `SELECT key FROM ${POSTGRES_TABLE} ORDER BY key`,
        );
        await raw.end();
        return found.map((row) => row.key);
      };
      const lazy = createStore(await openPostgresBackend(url, { sweepIntervalMs: 60_000 }));
      await lazy.namespace('cache').set('short', 1, 50);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await lazy.namespace('cache').set('other', 2);
      expect(await lazy.namespace('cache').get('short')).toBeUndefined();
      expect(await rows()).toEqual(['cache:other', 'cache:short']);

      const eager = createStore(await openPostgresBackend(url, { sweepIntervalMs: 0 }));
      await eager.namespace('cache').set('other', 3);
      expect(await rows()).toEqual(['cache:other']);
      await lazy.close();
      await eager.close();
    });
  });
}

// One server per kind for the whole file: the tests above run one after another, and a stopped server is
// started again before its test ends.
for (const kind of KINDS) {
  describeWithServer(kind, `the ${kind} store when things go wrong`, (server) => {
    badUrlTests(kind, server);
    connectionTests(kind, server);
    if (kind === 'postgres') tableTests(server);
  });
}
