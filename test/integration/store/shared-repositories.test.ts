import { afterEach, expect, it } from 'vitest';
import type { Paper } from '../../../src/arxiv/paper.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { LeaseRepository } from '../../../src/store/repositories/leases.ts';
import { MessageRepository } from '../../../src/store/repositories/messages.ts';
import { PaperRepository } from '../../../src/store/repositories/papers.ts';
import { type Subscription, SubscriptionRepository } from '../../../src/store/repositories/subscriptions.ts';
import { makePaper } from '../../support/papers.ts';
import { describeWithServer, type ServerKind } from '../../support/servers.ts';
import { makeSubscription } from '../../support/subscriptions.ts';

/*
 * The typed repositories, unchanged, over Redis and PostgreSQL, with two Stores on one server standing for
 * two replicas of the bot.
 */

function paper(index: number): Paper {
  return makePaper(`2602.${String(index).padStart(5, '0')}`);
}

function subscription(target: string): Subscription {
  return makeSubscription(target, {
    schedule: { time: '09:00', timeZone: 'Europe/Paris' },
    maxPapers: 10,
    minScore: 1,
    summaries: true,
    createdAt: '2026-02-09T00:00:00.000Z',
  });
}

for (const kind of ['redis', 'postgres'] as const satisfies readonly ServerKind[]) {
  describeWithServer(kind, `the repositories on the ${kind} store`, (server) => {
    const opened: Store[] = [];
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    /** Two replicas' stores, with the namespaces a previous test used emptied. */
    async function replicas(): Promise<[Store, Store]> {
      const first = await openStore(server().url);
      const second = await openStore(server().url);
      opened.push(first, second);
      for (const name of ['leases', 'papers', 'announcements', 'subscriptions', 'thread-summaries']) {
        await first.namespace(name).clear();
      }
      return [first, second];
    }

    it('hands a lease to one replica, renews it for its holder only, and to the other once it lapses', async () => {
      const [first, second] = await replicas();
      const a = new LeaseRepository(first);
      const b = new LeaseRepository(second);

      const held = await a.acquire('digest:slack:T1:C2', 'replica-a', 200);
      expect(held?.holder).toBe('replica-a');
      expect(await b.acquire('digest:slack:T1:C2', 'replica-b', 200)).toBeNull();
      const renewed = held && (await a.renew(held, 200));
      expect(renewed?.holder).toBe('replica-a');

      await new Promise((resolve) => setTimeout(resolve, 300));
      const taken = await b.acquire('digest:slack:T1:C2', 'replica-b', 60_000);
      expect(taken?.holder).toBe('replica-b');
      expect(renewed && (await a.renew(renewed, 200))).toBeNull();
      if (renewed) await a.release(renewed);
      expect(await a.acquire('digest:slack:T1:C2', 'replica-a', 200)).toBeNull();
      if (taken) await b.release(taken);
      expect((await a.acquire('digest:slack:T1:C2', 'replica-a', 200))?.holder).toBe('replica-a');
    });

    it('stores a day of papers in one write and reads them all back through iteration and batched reads', async () => {
      const [first, second] = await replicas();
      const papers = Array.from({ length: 1200 }, (_, index) => paper(index));
      await new PaperRepository(first, 30, silentLogger).addAnnouncement('2026-02-09', papers);

      const reader = new PaperRepository(second, 30, silentLogger);
      const [day, ...others] = await reader.recent();
      expect(others).toEqual([]);
      expect(day?.announced).toBe('2026-02-09');
      expect(day?.papers.map((found) => found.id).sort()).toEqual(papers.map((written) => written.id));
      expect(await reader.get('2602.00042')).toEqual(paper(42));
    });

    it('lists every subscription, whose target ids hold ":", from either replica', async () => {
      const [first, second] = await replicas();
      const writer = new SubscriptionRepository(first, silentLogger);
      const targets = ['slack:T1:C2', 'discord:G1:C2', 'shell:local'];
      for (const target of targets) await writer.put(subscription(target));
      await writer.delete('discord:G1:C2');

      const all = await new SubscriptionRepository(second, silentLogger).all();
      expect(all.map((found) => found.target).sort()).toEqual(['shell:local', 'slack:T1:C2']);
    });

    it('lets one replica claim a thread summary, and the claim be given back', async () => {
      const [first, second] = await replicas();
      const a = new MessageRepository(first, silentLogger);
      const b = new MessageRepository(second, silentLogger);
      expect(await a.claimSummary('slack:T1:C2', '1700000000.000100', '2602.06063')).toBe(true);
      expect(await b.claimSummary('slack:T1:C2', '1700000000.000100', '2602.06063')).toBe(false);
      await a.releaseSummary('slack:T1:C2', '1700000000.000100', '2602.06063');
      expect(await b.claimSummary('slack:T1:C2', '1700000000.000100', '2602.06063')).toBe(true);
    });
  });
}
