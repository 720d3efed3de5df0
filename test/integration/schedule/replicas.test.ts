import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { Scheduler } from '../../../src/schedule/scheduler.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { LeaseRepository } from '../../../src/store/repositories/leases.ts';
import { SubscriptionRepository } from '../../../src/store/repositories/subscriptions.ts';
import { describeRun, sleep, subscription } from '../../unit/schedule/helpers.ts';

/*
 * Replicas of the bot sharing one SQLite file: two Scheduler instances over two connections in this process,
 * and a replica in a child process that is killed with SIGKILL.
 */

const WORKER = fileURLToPath(new URL('./replica-worker.ts', import.meta.url));
const CREATED = '2025-01-06T00:00:00.000Z';

let directory: string;
let path: string;
const opened: Store[] = [];
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'arxiv-digest-schedule-'));
  path = join(directory, 'store.sqlite');
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const store of opened.splice(0)) await store.close();
  rmSync(directory, { recursive: true, force: true });
});

async function connect(): Promise<Store> {
  const store = await openStore(`sqlite://${path}`);
  opened.push(store);
  return store;
}

/** A replica in this process, on its own connection to the file; `delivered` records what its deliver() got. */
async function replica(holder: string, leaseTtlMs: number) {
  const store = await connect();
  const subscriptions = new SubscriptionRepository(store, silentLogger);
  const delivered: string[] = [];
  const scheduler = new Scheduler({
    subscriptions: () => subscriptions.all(),
    deliver: async (runs) => {
      delivered.push(...runs.map(describeRun));
      return { failed: [] };
    },
    store,
    leases: new LeaseRepository(store),
    holder,
    leaseTtlMs,
  });
  const tick = async (iso: string) => (await scheduler.tick(new Date(iso))).map(describeRun);
  return { scheduler, delivered, tick };
}

async function subscribe(...targets: Array<[string, string, string]>): Promise<void> {
  const repository = new SubscriptionRepository(await connect(), silentLogger);
  for (const [target, time, zone] of targets) await repository.put(subscription(target, time, zone, CREATED));
}

/** A replica in a child process (see replica-worker.ts). */
async function childReplica(holder: string, leaseTtlMs: number, mode: 'deliver' | 'hang') {
  const child = spawn(process.execPath, [WORKER, path, holder, String(leaseTtlMs), mode]);
  children.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const line = async (): Promise<string> => {
    const next = await lines.next();
    if (next.done) throw new Error(`the replica ended early: ${stderr}`);
    return next.value;
  };
  expect(await line()).toBe('ready');
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_, signal) => resolve(signal)),
  );
  return {
    async tick(iso: string): Promise<Record<string, string[]>> {
      child.stdin.write(`tick ${iso}\n`);
      return JSON.parse(await line()) as Record<string, string[]>;
    },
    async kill(): Promise<NodeJS.Signals | null> {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

describe('Scheduler replicas on one SQLite file', () => {
  it('deliver each run once between two instances ticking every minute for a day and more', async () => {
    await subscribe(
      ['test:berlin', '08:00', 'Europe/Berlin'],
      ['test:new-york', '08:00', 'America/New_York'],
      ['test:kolkata', '08:00', 'Asia/Kolkata'],
      ['test:midnight', '00:00', 'UTC'],
    );
    const a = await replica('replica-a', 90_000);
    const b = await replica('replica-b', 90_000);

    for (
      let time = Date.parse('2025-01-06T00:00:00Z');
      time <= Date.parse('2025-01-07T03:00:00Z');
      time += 60_000
    ) {
      const iso = new Date(time).toISOString();
      // Both tick at the same minute, at the same moment, like two processes woken by their own cron.
      await Promise.all([a.tick(iso), b.tick(iso)]);
    }

    const all = [...a.delivered, ...b.delivered].sort();
    expect(all).toEqual([
      'test:berlin 2025-01-06T07:00:00.000Z',
      'test:kolkata 2025-01-06T02:30:00.000Z',
      'test:kolkata 2025-01-07T02:30:00.000Z',
      'test:midnight 2025-01-07T00:00:00.000Z',
      'test:new-york 2025-01-06T13:00:00.000Z',
    ]);
    // One of them led throughout: the lease, renewed every minute, never changed hands.
    expect([a.delivered.length, b.delivered.length].sort()).toEqual([0, 5]);
  });

  it('hands the schedule over when the leading process is killed, catching up without repeating', async () => {
    await subscribe(
      ['test:berlin', '08:00', 'Europe/Berlin'],
      ['test:new-york', '08:00', 'America/New_York'],
    );
    const ttl = 800;
    const leader = await childReplica('process-a', ttl, 'deliver');
    const standby = await replica('process-b', ttl);

    expect(await leader.tick('2025-01-06T07:00:00Z')).toEqual({
      ran: ['test:berlin 2025-01-06T07:00:00.000Z'],
    });
    expect(await standby.tick('2025-01-06T07:01:00Z')).toEqual([]);
    expect(await leader.kill()).toBe('SIGKILL');
    // Dead, but its lease stands until it expires.
    expect(await standby.tick('2025-01-06T07:02:00Z')).toEqual([]);

    await sleep(ttl + 100);
    // The standby leads now; its first tick catches up New York's 08:00 (13:00 UTC), missed while nobody led,
    // and does not repeat Berlin's run, which the killed process had marked.
    expect(await standby.tick('2025-01-06T14:00:00Z')).toEqual(['test:new-york 2025-01-06T13:00:00.000Z']);
    expect(await standby.tick('2025-01-07T07:00:00Z')).toEqual(['test:berlin 2025-01-07T07:00:00.000Z']);
    expect(standby.delivered).toEqual([
      'test:new-york 2025-01-06T13:00:00.000Z',
      'test:berlin 2025-01-07T07:00:00.000Z',
    ]);
  });

  it('runs again a run whose process was killed mid-delivery (the delivery log keeps it from posting twice)', async () => {
    await subscribe(['test:berlin', '08:00', 'Europe/Berlin']);
    const ttl = 800;
    const leader = await childReplica('process-a', ttl, 'hang');
    const standby = await replica('process-b', ttl);

    // The leader's deliver() starts (it prints what it got first) and never finishes.
    expect(await leader.tick('2025-01-06T07:00:00Z')).toEqual({
      delivering: ['test:berlin 2025-01-06T07:00:00.000Z'],
    });
    expect(await standby.tick('2025-01-06T07:01:00Z')).toEqual([]);
    expect(await leader.kill()).toBe('SIGKILL');

    await sleep(ttl + 100);
    expect(await standby.tick('2025-01-06T07:05:00Z')).toEqual(['test:berlin 2025-01-06T07:00:00.000Z']);
    expect(await standby.tick('2025-01-06T07:06:00Z')).toEqual([]);
  });
});
