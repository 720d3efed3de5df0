import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import Keyv from 'keyv';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExternalError, UserError } from '../../../src/errors.ts';
import { KeyvSqlite, MEMORY_PATH, SqliteDatabase } from '../../../src/store/sqlite.ts';

let directory: string;
const opened: SqliteDatabase[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'arxiv-digest-sqlite-'));
});

afterEach(() => {
  vi.useRealTimers();
  for (const database of opened.splice(0)) database.close();
  rmSync(directory, { recursive: true, force: true });
});

function open(
  path = join(directory, 'store.sqlite'),
  options: ConstructorParameters<typeof SqliteDatabase>[1] = {},
) {
  const database = new SqliteDatabase(path, options);
  opened.push(database);
  return database;
}

function keyv(database: SqliteDatabase, namespace: string) {
  return new Keyv({ store: new KeyvSqlite(database), namespace, throwOnErrors: true });
}

/** The table as it is on disk, expired rows included, read through a separate connection. */
function rawKeys(path: string): string[] {
  const raw = new DatabaseSync(path, { readOnly: true });
  try {
    return raw
      .prepare('SELECT key FROM keyv ORDER BY key')
      .all()
      .map((row) => String(row.key));
  } finally {
    raw.close();
  }
}

describe('SqliteDatabase on a file', () => {
  it('keeps values across close and reopen', async () => {
    const path = join(directory, 'nested', 'deeper', 'store.sqlite');
    const first = open(path);
    await keyv(first, 'papers').set('2602.06063', { title: 'A paper' });
    first.close();

    const second = open(path);
    expect(await keyv(second, 'papers').get('2602.06063')).toEqual({ title: 'A paper' });
  });

  it('puts the file in WAL mode', () => {
    const path = join(directory, 'store.sqlite');
    open(path);
    const raw = new DatabaseSync(path);
    expect(raw.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
    raw.close();
    expect(existsSync(`${path}-wal`)).toBe(true);
  });

  it('keeps namespaces apart in get, clear and iteration, even for names with LIKE wildcards or shared prefixes', async () => {
    const database = open();
    const names = ['ns', 'ns2', 'n_s', 'nxs', 'n%'];
    const stores = names.map((name) => keyv(database, name));
    for (const [index, store] of stores.entries()) {
      await store.set('key', names[index]);
      await store.set('other', index);
    }

    await stores[0]?.clear();
    await stores[2]?.clear();
    await stores[4]?.clear();

    expect(await Promise.all(stores.map((store) => store.get('key')))).toEqual([
      undefined,
      'ns2',
      undefined,
      'nxs',
      undefined,
    ]);
    const entries = [];
    for await (const entry of stores[1]?.iterator?.(undefined) ?? []) entries.push(entry);
    expect(entries.sort()).toEqual([
      ['key', 'ns2'],
      ['other', 1],
    ]);
  });

  it('iterates past one page, in key order, without other namespaces', async () => {
    const database = open();
    const papers = keyv(database, 'papers');
    await keyv(database, 'papers2').set('x', 'elsewhere');
    const keys = Array.from({ length: 250 }, (_, index) => `k${String(index).padStart(3, '0')}`);
    await papers.setMany(keys.map((key) => ({ key, value: key.toUpperCase() })));

    const seen: Array<[string, string]> = [];
    for await (const entry of papers.iterator?.(undefined) ?? []) seen.push(entry);
    expect(seen).toEqual(keys.map((key) => [key, key.toUpperCase()]));
  });

  it('hides expired rows from every read and deletes them on the first write after the sweep interval', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.parse('2026-02-09T12:00:00Z');
    vi.setSystemTime(start);
    const path = join(directory, 'store.sqlite');
    const database = open(path, { sweepIntervalMs: 60_000 });
    const adapter = new KeyvSqlite(database);
    adapter.namespace = 'cache';
    await adapter.set('cache:short', 'raw-short', 1000);
    await adapter.set('cache:long', 'raw-long');

    vi.setSystemTime(start + 999);
    expect(await adapter.get('cache:short')).toBe('raw-short');

    vi.setSystemTime(start + 1000);
    expect(await adapter.get('cache:short')).toBeUndefined();
    expect(await adapter.has('cache:short')).toBe(false);
    expect(await adapter.getMany(['cache:short', 'cache:long'])).toEqual([undefined, 'raw-long']);
    expect(await adapter.hasMany(['cache:short', 'cache:long'])).toEqual([false, true]);
    const iterated = [];
    for await (const [key] of adapter.iterator('cache')) iterated.push(key);
    expect(iterated).toEqual(['cache:long']);

    await adapter.set('cache:other', 'x');
    expect(rawKeys(path)).toContain('cache:short');

    vi.setSystemTime(start + 60_000);
    await adapter.set('cache:other', 'y');
    expect(rawKeys(path)).toEqual(['cache:long', 'cache:other']);
  });

  it('counts only live rows as deleted', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const adapter = new KeyvSqlite(open());
    await adapter.set('a', 'A', 10);
    await adapter.set('b', 'B', 10);
    await adapter.set('c', 'C');
    vi.setSystemTime(1_000_010);
    expect(await adapter.delete('a')).toBe(false);
    expect(await adapter.deleteMany(['b', 'missing'])).toBe(false);
    expect(await adapter.deleteMany(['c', 'missing'])).toBe(true);
    expect(await adapter.delete('c')).toBe(false);
  });

  it('answers getMany and hasMany in the order asked, repeats and gaps included', async () => {
    const adapter = new KeyvSqlite(open(MEMORY_PATH));
    await adapter.setMany([
      { key: 'a', value: 'A' },
      { key: 'b', value: 'B' },
    ]);
    expect(await adapter.getMany(['b', 'x', 'a', 'b'])).toEqual(['B', undefined, 'A', 'B']);
    expect(await adapter.hasMany(['x', 'a'])).toEqual([false, true]);
  });

  it('writes setMany all or nothing', async () => {
    const adapter = new KeyvSqlite(open(MEMORY_PATH));
    await expect(
      adapter.setMany([
        { key: 'a', value: 'A' },
        { key: 'b', value: { not: 'serialized' } },
      ]),
    ).rejects.toThrow(/keeps strings/);
    expect(await adapter.get('a')).toBeUndefined();
  });

  it('stops one adapter on disconnect and leaves the shared database to the others', async () => {
    const database = open(MEMORY_PATH);
    const first = new KeyvSqlite(database);
    const second = new KeyvSqlite(database);
    await first.set('a', 'A');
    await first.disconnect();
    await expect(first.get('a')).rejects.toThrow(/disconnected/);
    expect(await second.get('a')).toBe('A');
  });
});

