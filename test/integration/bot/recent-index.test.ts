import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Paper } from '../../../src/arxiv/paper.ts';
import { ListingService } from '../../../src/bot/listing.ts';
import { validateConfig } from '../../../src/config/load.ts';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { createEngine } from '../../../src/engine.ts';
import { createLogger } from '../../../src/log.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { PaperRepository } from '../../../src/store/repositories/papers.ts';
import { startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { botTestConfig } from '../../support/bot-config.ts';
import { makePaper } from '../../support/papers.ts';

const opened: Store[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

/** A ListingService over the store, as the bot makes one at start, with its log lines collected. */
function service(store: Store, days = 30, match: 'word' | 'substring' = 'word') {
  const { config } = validateConfig({ ai_summary: { enabled: false }, match });
  if (!config) throw new Error('config');
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  const papers = new PaperRepository(store, 90, logger);
  const listings = new ListingService({
    engine: createEngine({ config, store, env: {} }),
    papers,
    days,
    logger,
  });
  const messages = (text: string) => lines.filter((line) => line.msg === text);
  return { papers, listings, lines, messages };
}

async function storeWith(days: Record<string, Paper[]>): Promise<Store> {
  const store = await openStore('sqlite://:memory:');
  opened.push(store);
  const papers = new PaperRepository(store, 90, createLogger({ level: 'silent' }));
  for (const [announced, listed] of Object.entries(days)) await papers.addAnnouncement(announced, listed);
  return store;
}

const ids = (found: Paper[]) => found.map((paper) => paper.id);

const DAYS = {
  '2026-02-02': [
    makePaper('2602.00001', { title: 'Graph networks for proteins', categories: ['q-bio.BM'] }),
    makePaper('2602.00002', { title: 'Quantum dots', abstract: 'Dots of the quantum kind.' }),
  ],
  '2026-02-03': [
    makePaper('2602.00003', { title: 'Graph graph', abstract: 'A graph study of large language models.' }),
    makePaper('2602.00004', { title: 'Language models', abstract: 'Large language models, again.' }),
  ],
};

describe('the recent-paper search index in the store', () => {
  it('is built and stored on the first start, read back on the next, with the same results', async () => {
    const store = await storeWith(DAYS);
    const first = service(store);
    expect(await first.listings.loadRecent()).toBe(4);
    expect(first.messages('day index rebuilt from the stored papers').map((line) => line.reason)).toEqual([
      'no stored index',
      'no stored index',
    ]);
    const queries = ['graph', 'large language model', '"models", -quantum', 'dots'];
    const before = await Promise.all(
      queries.map((q) => first.listings.searchRecent(parseKeywordQuery(q), 10)),
    );
    expect(ids(before[1] as Paper[])).toEqual(['2602.00004', '2602.00003']);

    const second = service(store);
    expect(await second.listings.loadRecent()).toBe(4);
    expect(second.messages('day index rebuilt from the stored papers')).toEqual([]);
    expect(second.messages('day index read from the store')).toHaveLength(2);
    const after = await Promise.all(
      queries.map((q) => second.listings.searchRecent(parseKeywordQuery(q), 10)),
    );
    expect(after).toEqual(before);
  });

  it('is rebuilt, and says why, when stored with other word rules or damaged', async () => {
    const store = await storeWith(DAYS);
    await service(store).listings.loadRecent();
    const raw = store.namespace<Record<string, unknown>>('day-indexes');
    const stale = await raw.get('2026-02-02');
    await raw.set('2026-02-02', { ...stale, rules: 'an older tokenizer' });
    const damaged = await raw.get('2026-02-03');
    await raw.set('2026-02-03', { ...damaged, positions: `${String(damaged?.positions).slice(0, -4)}AAA=` });

    const next = service(store);
    expect(await next.listings.loadRecent()).toBe(4);
    const rebuilt = next.messages('day index rebuilt from the stored papers');
    expect(rebuilt.map((line) => [line.announced, line.level])).toEqual([
      ['2026-02-03', 40],
      ['2026-02-02', 40],
    ]);
    expect(String(rebuilt[0]?.reason)).toContain('checksum');
    expect(String(rebuilt[1]?.reason)).toContain('word rules');
    expect(ids(await next.listings.searchRecent(parseKeywordQuery('graph'), 10))).toEqual([
      '2602.00003',
      '2602.00001',
    ]);
    // Stored again, so the start after that reads them.
    const third = service(store);
    await third.listings.loadRecent();
    expect(third.messages('day index rebuilt from the stored papers')).toEqual([]);
  });

  it('reads the papers it finds from the store', async () => {
    const store = await storeWith(DAYS);
    const { listings } = service(store);
    await listings.loadRecent();
    // The stored paper changes after the index was made (a field the index does not hold).
    const stored = store.namespace<{ schemaVersion: number; paper: Paper }>('papers');
    const record = await stored.get('2602.00002');
    if (!record) throw new Error('paper not stored');
    await stored.set('2602.00002', { ...record, paper: { ...record.paper, authors: ['Grace Hopper'] } });
    const [found] = await listings.searchRecent(parseKeywordQuery('quantum'), 10);
    expect(found?.authors).toEqual(['Grace Hopper']);
  });

  it('finds a paper listed on two days by its newest listing only', async () => {
    const store = await storeWith({
      '2026-02-02': [makePaper('2602.00001', { title: 'Graph networks' })],
      '2026-02-03': [makePaper('2602.00001', { title: 'Protein folding', version: 2 })],
    });
    const { listings } = service(store);
    expect(await listings.loadRecent()).toBe(1);
    expect(ids(await listings.searchRecent(parseKeywordQuery('graph'), 10))).toEqual([]);
    expect(ids(await listings.searchRecent(parseKeywordQuery('protein'), 10))).toEqual(['2602.00001']);
  });

  it('drops the days past the kept window and, with them, their words from the vocabulary', async () => {
    const old = Array.from({ length: 40 }, (_, k) =>
      makePaper(`2601.${String(k).padStart(5, '0')}`, {
        title: `Oldword${k} graph`,
        abstract: `Rare${k} terms.`,
      }),
    );
    const store = await storeWith({ '2026-01-01': old });
    const { papers, listings, messages } = service(store, 5);
    await listings.loadRecent();
    expect(await listings.searchRecent(parseKeywordQuery('graph'), 100)).toHaveLength(40);

    await papers.addAnnouncement('2026-02-03', [makePaper('2602.00009', { title: 'New graph' })]);
    await listings.loadRecent();
    expect(ids(await listings.searchRecent(parseKeywordQuery('graph'), 10))).toEqual(['2602.00009']);
    expect(ids(await listings.searchRecent(parseKeywordQuery('oldword7'), 10))).toEqual([]);
    // 85 words: the old day's 82 (40 + 40 of their own, graph, terms) and the new day's new, an, abstract.
    // The rebuilt vocabulary holds the kept day's 4 (new graph, an abstract).
    expect(messages('search vocabulary rebuilt without the dropped days’ words')).toEqual([
      expect.objectContaining({ before: 85, after: 4 }),
    ]);
  });

  it('does not read the days already outside the window of the newest', async () => {
    const store = await storeWith({
      '2026-01-01': [makePaper('2601.00001', { title: 'Old graph' })],
      '2026-02-03': [makePaper('2602.00009', { title: 'New graph' })],
    });
    const { listings, messages } = service(store, 5);
    await listings.loadRecent();
    expect(ids(await listings.searchRecent(parseKeywordQuery('graph'), 10))).toEqual(['2602.00009']);
    expect(messages('day index rebuilt from the stored papers').map((line) => line.announced)).toEqual([
      '2026-02-03',
    ]);
  });

  it("stores the index of a fetched listing with the day's papers fetched before for other categories", async () => {
    const arxiv = await startFakeArxiv({ recordings: false });
    arxiv.setListing(readFileSync(new URL('../../fixtures/arxiv/listing.rss.xml', import.meta.url)));
    try {
      const store = await storeWith({
        '2026-02-04': [
          makePaper('2602.09999', { title: 'Translation of galaxies', categories: ['astro-ph.GA'] }),
        ],
      });
      const config = botTestConfig(arxiv);
      const papers = new PaperRepository(store, 30, createLogger({ level: 'silent' }));
      const engine = createEngine({ config, store, env: {} });
      const listings = new ListingService({
        engine,
        papers,
        days: 30,
        logger: createLogger({ level: 'silent' }),
      });
      const current = await listings.latest(['cs.CL', 'cs.LG']);
      expect(current?.announced).toBe('2026-02-04');
      // Today's listing keeps its papers for digests; the search covers the day's other papers too.
      expect(current?.index.papers.some((paper) => paper.id === '2602.09999')).toBe(false);
      const found = ids(await listings.searchRecent(parseKeywordQuery('translation'), 10));
      expect(found).toContain('2602.09999');
      expect(found.length).toBeGreaterThan(1);

      const next = service(store);
      await next.listings.loadRecent();
      expect(next.messages('day index rebuilt from the stored papers')).toEqual([]);
      expect(ids(await next.listings.searchRecent(parseKeywordQuery('translation'), 10))).toEqual(found);
    } finally {
      await arxiv.close();
    }
  });

  it('searches in substring mode from the papers, storing no index', async () => {
    const store = await storeWith(DAYS);
    const { listings, lines } = service(store, 30, 'substring');
    expect(await listings.loadRecent()).toBe(4);
    // Plain substrings: "graph" inside "Graph", "dot" inside "Dots".
    expect(ids(await listings.searchRecent(parseKeywordQuery('graph'), 10))).toEqual([
      '2602.00003',
      '2602.00001',
    ]);
    expect(ids(await listings.searchRecent(parseKeywordQuery('dot'), 10))).toEqual(['2602.00002']);
    expect(await store.namespace('day-indexes').get('2026-02-02')).toBeUndefined();
    expect(lines.filter((line) => (line.level as number) >= 40)).toEqual([]);
  });
});
