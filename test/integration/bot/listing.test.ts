import { describe, expect, it } from 'vitest';
import { ListingService } from '../../../src/bot/listing.ts';
import { validateConfig } from '../../../src/config/load.ts';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { createEngine } from '../../../src/engine.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import { PaperRepository } from '../../../src/store/repositories/papers.ts';
import { makePaper } from '../../support/papers.ts';

async function service(days: number) {
  const { config } = validateConfig({ ai_summary: { enabled: false } });
  if (!config) throw new Error('config');
  const store = await openStore('sqlite://:memory:');
  const papers = new PaperRepository(store, 90, silentLogger);
  return {
    store,
    papers,
    listings: new ListingService({
      engine: createEngine({ config, store, env: {} }),
      papers,
      days,
      logger: silentLogger,
    }),
  };
}

describe('the recent-paper search', () => {
  it('finds papers of every kept announcement, each once, best first, after a restart', async () => {
    const { store, papers, listings } = await service(30);
    await papers.addAnnouncement('2026-02-02', [
      makePaper('2602.00001', { title: 'Graph networks for proteins' }),
      makePaper('2602.00002', { title: 'Quantum dots' }),
    ]);
    await papers.addAnnouncement('2026-02-03', [
      makePaper('2602.00001', { title: 'Graph networks for proteins', version: 2 }),
      makePaper('2602.00003', { title: 'Graph graph', abstract: 'A graph study.' }),
    ]);
    expect(await listings.loadRecent()).toBe(3);
    const found = await listings.searchRecent(parseKeywordQuery('graph'), 10);
    expect(found.map((paper) => [paper.id, paper.version])).toEqual([
      ['2602.00003', 1],
      ['2602.00001', 2],
    ]);
    await store.close();
  });

  it('keeps only the announcements within the kept days of the newest', async () => {
    const { store, papers, listings } = await service(5);
    await papers.addAnnouncement('2026-01-01', [makePaper('2601.00001', { title: 'Old graph' })]);
    await papers.addAnnouncement('2026-02-03', [makePaper('2602.00009', { title: 'New graph' })]);
    await listings.loadRecent();
    const found = await listings.searchRecent(parseKeywordQuery('graph'), 10);
    expect(found.map((paper) => paper.id)).toEqual(['2602.00009']);
    await store.close();
  });
});