describe('the atomic primitives', () => {
  it('add writes only when the key is absent or expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(5_000_000);
    const adapter = new KeyvSqlite(open());

    expect(await adapter.add('lease', 'first', 1000)).toBe(true);
    expect(await adapter.add('lease', 'second', 1000)).toBe(false);
    expect(await adapter.get('lease')).toBe('first');

    vi.setSystemTime(5_001_000);
    expect(await adapter.add('lease', 'third')).toBe(true);
    expect(await adapter.get('lease')).toBe('third');
    vi.setSystemTime(9_000_000);
    expect(await adapter.add('lease', 'fourth')).toBe(false);
  });

  it('setIfVersion and deleteIfVersion act only on the version they were given', async () => {
    const adapter = new KeyvSqlite(open());
    await adapter.add('lease', 'mine');
    const read = await adapter.getVersioned('lease');
    expect(read?.value).toBe('mine');
    const version = read?.version ?? '';

    expect(await adapter.setIfVersion('lease', 'renewed', version)).toBe(true);
    // The write gave the row a new version: the old one no longer matches.
    expect(await adapter.setIfVersion('lease', 'stale', version)).toBe(false);
    expect(await adapter.deleteIfVersion('lease', version)).toBe(false);
    expect(await adapter.get('lease')).toBe('renewed');

    const renewed = (await adapter.getVersioned('lease'))?.version ?? '';
    expect(renewed).not.toBe(version);
    await adapter.set('lease', 'overwritten by a plain set');
    expect(await adapter.setIfVersion('lease', 'x', renewed)).toBe(false);

    const current = (await adapter.getVersioned('lease'))?.version ?? '';
    expect(await adapter.deleteIfVersion('lease', current)).toBe(true);
    expect(await adapter.get('lease')).toBeUndefined();
    expect(await adapter.getVersioned('lease')).toBeUndefined();
  });

  it('does not compare-and-set an expired row, and a re-added key gets a fresh version', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000);
    const adapter = new KeyvSqlite(open());
    await adapter.add('lease', 'old owner', 100);
    const old = (await adapter.getVersioned('lease'))?.version ?? '';

    vi.setSystemTime(1_100);
    expect(await adapter.setIfVersion('lease', 'late renewal', old, 100)).toBe(false);
    expect(await adapter.deleteIfVersion('lease', old)).toBe(false);
    expect(await adapter.add('lease', 'new owner', 100)).toBe(true);
    expect((await adapter.getVersioned('lease'))?.version).not.toBe(old);
    expect(await adapter.setIfVersion('lease', 'late renewal', old, 100)).toBe(false);
  });
});

describe('opening a bad path', () => {
  it('names a corrupt file and says what to do', () => {
    const path = join(directory, 'corrupt.sqlite');
    writeFileSync(
      path,
      'this is not an SQLite database, just text long enough to fill a header page. '.repeat(20),
    );
    const error = catchError(() => open(path));
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 'INPUT_INVALID' });
    expect((error as UserError).userMessage).toContain(path);
    expect((error as UserError).userMessage).toMatch(/not a database.*Move the file aside.*STORE_URL/);
  });

  it('names a file whose keyv table was made by another program', () => {
    const path = join(directory, 'foreign.sqlite');
    const foreign = new DatabaseSync(path);
    foreign.exec('CREATE TABLE keyv (key VARCHAR(255) PRIMARY KEY, value TEXT)');
    foreign.close();
    const error = catchError(() => open(path));
    expect(error).toMatchObject({ code: 'INPUT_INVALID' });
    expect((error as UserError).userMessage).toMatch(/not a usable arxiv-digest store.*no such column/);
  });

  it('names a directory that cannot be created', () => {
    const blocker = join(directory, 'a-file');
    writeFileSync(blocker, '');
    const error = catchError(() => open(join(blocker, 'store.sqlite')));
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as UserError).userMessage).toMatch(/Cannot create the directory .*a-file.*STORE_URL/);
  });

  it('names a path that cannot be opened as a file', () => {
    const path = join(directory, 'a-directory');
    mkdirSync(path);
    const error = catchError(() => open(path));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as UserError).userMessage).toMatch(
      /Cannot open the SQLite store .*a-directory: unable to open/,
    );
  });
});

describe('a locked database', () => {
  it('fails a write with a retryable ExternalError once the busy timeout has passed', async () => {
    const path = join(directory, 'store.sqlite');
    const adapter = new KeyvSqlite(open(path, { busyTimeoutMs: 0 }));
    const holder = new DatabaseSync(path);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const error = await adapter.set('a', 'A').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ExternalError);
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
      expect((error as ExternalError).userMessage).toMatch(/database is locked/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    await adapter.set('a', 'A');
    expect(await adapter.get('a')).toBe('A');
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
