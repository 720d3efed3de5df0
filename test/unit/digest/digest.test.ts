import { describe, expect, it } from 'vitest';
import { attachSummaries, buildDigest } from '../../../src/digest/digest.ts';
import { ListingIndex } from '../../../src/digest/listing-index.ts';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { createLogger } from '../../../src/log.ts';
import type { PaperSummary } from '../../../src/summarize/types.ts';
import { fixturePapers, makePaper } from './papers.ts';

const papers = fixturePapers('scoring.rss.xml');
const query = parseKeywordQuery('LLM, agents, -survey');

function summaryOf(paperId: string, version: number | null): PaperSummary {
  return { paperId, version, tldr: 'Short.', body: null, source: 'model', model: 'm', language: 'en' };
}

describe('buildDigest', () => {
  it('ranks the listing for the target and records what it considered', () => {
    const listing = new ListingIndex(papers);
    const digest = buildDigest({
      listing,
      query,
      categories: ['cs.LG', 'stat'],
      maxPapers: 5,
      target: 'discord:G1/C9',
      now: new Date('2024-11-28T06:00:00+01:00'),
    });
    expect(digest).toEqual({
      title: 'arXiv digest',
      target: 'discord:G1/C9',
      announced: '2024-11-28',
      generatedAt: '2024-11-28T05:00:00.000Z',
      categories: ['cs.LG', 'stat'],
      query,
      // 2411.00011 (cs.LG), 2411.00017 (cs.LG, stat.ML)
      listed: 2,
      papers: listing.rank(query, { maxPapers: 5, categories: ['cs.LG', 'stat'] }),
    });
    expect(digest.papers.map((r) => r.paper.id)).toEqual(['2411.00017', '2411.00011']);
  });

  it('takes every paper when no category is given, and honours the limits', () => {
    const digest = buildDigest({ listing: new ListingIndex(papers), query, categories: [], minScore: 2.5 });
    expect(digest.listed).toBe(papers.length);
    expect(digest.papers.every((r) => r.score >= 2.5)).toBe(true);
    expect(digest.papers.length).toBeGreaterThan(0);
    expect(Date.parse(digest.generatedAt)).not.toBeNaN();
  });

  it('uses the newest announcement date of the listing unless told', () => {
    const listing = new ListingIndex([
      makePaper({ id: '2411.00001', title: 'LLM', announced: '2024-11-27' }),
      makePaper({ id: '2411.00002', title: 'LLM', announced: '2024-11-28' }),
      makePaper({ id: '2411.00003', title: 'LLM', announced: null }),
    ]);
    expect(buildDigest({ listing, query, categories: [] }).announced).toBe('2024-11-28');
    expect(buildDigest({ listing, query, categories: [], announced: null }).announced).toBeNull();
    expect(new ListingIndex([makePaper({ id: '2411.00001', announced: null })]).announced).toBeNull();
  });

  it('attaches the summaries it is given', () => {
    const digest = buildDigest({
      listing: new ListingIndex(papers),
      query,
      categories: [],
      summaries: new Map([['2411.00010', summaryOf('2411.00010', 1)]]),
    });
    expect(digest.papers.find((r) => r.paper.id === '2411.00010')?.summary?.tldr).toBe('Short.');
    expect(digest.papers.filter((r) => r.summary !== null)).toHaveLength(1);
  });
  it('logs the indexing and the digest at debug level to the logger it is given', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: { write: (line: string) => lines.push(JSON.parse(line)) },
    });
    const listing = new ListingIndex(papers, { logger });
    buildDigest({ listing, query, categories: ['cs.AI'], target: 'shell', logger });
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'listing indexed',
        papers: 10,
        mode: 'word',
        vocabulary: expect.any(Number),
      }),
      expect.objectContaining({
        msg: 'digest built',
        target: 'shell',
        announced: '2024-11-28',
        listed: 6,
        papers: 5,
      }),
    ]);
  });
});

describe('attachSummaries', () => {
  const digest = buildDigest({ listing: new ListingIndex(papers), query, categories: [] });

  it('returns a new digest with each summary on its paper, leaving the input as it was', () => {
    const withSummaries = attachSummaries(
      digest,
      new Map([
        ['2411.00009', summaryOf('2411.00009', 1)],
        ['2411.00015', summaryOf('2411.00015', null)],
        ['9999.99999', summaryOf('9999.99999', 1)],
      ]),
    );
    expect(withSummaries.papers.filter((r) => r.summary).map((r) => r.paper.id)).toEqual([
      '2411.00009',
      '2411.00015',
    ]);
    expect(digest.papers.every((r) => r.summary === null)).toBe(true);
    expect(withSummaries.papers.map((r) => r.paper.id)).toEqual(digest.papers.map((r) => r.paper.id));
  });

  it('leaves out a summary of another version of the paper', () => {
    const withSummaries = attachSummaries(digest, new Map([['2411.00009', summaryOf('2411.00009', 2)]]));
    expect(withSummaries.papers.every((r) => r.summary === null)).toBe(true);
  });
});
