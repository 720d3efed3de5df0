import { createClient } from '@keyv/redis';
import pg, { type Pool } from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExternalError, UserError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/log.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { POSTGRES_TABLE } from '../../../src/store/postgres.ts';
import { describeWithServer, type ServerKind, type TestServer } from '../../support/servers.ts';

/*
 * The Store over Redis and over PostgreSQL, each on a real server: what store.test.ts and sqlite.test.ts
 * hold the SQLite store to (namespaces, iteration, TTL, the atomic primitives, close), plus what only a
 * shared store has (a second Store on the same server sees the same state, the password never shows).
 * Expiry is the server's, so TTLs here are short real ones rather than a faked clock.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TTL_MS = 150;
const PAST_TTL_MS = TTL_MS + 100;

for (const kind of ['redis', 'postgres'] as const satisfies readonly ServerKind[]) {
  describeWithServer(kind, `the ${kind} store`, (server) => {
    const opened: Store[] = [];
    // Every test gets namespaces of its own on the one server.
    let run = 0;
    const ns = (name: string) => `${name}.t${run}`;

    beforeEach(() => {
      run++;
    });

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    async function open(options: Parameters<typeof openStore>[1] = {}) {
      const store = await openStore(server().url, options);
      opened.push(store);
      return store;
    }

    it('describes itself and logs its URL without the password', async () => {
      const lines: string[] = [];
      const logger = createLogger({
        level: 'debug',
        destination: { write: (line: string) => lines.push(line) },
      });
      const store = await open({ logger });
      const withoutPassword = server().url.replace(`:${server().password}@`, '@').replace('//@', '//');

      expect(store.describe()).toBe(withoutPassword);
      expect(lines.map((line) => JSON.parse(line))).toContainEqual(
        expect.objectContaining({ msg: 'store opened', store: withoutPassword }),
      );
      expect(lines.join('\n')).not.toContain(server().password);
    });

    it('gives one Keyv per namespace, isolated, seen by a second Store, and kept when one of them closes', async () => {
      const first = await open();
      const second = await open();
      expect(first.namespace(ns('summaries'))).toBe(first.namespace(ns('summaries')));
      await first.namespace(ns('summaries')).set('2602.06063', { text: 'summary' });
      await first.namespace(ns('papers')).set('2602.06063', { title: 'paper' });

      expect(await second.namespace(ns('summaries')).get('2602.06063')).toEqual({ text: 'summary' });
      await second.namespace(ns('papers')).clear();
      expect(await first.namespace(ns('papers')).get('2602.06063')).toBeUndefined();

      await first.close();
      expect(await second.namespace(ns('summaries')).get('2602.06063')).toEqual({ text: 'summary' });
      const reopened = await open();
      expect(await reopened.namespace(ns('summaries')).get('2602.06063')).toEqual({ text: 'summary' });
    });

    it('keeps namespaces apart in get, clear and iteration, for names with wildcards, dots or shared prefixes', async () => {
      const store = await open();
      const names = ['ns', 'ns2', 'n_s', 'nxs', 'n.s', 'n-s'].map(ns);
      for (const [index, name] of names.entries()) {
        await store.namespace(name).set('key', name);
        await store.namespace(name).set('other', index);
      }

      for (const index of [0, 2, 4]) await store.namespace(names[index] ?? '').clear();

      expect(await Promise.all(names.map((name) => store.namespace(name).get('key')))).toEqual([
        undefined,
        names[1],
        undefined,
        names[3],
        undefined,
        names[5],
      ]);
      const entries = [];
      for await (const entry of store.namespace(names[1] ?? '').iterator?.(undefined) ?? [])
        entries.push(entry);
      expect(entries.sort()).toEqual([
        ['key', names[1]],
        ['other', 1],
      ]);
    });

    it('iterates a namespace past one page, each key once, without other namespaces', async () => {
      const store = await open();
      const papers = store.namespace<string>(ns('papers'));
      await store.namespace(ns('papers2')).set('x', 'elsewhere');
      const keys = Array.from({ length: 250 }, (_, index) => `k${String(index).padStart(3, '0')}`);
      await papers.setMany(keys.map((key) => ({ key, value: key.toUpperCase() })));

      const seen: Array<[string, string]> = [];
      for await (const entry of papers.iterator?.(undefined) ?? []) seen.push(entry);
      expect(seen.sort()).toEqual(keys.map((key) => [key, key.toUpperCase()]));
    });

    it('answers getMany and has in the order asked, and counts only existing keys as deleted', async () => {
      const store = await open();
      const keyv = store.namespace(ns('many'));
      await keyv.setMany([
        { key: 'a', value: 'A' },
        { key: 'b', value: 'B' },
        { key: 'a', value: 'A2' },
      ]);
      expect(await keyv.getMany(['b', 'x', 'a', 'b'])).toEqual(['B', undefined, 'A2', 'B']);
      expect(await keyv.has('a')).toBe(true);
      expect(await keyv.has('x')).toBe(false);
      expect(await keyv.delete('x')).toBe(false);
      expect(await keyv.delete('a')).toBe(true);
      expect(await keyv.deleteMany(['a', 'x'])).toBe(false);
      expect(await keyv.deleteMany(['b', 'x'])).toBe(true);
    });

    it('hides a key from every read once its TTL has passed', async () => {
      const store = await open();
      const cache = store.namespace<string>(ns('cache'));
      // A fractional TTL is rounded up to the whole milliseconds Redis and the bigint column take.
      await cache.set('short', 'gone soon', TTL_MS + 0.5);
      await cache.setMany([
        { key: 'short2', value: 'gone soon', ttl: TTL_MS + 0.5 },
        { key: 'long', value: 'stays' },
      ]);
      expect(await cache.get('short')).toBe('gone soon');

      await sleep(PAST_TTL_MS);
      expect(await cache.get('short')).toBeUndefined();
      expect(await cache.has('short2')).toBe(false);
      expect(await cache.getMany(['short', 'short2', 'long'])).toEqual([undefined, undefined, 'stays']);
      const keys = [];
      for await (const [key] of cache.iterator?.(undefined) ?? []) keys.push(key);
      expect(keys).toEqual(['long']);
    });

    it('shares keys between a namespace and its atomic primitives', async () => {
      const store = await open();
      const deliveries = store.atomic(ns('deliveries'));
      const log = store.namespace<{ state: string }>(ns('deliveries'));
      const id = 'slack:T1:C2|2026-02-09';

      expect(await deliveries.add(id, { state: 'posting' })).toBe(true);
      expect(await deliveries.add(id, { state: 'posting' })).toBe(false);
      expect(await log.get(id)).toEqual({ state: 'posting' });

      const read = await deliveries.getVersioned<{ state: string }>(id);
      expect(read?.value).toEqual({ state: 'posting' });
      expect(await deliveries.setIfVersion(id, { state: 'posted' }, read?.version ?? '')).toBe(true);
      expect(await log.get(id)).toEqual({ state: 'posted' });

      await log.set('written-by-keyv', { state: 'x' });
      expect((await deliveries.getVersioned('written-by-keyv'))?.value).toEqual({ state: 'x' });
      expect(await store.atomic(ns('other')).add('written-by-keyv', 'y')).toBe(true);
    });

    it('acts on a version only while the key still holds it; every write, plain ones too, makes a new one', async () => {
      const store = await open();
      const leases = store.atomic(ns('leases'));
      const keyv = store.namespace(ns('leases'));
      await leases.add('lease', 'mine');
      const version = (await leases.getVersioned('lease'))?.version ?? '';

      expect(await leases.setIfVersion('lease', 'renewed', version)).toBe(true);
      expect(await leases.setIfVersion('lease', 'stale', version)).toBe(false);
      expect(await leases.deleteIfVersion('lease', version)).toBe(false);
      expect(await keyv.get('lease')).toBe('renewed');

      const renewed = (await leases.getVersioned('lease'))?.version ?? '';
      expect(renewed).not.toBe(version);
      await keyv.set('lease', 'renewed');
      expect(await leases.setIfVersion('lease', 'x', renewed)).toBe(false);
      await keyv.setMany([{ key: 'lease', value: 'renewed' }]);
      const afterSetMany = (await leases.getVersioned('lease'))?.version ?? '';
      expect(afterSetMany).not.toBe(renewed);

      expect(await leases.setIfVersion('lease', 'x', 'not a version of this store')).toBe(false);
      expect(await leases.deleteIfVersion('lease', afterSetMany)).toBe(true);
      expect(await keyv.get('lease')).toBeUndefined();
      expect(await leases.getVersioned('lease')).toBeUndefined();
      expect(await leases.setIfVersion('missing', 'x', afterSetMany)).toBe(false);
    });

    it('expires atomic writes for Keyv readers too, and lets one taker have an expired lease', async () => {
      const store = await open();
      const leases = store.atomic(ns('leases'));
      const keyv = store.namespace(ns('leases'));
      const before = Date.now();

      expect(await leases.add('scheduler', { owner: 'replica-a' }, TTL_MS)).toBe(true);
      expect(await leases.add('scheduler', { owner: 'replica-b' }, TTL_MS)).toBe(false);
      const held = await leases.getVersioned<{ owner: string }>('scheduler');
      const raw = await keyv.getRaw('scheduler');
      expect(raw?.value).toEqual({ owner: 'replica-a' });
      expect(raw?.expires).toBeGreaterThanOrEqual(before + TTL_MS);
      expect(raw?.expires).toBeLessThanOrEqual(Date.now() + TTL_MS);

      await sleep(PAST_TTL_MS);
      expect(await keyv.get('scheduler')).toBeUndefined();
      expect(await leases.getVersioned('scheduler')).toBeUndefined();
      expect(
        await leases.setIfVersion('scheduler', { owner: 'replica-a' }, held?.version ?? '', TTL_MS),
      ).toBe(false);
      expect(await leases.deleteIfVersion('scheduler', held?.version ?? '')).toBe(false);
      expect(await leases.add('scheduler', { owner: 'replica-b' }, 60_000)).toBe(true);
      const taken = await leases.getVersioned<{ owner: string }>('scheduler');
      expect(taken?.value).toEqual({ owner: 'replica-b' });
      expect(taken?.version).not.toBe(held?.version);
      expect(await leases.deleteIfVersion('scheduler', taken?.version ?? '')).toBe(true);
    });

    it('replaces the TTL on a compare-and-set, and removes it when none is given', async () => {
      const store = await open();
      const leases = store.atomic(ns('leases'));
      await leases.add('a', 1, 60_000);
      await leases.add('b', 1);
      await leases.add('c', 1, TTL_MS + 0.5);
      const a = (await leases.getVersioned('a'))?.version ?? '';
      const b = (await leases.getVersioned('b'))?.version ?? '';
      expect(await leases.setIfVersion('a', 2, a)).toBe(true);
      expect(await leases.setIfVersion('b', 2, b, TTL_MS + 0.5)).toBe(true);

      await sleep(PAST_TTL_MS);
      expect((await leases.getVersioned('a'))?.value).toBe(2);
      expect(await leases.getVersioned('b')).toBeUndefined();
      expect(await leases.getVersioned('c')).toBeUndefined();
    });

    it('pings while open, and after close reports false and throws instead of reading nothing', async () => {
      const store = await open();
      const papers = store.namespace(ns('papers'));
      await papers.set('a', 1);
      expect(await store.ping()).toBe(true);

      await store.close();
      await store.close();
      expect(await store.ping()).toBe(false);
      // Using a closed store is the caller's bug, not an outage of the store.
      const error = await papers.get('a').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(ExternalError);
      expect((error as Error).message).toMatch(/disconnected/);
      expect(() => store.namespace(ns('papers'))).toThrow(/is closed/);
    });

    if (kind === 'redis') describeRedisLayout(server, open, ns);
    else describePostgresLayout(server, open, ns);
  });
}

function describeRedisLayout(
  server: () => TestServer,
  open: () => Promise<Store>,
  ns: (name: string) => string,
) {
  describe('on Redis', () => {
    let raw: ReturnType<typeof createClient> | undefined;
    beforeEach(async () => {
      raw = createClient({ url: server().url });
      raw.on('error', () => undefined);
      await raw.connect();
    });
    afterEach(async () => {
      await raw?.close();
    });

    it('keeps KeyvRedis key layout, with the version before the serialized value, and the TTL in Redis', async () => {
      const store = await open();
      await store.namespace(ns('papers')).set('2602.06063', { title: 'A paper' }, 60_000);
      const key = `${ns('papers')}::${ns('papers')}:2602.06063`;

      const stored = await raw?.get(key);
      expect(stored).toMatch(/^[0-9a-f]{16}:\{"value":\{"title":"A paper"\},"expires":\d+\}$/);
      expect(await raw?.pTTL(key)).toBeGreaterThan(50_000);
      const version = (await store.atomic(ns('papers')).getVersioned('2602.06063'))?.version;
      expect(stored?.startsWith(`${version}:`)).toBe(true);
    });

    it('refuses to read a value that arxiv-digest did not write', async () => {
      const store = await open();
      await raw?.set(`${ns('papers')}::${ns('papers')}:foreign`, '{"value":"someone else","expires":null}');
      const error = await store
        .namespace(ns('papers'))
        .get('foreign')
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).userMessage).toMatch(
        /was not written by arxiv-digest.*database of its own/,
      );
    });
  });
}

function describePostgresLayout(
  server: () => TestServer,
  open: () => Promise<Store>,
  ns: (name: string) => string,
) {
  describe('on PostgreSQL', () => {
    let raw: Pool | undefined;
    beforeEach(() => {
      raw = new pg.Pool({ connectionString: server().url, max: 2 });
      raw.on('error', () => undefined);
    });
    afterEach(async () => {
      await raw?.end();
    });

    it(`keeps rows in ${POSTGRES_TABLE} with Keyv's key and value, and the expiry and version beside them`, async () => {
      const store = await open();
      const before = Date.now();
      await store.namespace(ns('papers')).set('2602.06063', { title: 'A paper' }, 60_000);
      const version = (await store.atomic(ns('papers')).getVersioned('2602.06063'))?.version;

      const { rows } = (await raw?.query<{ key: string; value: string; expires: string; version: string }>(
        `SELECT key, value, expires, version FROM ${POSTGRES_TABLE} WHERE key = $1`,
        [`${ns('papers')}:2602.06063`],
      )) ?? { rows: [] };
      expect(rows).toHaveLength(1);
      expect(JSON.parse(rows[0]?.value ?? '')).toMatchObject({ value: { title: 'A paper' } });
      expect(Number(rows[0]?.expires)).toBeGreaterThanOrEqual(before + 60_000 - 1000);
      expect(rows[0]?.version).toBe(version);
    });
  });
}
