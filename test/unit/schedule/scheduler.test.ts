import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExternalError } from '../../../src/errors.ts';
import { type DeliveryReport, type ScheduledRun, Scheduler } from '../../../src/schedule/scheduler.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { LeaseRepository } from '../../../src/store/repositories/leases.ts';
import type { Subscription } from '../../../src/store/repositories/subscriptions.ts';
import {
  capturingLogger,
  describeRun,
  recordingDeliver,
  sleep,
  subscription,
  tickEveryMinute,
} from './helpers.ts';

let store: Store;
let subscriptions: Subscription[];

beforeEach(async () => {
  store = await openStore('sqlite://:memory:');
  subscriptions = [];
});

afterEach(async () => {
  vi.useRealTimers();
  await store.close();
});

function scheduler(
  deliver: (runs: ScheduledRun[]) => Promise<DeliveryReport>,
  options: {
    holder?: string;
    leaseTtlMs?: number;
    logger?: ReturnType<typeof capturingLogger>['logger'];
  } = {},
): Scheduler {
  return new Scheduler({
    subscriptions: async () => subscriptions,
    deliver,
    store,
    leases: new LeaseRepository(store),
    holder: options.holder ?? 'replica-a',
    ...(options.leaseTtlMs === undefined ? {} : { leaseTtlMs: options.leaseTtlMs }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}

const at = (iso: string) => new Date(iso);
const runs = async (target: Scheduler, iso: string) => (await target.tick(at(iso))).map(describeRun);

describe('Scheduler: when targets are due', () => {
  it('runs each target at its own local time and zone, once a day, in one batch per minute', async () => {
    const created = '2025-01-06T00:00:00.000Z';
    subscriptions = [
      subscription('test:berlin', '08:00', 'Europe/Berlin', created),
      subscription('test:new-york', '08:00', 'America/New_York', created),
      subscription('test:kolkata', '08:00', 'Asia/Kolkata', created),
      subscription('test:kathmandu', '08:00', 'Asia/Kathmandu', created),
      subscription('test:berlin-too', '08:00', 'Europe/Berlin', created),
    ];
    const { batches, deliver } = recordingDeliver();

    const found = await tickEveryMinute(scheduler(deliver), '2025-01-06T00:00:00Z', '2025-01-07T23:59:00Z');

    expect(found).toEqual(
      ['2025-01-06', '2025-01-07'].flatMap((day) => [
        { run: `test:kathmandu ${day}T02:15:00.000Z`, tickedAt: `${day}T02:15:00.000Z` },
        { run: `test:kolkata ${day}T02:30:00.000Z`, tickedAt: `${day}T02:30:00.000Z` },
        { run: `test:berlin ${day}T07:00:00.000Z`, tickedAt: `${day}T07:00:00.000Z` },
        { run: `test:berlin-too ${day}T07:00:00.000Z`, tickedAt: `${day}T07:00:00.000Z` },
        { run: `test:new-york ${day}T13:00:00.000Z`, tickedAt: `${day}T13:00:00.000Z` },
      ]),
    );
    // The two Berlin targets due at the same minute went to deliver() together.
    expect(batches.map((batch) => batch.length)).toEqual([1, 1, 2, 1, 1, 1, 2, 1]);
  });

  it('runs once on the spring-forward and the fall-back day, a skipped time just after the gap', async () => {
    const { deliver } = recordingDeliver();
    const target = scheduler(deliver);
    /** The ticks of one night, for subscriptions made just before it. */
    const night = (from: string, to: string) => {
      subscriptions = [
        subscription('test:berlin', '02:30', 'Europe/Berlin', from),
        subscription('test:new-york', '01:30', 'America/New_York', from),
      ];
      return tickEveryMinute(target, from, to);
    };

    const spring = await night('2025-03-29T20:00:00Z', '2025-03-30T12:00:00Z');
    const fall = await night('2025-10-25T20:00:00Z', '2025-10-26T12:00:00Z');
    const newYorkFall = await night('2025-11-01T20:00:00Z', '2025-11-02T12:00:00Z');

    // Berlin 02:30 does not exist on 2025-03-30 (02:00 -> 03:00): it runs at 03:00 CEST, 01:00 UTC.
    expect(spring.filter((found) => found.run.startsWith('test:berlin'))).toEqual([
      { run: 'test:berlin 2025-03-30T01:00:00.000Z', tickedAt: '2025-03-30T01:00:00.000Z' },
    ]);
    // Berlin 02:30 happens twice on 2025-10-26 (00:30 and 01:30 UTC): one run, at the first.
    expect(fall.filter((found) => found.run.startsWith('test:berlin'))).toEqual([
      { run: 'test:berlin 2025-10-26T00:30:00.000Z', tickedAt: '2025-10-26T00:30:00.000Z' },
    ]);
    // New York 01:30 happens twice on 2025-11-02 (05:30 and 06:30 UTC): one run, at the first.
    expect(newYorkFall.filter((found) => found.run.startsWith('test:new-york'))).toEqual([
      { run: 'test:new-york 2025-11-02T05:30:00.000Z', tickedAt: '2025-11-02T05:30:00.000Z' },
    ]);
  });

  it('lets a subscription created after today’s time wait for tomorrow', async () => {
    subscriptions = [
      subscription('test:late', '08:00', 'Europe/Berlin', '2025-01-06T09:00:00.000Z'),
      subscription('test:early', '08:00', 'Europe/Berlin', '2025-01-06T06:00:00.000Z'),
    ];
    const { deliver } = recordingDeliver();

    const found = await tickEveryMinute(scheduler(deliver), '2025-01-06T09:00:00Z', '2025-01-07T08:00:00Z');

    // The early one was created before 08:00 Berlin (07:00 UTC) on the 6th: its first run, missed, comes at once.
    expect(found.map((entry) => entry.run)).toEqual([
      'test:early 2025-01-06T07:00:00.000Z',
      'test:late 2025-01-07T07:00:00.000Z',
      'test:early 2025-01-07T07:00:00.000Z',
    ]);
    expect(found[0]?.tickedAt).toBe('2025-01-06T09:00:00.000Z');
  });

  it('catches up a run missed while the bot was down at the first tick, once however many days were missed', async () => {
    subscriptions = [subscription('test:berlin', '08:00', 'Europe/Berlin')];
    const { deliver } = recordingDeliver();
    const before = scheduler(deliver);
    expect(await runs(before, '2025-01-02T07:00:00Z')).toEqual(['test:berlin 2025-01-02T07:00:00.000Z']);
    await before.stop();

    // Down from the 2nd to the 6th, 15:00 UTC: the 3rd to the 6th were missed; one run covers them.
    const after = scheduler(deliver);
    expect(await runs(after, '2025-01-06T15:00:00Z')).toEqual(['test:berlin 2025-01-06T07:00:00.000Z']);
    expect(await runs(after, '2025-01-06T15:01:00Z')).toEqual([]);
    expect(await runs(after, '2025-01-07T07:00:00Z')).toEqual(['test:berlin 2025-01-07T07:00:00.000Z']);
  });

  it.each([
    ['a Saturday', '2025-03-08', '2025-03-07'],
    ['the Friday after Thanksgiving, an arXiv holiday', '2025-11-28', '2025-11-27'],
  ])('marks a run on %s that posted nothing and does not retry it every minute', async (_, day, newest) => {
    subscriptions = [subscription('test:berlin', '08:00', 'Europe/Berlin', `${day}T00:00:00.000Z`)];
    const { batches, deliver } = recordingDeliver();
    const { logger, records } = capturingLogger();

    // deliver() is called (it finds nothing new, posts nothing) and reports no failure.
    const found = await tickEveryMinute(
      scheduler(deliver, { logger }),
      `${day}T00:00:00Z`,
      `${day}T23:59:00Z`,
    );

    expect(found).toEqual([{ run: `test:berlin ${day}T07:00:00.000Z`, tickedAt: `${day}T07:00:00.000Z` }]);
    expect(batches).toHaveLength(1);
    // The log explains why nothing came: the newest listing is the previous day's.
    expect(records.find((record) => record.msg === 'scheduled digests are due')).toMatchObject({
      runs: 1,
      latestAnnouncement: newest,
    });
  });

  it('does not run a target again the same day when its time moves earlier after the run', async () => {
    subscriptions = [subscription('test:berlin', '08:00', 'Europe/Berlin')];
    const { deliver } = recordingDeliver();
    const target = scheduler(deliver);
    expect(await runs(target, '2025-01-06T07:00:00Z')).toHaveLength(1);

    subscriptions = [subscription('test:berlin', '07:30', 'Europe/Berlin')];
    expect(await tickEveryMinute(target, '2025-01-06T07:01:00Z', '2025-01-07T06:29:00Z')).toEqual([]);
    expect(await runs(target, '2025-01-07T06:30:00Z')).toEqual(['test:berlin 2025-01-07T06:30:00.000Z']);
  });
});

describe('Scheduler: failures', () => {
  it('retries every run when deliver() rejects, backing off 1, 2, 4 ... minutes, and marks them once it succeeds', async () => {
    subscriptions = [
      subscription('test:berlin', '08:00', 'Europe/Berlin'),
      subscription('test:paris', '08:00', 'Europe/Paris'),
    ];
    const { logger, records } = capturingLogger();
    let arxivDown = true;
    const delivered: string[] = [];
    const target = scheduler(
      async (batch) => {
        if (arxivDown)
          throw new ExternalError('ARXIV_UNREACHABLE', 'arXiv did not answer.', { retryable: true });
        delivered.push(...batch.map(describeRun));
        return { failed: [] };
      },
      { logger },
    );

    expect(await runs(target, '2025-01-06T07:00:00Z')).toHaveLength(2);
    expect(await runs(target, '2025-01-06T07:01:00Z')).toHaveLength(2);
    // Two failures: the next attempt waits two minutes.
    expect(await runs(target, '2025-01-06T07:02:00Z')).toEqual([]);
    arxivDown = false;
    expect(await runs(target, '2025-01-06T07:03:00Z')).toHaveLength(2);
    expect(await runs(target, '2025-01-06T07:04:00Z')).toEqual([]);

    expect(delivered).toEqual([
      'test:berlin 2025-01-06T07:00:00.000Z',
      'test:paris 2025-01-06T07:00:00.000Z',
    ]);
    const failures = records.filter((record) =>
      record.msg?.toString().startsWith('scheduled digests failed'),
    );
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({ level: 50, runs: 2, err: { message: 'arXiv did not answer.' } });
  });

  it('retries only the targets deliver() reports failed, each backing off on its own', async () => {
    subscriptions = [
      subscription('test:good', '08:00', 'Europe/Berlin'),
      subscription('test:bad', '08:00', 'Europe/Berlin'),
    ];
    const { logger, records } = capturingLogger();
    let badFails = true;
    const target = scheduler(
      async (batch) => ({
        failed: badFails
          ? batch
              .filter((run) => run.subscription.target === 'test:bad')
              .map((run) => ({ target: run.subscription.target, error: new Error('channel_not_found') }))
          : [],
      }),
      { logger },
    );

    expect(await runs(target, '2025-01-06T07:00:00Z')).toEqual([
      'test:good 2025-01-06T07:00:00.000Z',
      'test:bad 2025-01-06T07:00:00.000Z',
    ]);
    expect(await runs(target, '2025-01-06T07:01:00Z')).toEqual(['test:bad 2025-01-06T07:00:00.000Z']);
    expect(await runs(target, '2025-01-06T07:02:00Z')).toEqual([]);
    badFails = false;
    expect(await runs(target, '2025-01-06T07:03:00Z')).toEqual(['test:bad 2025-01-06T07:00:00.000Z']);
    expect(await runs(target, '2025-01-06T07:04:00Z')).toEqual([]);
    expect(records.filter((record) => record.target === 'test:bad' && record.level === 40)).toHaveLength(2);
  });

  it('skips a subscription whose schedule cannot be read and runs the others', async () => {
    subscriptions = [
      subscription('test:broken', '08:00', 'Mars/Olympus_Mons'),
      subscription('test:berlin', '08:00', 'Europe/Berlin'),
    ];
    const { logger, records } = capturingLogger();
    const { deliver } = recordingDeliver();

    expect(await runs(scheduler(deliver, { logger }), '2025-01-06T07:00:00Z')).toEqual([
      'test:berlin 2025-01-06T07:00:00.000Z',
    ]);
    expect(records.find((record) => record.target === 'test:broken')).toMatchObject({
      level: 40,
      msg: 'skipping a subscription whose schedule cannot be read',
      schedule: { time: '08:00', timeZone: 'Mars/Olympus_Mons' },
    });
  });
});

describe('Scheduler: one ticker', () => {
  it('runs nothing on a replica that does not hold the leader lease', async () => {
    subscriptions = [subscription('test:berlin', '08:00', 'Europe/Berlin')];
    const a = recordingDeliver();
    const b = recordingDeliver();
    const replicaA = scheduler(a.deliver, { holder: 'replica-a' });
    const replicaB = scheduler(b.deliver, { holder: 'replica-b' });

    const [fromA, fromB] = await Promise.all([
      replicaA.tick(at('2025-01-06T07:00:00Z')),
      replicaB.tick(at('2025-01-06T07:00:00Z')),
    ]);

    expect([...fromA, ...fromB].map(describeRun)).toEqual(['test:berlin 2025-01-06T07:00:00.000Z']);
    expect(await runs(replicaA, '2025-01-07T07:00:00Z')).toHaveLength(fromA.length);
    expect(await runs(replicaB, '2025-01-07T07:00:00Z')).toHaveLength(fromB.length);
  });

  it('skips a tick while the previous run goes on, renewing the lease meanwhile', async () => {
    subscriptions = [subscription('test:berlin', '08:00', 'Europe/Berlin')];
    const { logger, records } = capturingLogger();
    const gate = Promise.withResolvers<DeliveryReport>();
    const slow = scheduler(() => gate.promise, { leaseTtlMs: 600, logger });
    const other = recordingDeliver();
    const standby = scheduler(other.deliver, { holder: 'replica-b', leaseTtlMs: 600 });

    const first = slow.tick(at('2025-01-06T07:00:00Z'));
    await sleep(400);
    expect(await runs(slow, '2025-01-06T07:01:00Z')).toEqual([]);
    await sleep(400);
    // 800 ms after the lease was taken, but 400 ms after the skipped tick renewed it: still held.
    expect(await runs(standby, '2025-01-06T07:02:00Z')).toEqual([]);
    gate.resolve({ failed: [] });

    expect((await first).map(describeRun)).toEqual(['test:berlin 2025-01-06T07:00:00.000Z']);
    expect(records.filter((record) => record.msg?.toString().includes('still going'))).toHaveLength(1);
    expect(other.batches).toEqual([]);
  });

  it('lets another replica take over once the leader stops renewing, catching up what came due', async () => {
    subscriptions = [
      subscription('test:berlin', '08:00', 'Europe/Berlin', '2025-01-06T00:00:00.000Z'),
      subscription('test:new-york', '08:00', 'America/New_York', '2025-01-06T00:00:00.000Z'),
    ];
    const { logger, records } = capturingLogger();
    const leader = scheduler(recordingDeliver().deliver, { leaseTtlMs: 150, logger });
    const standby = scheduler(recordingDeliver().deliver, { holder: 'replica-b', leaseTtlMs: 150 });

    expect(await runs(leader, '2025-01-06T07:00:00Z')).toEqual(['test:berlin 2025-01-06T07:00:00.000Z']);
    expect(await runs(standby, '2025-01-06T07:01:00Z')).toEqual([]);
    // The leader dies without releasing its lease (it just stops ticking).
    await sleep(200);
    expect(await runs(standby, '2025-01-06T14:00:00Z')).toEqual(['test:new-york 2025-01-06T13:00:00.000Z']);
    expect(await runs(leader, '2025-01-06T14:01:00Z')).toEqual([]);
    expect(records.map((record) => record.msg)).toContain('another replica took over the schedule');
  });

  it('keeps a late mark from an old leader from moving a target’s last run backwards', async () => {
    subscriptions = [subscription('test:berlin', '08:00', 'Europe/Berlin')];
    const gate = Promise.withResolvers<DeliveryReport>();
    const oldLeader = scheduler(() => gate.promise, { leaseTtlMs: 100 });
    const newLeader = scheduler(recordingDeliver().deliver, { holder: 'replica-b', leaseTtlMs: 100 });

    // The old leader hangs in Monday's run past its lease; the new one runs Monday again, then Tuesday.
    const hung = oldLeader.tick(at('2025-01-06T07:00:00Z'));
    await sleep(150);
    expect(await runs(newLeader, '2025-01-06T07:30:00Z')).toEqual(['test:berlin 2025-01-06T07:00:00.000Z']);
    expect(await runs(newLeader, '2025-01-07T07:00:00Z')).toEqual(['test:berlin 2025-01-07T07:00:00.000Z']);
    gate.resolve({ failed: [] });
    await hung;

    // Monday's late mark did not replace Tuesday's: nothing is due on Tuesday any more.
    expect(await runs(newLeader, '2025-01-07T07:01:00Z')).toEqual([]);
  });
});

describe('Scheduler: start and stop', () => {
  it('ticks at start (catch-up) and then at the start of every minute through node-cron', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(at('2025-01-06T06:58:30Z'));
    subscriptions = [
      subscription('test:overdue', '07:00', 'Europe/Berlin'),
      subscription('test:berlin', '08:00', 'Europe/Berlin', '2025-01-06T00:00:00.000Z'),
    ];
    const { batches, deliver } = recordingDeliver();
    const target = new Scheduler({
      subscriptions: async () => subscriptions,
      deliver,
      store,
      leases: new LeaseRepository(store),
      holder: 'replica-a',
    });

    target.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(batches.map((batch) => batch.map(describeRun))).toEqual([
      ['test:overdue 2025-01-06T06:00:00.000Z'],
    ]);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(batches.map((batch) => batch.map(describeRun))).toEqual([
      ['test:overdue 2025-01-06T06:00:00.000Z'],
      ['test:berlin 2025-01-06T07:00:00.000Z'],
    ]);
    await target.stop();
    await vi.advanceTimersByTimeAsync(24 * 60 * 60_000);
    expect(batches).toHaveLength(2);
  });

  it('stop() waits for the run in flight, then releases the lease for another replica at once', async () => {
    subscriptions = [subscription('test:berlin', '08:00', 'Europe/Berlin')];
    const gate = Promise.withResolvers<DeliveryReport>();
    const leader = scheduler(() => gate.promise);
    const standby = scheduler(recordingDeliver().deliver, { holder: 'replica-b' });

    const inFlight = leader.tick(at('2025-01-06T07:00:00Z'));
    await sleep(10);
    let stopped = false;
    const stopping = leader.stop().then(() => {
      stopped = true;
    });
    await sleep(20);
    expect(stopped).toBe(false);
    gate.resolve({ failed: [] });
    await stopping;
    expect((await inFlight).map(describeRun)).toEqual(['test:berlin 2025-01-06T07:00:00.000Z']);

    // The lease (90 s by default) was released: the standby leads at once, and finds Monday's run done.
    expect(await runs(standby, '2025-01-06T07:01:00Z')).toEqual([]);
    expect(await runs(standby, '2025-01-07T07:00:00Z')).toEqual(['test:berlin 2025-01-07T07:00:00.000Z']);
    expect(await runs(leader, '2025-01-08T07:00:00Z')).toEqual([]);
  });
});
