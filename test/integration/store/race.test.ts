import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExternalError } from '../../../src/errors.ts';
import { openStore } from '../../../src/store/index.ts';
import { KeyvSqlite, SqliteDatabase } from '../../../src/store/sqlite.ts';
import { raceRounds, startWorker, type Worker } from './lockstep.ts';

const WORKER = fileURLToPath(new URL('./race-worker.ts', import.meta.url));
const STORE_INDEX = fileURLToPath(new URL('../../../src/store/index.ts', import.meta.url));
const PROCESSES = 4;

let directory: string;
let path: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'arxiv-digest-race-'));
  path = join(directory, 'race.sqlite');
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function worker(mode: string, holdMs = 0): Worker {
  return startWorker(WORKER, [mode, path, String(holdMs)]);
}

/**
 * Runs the workers in lock-step rounds (see race-worker.ts) and returns, for each round, the pids of the
 * workers that won it.
 */
async function race(mode: 'claim' | 'count', rounds: number): Promise<number[][]> {
  const workers = Array.from({ length: PROCESSES }, () => worker(mode));
  for (const started of workers) expect(await started.line()).toBe('ready');
  const winners = await raceRounds(workers, 'go', rounds);
  for (const started of workers) started.child.stdin.end();
  await Promise.all(workers.map((started) => started.exited));
  return winners;
}

describe('atomic primitives across processes sharing one SQLite file', () => {
  it('lets exactly one process win each add()', async () => {
    const winners = await race('claim', 100);

    expect(winners.filter((pids) => pids.length !== 1)).toEqual([]);
    // The processes really raced: different rounds went to different processes.
    expect(new Set(winners.flat()).size).toBeGreaterThan(1);
    const store = await openStore(`sqlite://${path}`);
    const claims = store.namespace<number>('race');
    for (const [round, [pid]] of winners.entries()) expect(await claims.get(`claim:${round}`)).toBe(pid);
    await store.close();
  });

  it('lets exactly one process take over each expired key', async () => {
    const rounds = 60;
    const setup = await openStore(`sqlite://${path}`);
    for (let round = 0; round < rounds; round++) {
      await setup.atomic('race').add(`claim:${round}`, 'expired owner', 1);
    }
    await setup.close();
    await new Promise((resolve) => setTimeout(resolve, 5));

    const winners = await race('claim', rounds);
    expect(winners.filter((pids) => pids.length !== 1)).toEqual([]);
  });

  it('loses no update to a compare-and-set counter', async () => {
    const winners = await race('count', 100);

    const increments = winners.flat().length;
    const store = await openStore(`sqlite://${path}`);
    expect(await store.namespace('race').get('counter')).toBe(increments);
    await store.close();
    // Some compare-and-sets lost, so the test exercised the race rather than a lucky sequence.
    expect(increments).toBeLessThan(100 * PROCESSES);
  });
});

describe('the busy timeout', () => {
  it('makes a write wait for another process to release the lock', async () => {
    const database = new SqliteDatabase(path, { busyTimeoutMs: 10_000 });
    const adapter = new KeyvSqlite(database);
    const holder = worker('hold', 300);
    expect(await holder.line()).toBe('ready');
    holder.child.stdin.end('go 0\n');
    expect(await holder.line()).toBe('locked');

    await adapter.set('waited', 'yes');
    const finishedAt = Date.now();
    const { releasingAt } = JSON.parse(await holder.line()) as { releasingAt: number };
    await holder.exited;

    expect(finishedAt).toBeGreaterThanOrEqual(releasingAt);
    expect(await adapter.get('waited')).toBe('yes');
    expect(await adapter.has('held:row')).toBe(true);
    database.close();
  });

  it('fails with a retryable error when the lock outlasts it', async () => {
    const database = new SqliteDatabase(path, { busyTimeoutMs: 50 });
    const adapter = new KeyvSqlite(database);
    const holder = worker('hold', 500);
    expect(await holder.line()).toBe('ready');
    holder.child.stdin.end('go 0\n');
    expect(await holder.line()).toBe('locked');

    const error = await adapter.add('late', 'no').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExternalError);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true });
    await holder.line();
    await holder.exited;
    expect(await adapter.add('late', 'yes')).toBe(true);
    database.close();
  });
});

describe('the SQLite store', () => {
  it('never loads the sqlite3 package', async () => {
    // A child records every module it resolves while opening a store, writing and reading.
    const script = `
      import { registerHooks } from 'node:module';
      const resolved = [];
      registerHooks({ resolve(specifier, context, next) { resolved.push(specifier); return next(specifier, context); } });
      const { openStore } = await import(${JSON.stringify(STORE_INDEX)});
      const store = await openStore(${JSON.stringify(`sqlite://${path}`)});
      await store.namespace('papers').set('a', 1);
      if ((await store.namespace('papers').get('a')) !== 1) throw new Error('read back failed');
      await store.close();
      console.log(JSON.stringify(resolved));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '--eval', script]);
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const [code] = await new Promise<[number | null]>((resolve) =>
      child.on('exit', (...args) => resolve([args[0]])),
    );
    expect(code).toBe(0);
    const resolved = JSON.parse(stdout) as string[];
    expect(resolved).toContain('node:sqlite');
    expect(resolved.filter((specifier) => /(^|\/)sqlite3(\/|$)/.test(specifier))).toEqual([]);
  });
});
