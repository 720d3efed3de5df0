import { afterEach, expect, it } from 'vitest';
import type { Paper } from '../../../src/arxiv/paper.ts';
import { ListingService } from '../../../src/bot/listing.ts';
import { validateConfig } from '../../../src/config/load.ts';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { createEngine } from '../../../src/engine.ts';
import { createLogger } from '../../../src/log.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import { PaperRepository } from '../../../src/store/repositories/papers.ts';
import { makePaper } from '../../support/papers.ts';
import { describeWithServer, type ServerKind } from '../../support/servers.ts';

/* The recent-paper search index stored by one process and read back by another on Redis and PostgreSQL. */

function service(store: Store) {
  const { config } = validateConfig({ ai_summary: { enabled: false } });
  if (!config) throw new Error('config');
  const messages: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => messages.push(JSON.parse(line).msg) },
  });
  const papers = new PaperRepository(store, 30, logger);
  return {
    papers,
    messages,
    listings: new ListingService({
      engine: createEngine({ config, store, env: {} }),
      papers,
      days: 30,
      logger,
    }),
  };
}

const DAY: Paper[] = Array.from({ length: 300 }, (_, k) =>
  makePaper(`2602.${String(k).padStart(5, '0')}`, {
    title: k % 3 === 0 ? `Graph neural networks ${k}` : `Quantum matter ${k}`,
    abstract: `A study number ${k} of large language models and graphs.`,
  }),
);

for (const kind of ['redis', 'postgres'] as const satisfies readonly ServerKind[]) {
  describeWithServer(kind, `the recent-paper index on the ${kind} store`, (server) => {
    const opened: Store[] = [];
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    it('is stored by one process and read back by the next, with the same results', async () => {
      const first = await openStore(server().url);
      const second = await openStore(server().url);
      opened.push(first, second);
      for (const name of ['papers', 'announcements', 'day-indexes']) await first.namespace(name).clear();

      const writer = service(first);
      await writer.papers.addAnnouncement('2026-02-09', DAY);
      await writer.listings.loadRecent();
      expect(writer.messages).toContain('day index rebuilt from the stored papers');
      const query = parseKeywordQuery('graph neural network, "large language models"');
      const before = (await writer.listings.searchRecent(query, 20)).map((paper) => paper.id);
      expect(before).toHaveLength(20);

      const reader = service(second);
      expect(await reader.listings.loadRecent()).toBe(300);
      expect(reader.messages).toContain('day index read from the store');
      expect(reader.messages).not.toContain('day index rebuilt from the stored papers');
      expect((await reader.listings.searchRecent(query, 20)).map((paper) => paper.id)).toEqual(before);
    });
  });
}
