import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/log.ts';
import { openStore, type Store } from '../../../src/store/index.ts';

let directory: string;
const opened: Store[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'arxiv-digest-store-'));
});

afterEach(async () => {
  vi.useRealTimers();
  for (const store of opened.splice(0)) await store.close();
  rmSync(directory, { recursive: true, force: true });
});

async function open(url: string) {
  const store = await openStore(url, { cwd: directory });
  opened.push(store);
  return store;
}

async function openError(url: string): Promise<UserError> {
  const error = await openStore(url, { cwd: directory }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('openStore URLs', () => {
  it('resolves a relative sqlite path against cwd and creates its directory', async () => {
    const store = await open('sqlite://./data/arxiv-digest.sqlite');
    await store.namespace('papers').set('a', 1);
    expect(existsSync(join(directory, 'data', 'arxiv-digest.sqlite'))).toBe(true);
    expect(store.describe()).toBe('sqlite://./data/arxiv-digest.sqlite');
  });

  it('takes an absolute path after sqlite://', async () => {
    const path = join(directory, 'absolute', 'store.sqlite');
    const store = await open(`sqlite://${path}`);
    await store.namespace('papers').set('a', 1);
    expect(existsSync(path)).toBe(true);
  });

  it('opens a private in-memory database for sqlite://:memory:', async () => {
    const first = await open('sqlite://:memory:');
    const second = await open('sqlite://:memory:');
    await first.namespace('papers').set('a', 1);
    expect(await first.namespace('papers').get('a')).toBe(1);
    expect(await second.namespace('papers').get('a')).toBeUndefined();
  });

  it('asks for a path when sqlite:// has none', async () => {
    const error = await openError('sqlite://');
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.userMessage).toMatch(/store\.url \(STORE_URL\) "sqlite:\/\/" needs a file path/);
  });

  it.each(['mysql://user:hunter2@db/arxiv', './data/arxiv-digest.sqlite', ''])(
    'names store.url, STORE_URL and the supported forms for %j',
    async (url) => {
      const error = await openError(url);
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.userMessage).toMatch(/store\.url \(STORE_URL\).*not a supported store URL/);
      expect(error.userMessage).toContain('sqlite://<path>');
      expect(error.userMessage).toContain('sqlite://:memory:');
      expect(error.message).not.toContain('hunter2');
    },
  );

  it('turns an unusable file into a UserError', async () => {
    const error = await openError(`sqlite://${directory}`);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.userMessage).toContain(directory);
  });

  it('logs which store it opened', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => lines.push(line) },
    });
    const store = await openStore('sqlite://./logged.sqlite', { cwd: directory, logger });
    opened.push(store);
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ msg: 'store opened', store: 'sqlite://./logged.sqlite' }),
    );
  });
});

describe('Store', () => {
  it('gives one Keyv per namespace, isolated from the others and persistent across reopen', async () => {
    const url = 'sqlite://./store.sqlite';
    const store = await open(url);
    expect(store.namespace('summaries')).toBe(store.namespace('summaries'));
    await store.namespace('summaries').set('2602.06063', { text: 'summary' });
    await store.namespace('papers').set('2602.06063', { title: 'paper' });
    await store.namespace('papers').clear();
    await store.close();

    const reopened = await open(url);
    expect(await reopened.namespace('summaries').get('2602.06063')).toEqual({ text: 'summary' });
    expect(await reopened.namespace('papers').get('2602.06063')).toBeUndefined();
  });

  it('rejects namespace names that would break key prefixes', async () => {
    const store = await open('sqlite://:memory:');
    expect(() => store.namespace('a:b')).toThrow(/":" separates namespace and key/);
    expect(() => store.atomic('')).toThrow(/namespace names/);
  });

  it('shares keys between a namespace and its atomic primitives', async () => {
    const store = await open('sqlite://:memory:');
    const deliveries = store.atomic('deliveries');
    const log = store.namespace<{ state: string }>('deliveries');

    expect(await deliveries.add('T1/2026-02-09/2602.06063', { state: 'posting' })).toBe(true);
    expect(await deliveries.add('T1/2026-02-09/2602.06063', { state: 'posting' })).toBe(false);
    expect(await log.get('T1/2026-02-09/2602.06063')).toEqual({ state: 'posting' });

    const read = await deliveries.getVersioned<{ state: string }>('T1/2026-02-09/2602.06063');
    expect(read?.value).toEqual({ state: 'posting' });
    expect(
      await deliveries.setIfVersion('T1/2026-02-09/2602.06063', { state: 'posted' }, read?.version ?? ''),
    ).toBe(true);
    expect(await log.get('T1/2026-02-09/2602.06063')).toEqual({ state: 'posted' });

    await log.set('written-by-keyv', { state: 'x' });
    expect((await deliveries.getVersioned('written-by-keyv'))?.value).toEqual({ state: 'x' });
    expect(await store.atomic('other').add('written-by-keyv', 'y')).toBe(true);
  });

  it('expires atomic writes for Keyv readers too, and takes over an expired lease', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2026-02-09T20:00:00Z'));
    const store = await open('sqlite://:memory:');
    const leases = store.atomic('leases');

    expect(await leases.add('scheduler', { owner: 'replica-a' }, 30_000)).toBe(true);
    expect(await leases.add('scheduler', { owner: 'replica-b' }, 30_000)).toBe(false);
    const held = await leases.getVersioned<{ owner: string }>('scheduler');
    expect(await store.namespace('leases').getRaw('scheduler')).toMatchObject({
      value: { owner: 'replica-a' },
      expires: Date.now() + 30_000,
    });

    vi.advanceTimersByTime(30_000);
    expect(await store.namespace('leases').get('scheduler')).toBeUndefined();
    expect(await leases.setIfVersion('scheduler', { owner: 'replica-a' }, held?.version ?? '', 30_000)).toBe(
      false,
    );
    expect(await leases.add('scheduler', { owner: 'replica-b' }, 30_000)).toBe(true);
    expect(await leases.deleteIfVersion('scheduler', held?.version ?? '')).toBe(false);
    const taken = await leases.getVersioned<{ owner: string }>('scheduler');
    expect(taken?.value).toEqual({ owner: 'replica-b' });
    expect(await leases.deleteIfVersion('scheduler', taken?.version ?? '')).toBe(true);
  });

  it('refuses a TTL that is not a positive number of milliseconds', async () => {
    const leases = (await open('sqlite://:memory:')).atomic('leases');
    await expect(leases.add('k', 1, 0)).rejects.toThrow(RangeError);
    await expect(leases.add('k', 1, Number.NaN)).rejects.toThrow(/positive number of milliseconds/);
    expect(await leases.getVersioned('k')).toBeUndefined();
  });

  it('pings while open, and after close reports false and throws instead of reading nothing', async () => {
    const store = await open('sqlite://./store.sqlite');
    const papers = store.namespace('papers');
    await papers.set('a', 1);
    expect(await store.ping()).toBe(true);

    await store.close();
    await store.close();
    expect(await store.ping()).toBe(false);
    await expect(papers.get('a')).rejects.toThrow(/disconnected/);
    expect(() => store.namespace('papers')).toThrow(/is closed/);
  });
});
