import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { VoteRepository } from '../../../src/store/repositories/votes.ts';
import { describeWithServer, type ServerKind } from '../../support/servers.ts';

/*
 * The vote repository on every backend: the embedded SQLite store, and Redis and PostgreSQL with two Stores
 * on one server standing for two replicas.
 */

const CHANNEL = 'slack:T1:C1';
const OTHER = 'slack:T1:C2';
const ADA = 'slack:T1:@UADA';
const BOB = 'slack:T1:@UBOB';
const T0 = new Date('2026-02-10T09:00:00.000Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function vote(user: string, kind: 'like' | 'dislike', at: Date, paperId = '2602.01002', target = CHANNEL) {
  return {
    target,
    paperId,
    version: 1,
    user,
    kind,
    title: `Paper ${paperId}`,
    abstract: `On ${paperId}.`,
    at,
  } as const;
}

function votesOn(open: () => Promise<[Store, Store]>) {
  it('keeps one vote per user, paper and target however often the user clicks', async () => {
    const [store] = await open();
    const votes = new VoteRepository(store, silentLogger);
    expect(await votes.add(vote(ADA, 'like', T0))).toMatchObject({ changed: true, vote: { kind: 'like' } });
    expect(await votes.add(vote(ADA, 'like', later(1)))).toMatchObject({ changed: false });
    await votes.add(vote(BOB, 'like', later(2)));
    await votes.add(vote(ADA, 'like', later(3), '2602.01002', OTHER));
    const here = await votes.inTarget(CHANNEL);
    expect(here.map((found) => [found.user, found.kind, found.at.toISOString()]).sort()).toEqual([
      [ADA, 'like', T0.toISOString()],
      [BOB, 'like', later(2).toISOString()],
    ]);
    expect(here[0]).toMatchObject({
      paperId: '2602.01002',
      version: 1,
      title: 'Paper 2602.01002',
      abstract: 'On 2602.01002.',
    });
    expect(await votes.byUser(ADA)).toHaveLength(2);
  });

  it('counts the newer of a like and a dislike, and removing one leaves the other', async () => {
    const [store] = await open();
    const votes = new VoteRepository(store, silentLogger);
    await votes.add(vote(ADA, 'like', T0));
    await votes.add(vote(ADA, 'dislike', later(1)));
    expect((await votes.get(CHANNEL, '2602.01002', ADA))?.kind).toBe('dislike');
    // The 👍 taken off while the 👎 stays: still a dislike.
    expect(
      await votes.remove({ target: CHANNEL, paperId: '2602.01002', user: ADA, kind: 'like' }),
    ).toMatchObject({
      changed: true,
      vote: { kind: 'dislike' },
    });
    expect(
      await votes.remove({ target: CHANNEL, paperId: '2602.01002', user: ADA, kind: 'like' }),
    ).toMatchObject({
      changed: false,
    });
    await votes.add(vote(ADA, 'like', later(2)));
    // The 👎 taken off while the 👍 is on: a like again, from when the 👍 was put on.
    await votes.remove({ target: CHANNEL, paperId: '2602.01002', user: ADA, kind: 'dislike' });
    expect(await votes.get(CHANNEL, '2602.01002', ADA)).toMatchObject({ kind: 'like', at: later(2) });
    expect(await votes.remove({ target: CHANNEL, paperId: '2602.01002', user: ADA, kind: 'like' })).toEqual({
      changed: true,
      vote: null,
    });
    expect(await votes.get(CHANNEL, '2602.01002', ADA)).toBeUndefined();
    expect(await votes.inTarget(CHANNEL)).toEqual([]);
  });

  it('lists a target’s votes since a time, a user’s anywhere, and a profile’s oldest first', async () => {
    const [store] = await open();
    const votes = new VoteRepository(store, silentLogger);
    await votes.add(vote(ADA, 'like', T0, '2602.00001'));
    await votes.add(vote(BOB, 'dislike', later(10), '2602.00002'));
    await votes.add({
      ...vote(BOB, 'like', later(5), 'hep-th/9504118'),
      version: null,
      title: null,
      abstract: null,
    });
    await votes.add(vote(ADA, 'like', later(20), '2602.00003', ADA));
    expect((await votes.inTarget(CHANNEL, later(5))).map((found) => found.paperId).sort()).toEqual([
      '2602.00002',
      'hep-th/9504118',
    ]);
    expect((await votes.byUser(ADA)).map((found) => found.target).sort()).toEqual([CHANNEL, ADA].sort());
    const paper = (id: string) => ({ title: `Paper ${id}`, abstract: `On ${id}.` });
    expect(await votes.forProfile(CHANNEL)).toEqual([
      { paperId: '2602.00001', version: 1, ...paper('2602.00001'), kind: 'like', at: T0 },
      { paperId: 'hep-th/9504118', kind: 'like', at: later(5) },
      { paperId: '2602.00002', version: 1, ...paper('2602.00002'), kind: 'dislike', at: later(10) },
    ]);
  });

  it('fills in a title and abstract that a first click could not look up, and changes nothing else', async () => {
    const [store] = await open();
    const votes = new VoteRepository(store, silentLogger);
    await votes.add({ ...vote(ADA, 'like', T0), title: null, abstract: null });
    expect(await votes.add(vote(ADA, 'like', later(1)))).toMatchObject({
      changed: true,
      vote: { title: 'Paper 2602.01002', abstract: 'On 2602.01002.', at: T0 },
    });
    expect(await votes.add({ ...vote(ADA, 'like', later(2)), title: 'Another' })).toMatchObject({
      changed: false,
      vote: { title: 'Paper 2602.01002' },
    });
  });

  it('loses no click when many land on one vote at once, from two replicas', async () => {
    const [first, second] = await open();
    const a = new VoteRepository(first, silentLogger);
    const b = new VoteRepository(second, silentLogger);
    await Promise.all([
      a.add(vote(ADA, 'like', T0)),
      b.add(vote(ADA, 'dislike', later(1))),
      ...Array.from({ length: 8 }, (_, index) => (index % 2 ? a : b).add(vote(ADA, 'like', T0))),
    ]);
    const stored = await a.get(CHANNEL, '2602.01002', ADA);
    expect(stored?.kind).toBe('dislike');
    await b.remove({ target: CHANNEL, paperId: '2602.01002', user: ADA, kind: 'dislike' });
    expect((await a.get(CHANNEL, '2602.01002', ADA))?.kind).toBe('like');
  });

  it('keeps a vote only as long as it is told (a year by default)', async () => {
    const [store] = await open();
    const votes = new VoteRepository(store, silentLogger, { keepMs: 150 });
    await votes.add(vote(ADA, 'like', T0));
    expect(await votes.inTarget(CHANNEL)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await votes.inTarget(CHANNEL)).toEqual([]);
  });
}

describe('votes on the SQLite store', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore('sqlite://:memory:');
  });
  afterEach(async () => {
    await store.close();
  });
  votesOn(async () => [store, store]);
});

for (const kind of ['redis', 'postgres'] as const satisfies readonly ServerKind[]) {
  describeWithServer(kind, `votes on the ${kind} store`, (server) => {
    const opened: Store[] = [];
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });
    votesOn(async () => {
      const first = await openStore(server().url);
      const second = await openStore(server().url);
      opened.push(first, second);
      await first.namespace('votes').clear();
      return [first, second];
    });
  });
}
