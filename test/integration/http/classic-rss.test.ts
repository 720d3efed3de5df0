import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import type { Paper } from '../../../src/arxiv/paper.ts';
import { buildDigest } from '../../../src/digest/digest.ts';
import { ListingIndex } from '../../../src/digest/listing-index.ts';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { type ClassicFeedOptions, classicFeedOptions } from '../../../src/http/classic-feed.ts';
import { addDays } from '../../../src/schedule/calendar.ts';
import { PaperRepository } from '../../../src/store/repositories/papers.ts';
import type { PaperSummary } from '../../../src/summarize/types.ts';
import { TEST_CHANNEL } from '../../fakes/memory-adapter.ts';
import { makePaper } from '../../support/papers.ts';
import { type HttpWorld, PUBLIC_URL, recordDelivery, request, startWorld } from './harness.ts';

/*
 * The classic RSS service's URLs: GET /rss (the config's top-level keywords and categories) and
 * GET /rss/<category>, made from the index of recent papers, when config rss.public is true.
 */

const TODAY = '2026-02-05';
const NOW = new Date(`${TODAY}T12:00:00Z`);

let world: HttpWorld | null = null;
const url = (path: string) => `${(world as HttpWorld).server.url}${path}`;

afterEach(async () => {
  await world?.close();
  world = null;
});

interface Item {
  title: string;
  link: string;
  pubDate: string;
  description: string;
  category: string[];
}

const parse = (xml: string) =>
  new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    htmlEntities: true,
    isArray: (name) => name === 'item' || name === 'category',
  }).parse(xml) as {
    rss: { channel: { title: string; 'atom:link'?: { '@_href': string }; item?: Item[] } };
  };

/** Papers announced `daysAgo` days before TODAY, in cs.LG unless given, matching the config's keywords. */
function day(
  daysAgo: number,
  count: number,
  fields: Partial<Paper> = {},
): { announced: string; papers: Paper[] } {
  const announced = addDays(TODAY, -daysAgo);
  const papers = Array.from({ length: count }, (_, i) => {
    const id = `2601.${String(daysAgo * 100 + i).padStart(5, '0')}`;
    return makePaper(id, {
      title: `Distributed training study ${daysAgo}-${i}`,
      abstract: 'We look at distributed training.',
      categories: ['cs.LG'],
      announced,
      ...fields,
    });
  });
  return { announced, papers };
}

async function start(options: { public: boolean; days?: Array<{ announced: string; papers: Paper[] }> }) {
  let papers: PaperRepository | null = null;
  world = await startWorld(
    mkdtempSync(join(tmpdir(), 'arxiv-digest-rss-')),
    {},
    ({ store, config, logger }) => {
      papers = new PaperRepository(store, 90, logger);
      const classic = classicFeedOptions({ ...config, rss: { public: options.public } }, store, logger);
      return { classicFeeds: classic ? { ...classic, papers, now: () => NOW, cacheMs: 0 } : null };
    },
  );
  for (const entry of options.days ?? [])
    await (papers as unknown as PaperRepository).addAnnouncement(entry.announced, entry.papers);
  return world;
}

describe('GET /rss and /rss/<category>', () => {
  it('are not there unless rss.public is true: the same 404 as any unknown path', async () => {
    await start({ public: false, days: [day(1, 2)] });
    for (const path of ['/rss', '/rss/cs.LG']) {
      const answer = await request(url(path));
      expect(answer.status, path).toBe(404);
      expect(answer.body).toBe('Not found.\n');
    }
  });

  it("serve the config's subscription from the recent papers, newest first, the last 30 days, at most 100", async () => {
    await start({
      public: true,
      days: [
        day(40, 3),
        day(29, 40),
        day(10, 40),
        day(2, 30),
        day(1, 2, { title: 'Unrelated', abstract: 'Nothing.' }),
      ],
    });
    const answer = await request(url('/rss'));
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    const { channel } = parse(answer.body).rss;
    const items = channel.item ?? [];
    expect(items).toHaveLength(100);
    const days = items.map((item) => item.title.replace(/^Distributed training study (\d+)-\d+$/, '$1'));
    // Newest announcement first: all 30 of two days ago, all 40 of ten days ago, then 30 of 29 days ago.
    expect(days.slice(0, 30).every((d) => d === '2')).toBe(true);
    expect(days.slice(30, 70).every((d) => d === '10')).toBe(true);
    expect(days.slice(70).every((d) => d === '29')).toBe(true);
    expect(days).not.toContain('40');
    expect(items.map((item) => item.title)).not.toContain('Unrelated');
    expect(channel['atom:link']?.['@_href']).toBe(`${PUBLIC_URL}/rss`);
  });

  it('serves one category, in any case, and 404 for what is not an arXiv category', async () => {
    await start({
      public: true,
      days: [day(3, 2), day(2, 2, { categories: ['cs.CL', 'cs.LG'] }), day(1, 2, { categories: ['cs.CL'] })],
    });
    const cl = parse((await request(url('/rss/cs.CL'))).body).rss.channel;
    // Newest announcement first; within one, by rank (here all score alike: the newer id first).
    expect((cl.item ?? []).map((item) => item.title)).toEqual([
      'Distributed training study 1-1',
      'Distributed training study 1-0',
      'Distributed training study 2-1',
      'Distributed training study 2-0',
    ]);
    expect(cl.title).toBe('arXiv cs.CL Papers');
    expect(cl['atom:link']?.['@_href']).toBe(`${PUBLIC_URL}/rss/cs.CL`);
    const lower = parse((await request(url('/rss/cs.cl'))).body).rss.channel;
    expect(lower.item).toHaveLength(4);
    expect((await request(url('/rss/cs.XX'))).status).toBe(404);
    expect((await request(url('/rss/cs.CL/more'))).status).toBe(404);
  });

  it('carries the summaries made for delivered digests, and the announcement as pubDate', async () => {
    const recent = day(1, 2);
    await start({ public: true, days: [recent] });
    const [first] = recent.papers as [Paper];
    const summary: PaperSummary = {
      paperId: first.id,
      version: 1,
      tldr: 'Training is distributed well.',
      body: '## Results\n- Twice as fast',
      source: 'model',
      model: 'test-model',
      language: 'en',
    };
    const digest = buildDigest({
      listing: new ListingIndex(recent.papers),
      query: parseKeywordQuery('distributed training'),
      categories: [],
      summaries: new Map([[first.id, summary]]),
      now: NOW,
    });
    await recordDelivery(world as HttpWorld, TEST_CHANNEL, digest);

    const items = parse((await request(url('/rss'))).body).rss.channel.item ?? [];
    const withSummary = items.find((item) => item.link.endsWith(first.id));
    expect(withSummary?.description).toContain('<strong>TL;DR:</strong> Training is distributed well.');
    expect(withSummary?.description).toContain('<li>Twice as fast</li>');
    expect(items.find((item) => !item.link.endsWith(first.id))?.description).not.toContain('TL;DR');
    expect(withSummary?.pubDate).toBe('Wed, 04 Feb 2026 01:00:00 GMT');
  });

  it('answers 304 to a reader whose copy is current', async () => {
    await start({ public: true, days: [day(1, 2)] });
    const first = await request(url('/rss'));
    const again = await request(url('/rss'), { headers: { 'if-none-match': first.headers.etag as string } });
    expect(again.status).toBe(304);
  });
});

describe('classicFeedOptions', () => {
  it("is null unless rss.public is true, and takes the config's top-level subscription", async () => {
    world = await startWorld(mkdtempSync(join(tmpdir(), 'arxiv-digest-rss-')));
    const { store, config } = world;
    expect(classicFeedOptions(config, store)).toBeNull();
    const options = classicFeedOptions({ ...config, rss: { public: true } }, store) as ClassicFeedOptions;
    expect(options.categories).toEqual(['cs.CL', 'cs.LG']);
    expect(options.query.terms.map((term) => term.text)).toEqual([
      'mixture of experts',
      'distributed training',
      'translation',
    ]);
  });
});
