import { describe, expect, it } from 'vitest';
import { type ListingFeed, parseFeed } from '../../../src/arxiv/feed.ts';
import { announcementDate, splitCreators } from '../../../src/arxiv/rss.ts';
import { ExternalError } from '../../../src/errors.ts';
import { arxivFixture, thrownBy } from './helpers.ts';

function listing(xml: string | Uint8Array): ListingFeed {
  const feed = parseFeed(xml);
  if (feed.kind !== 'listing') throw new Error(`expected a listing, got ${feed.kind}`);
  return feed;
}

describe('RSS listings of rss.arxiv.org', () => {
  const feed = listing(arxivFixture('listing.rss.xml'));

  it('reads the channel: title, announcement date and skip days', () => {
    expect(feed.title).toBe('cs.CL, cs.LG updates on arXiv.org');
    expect(feed.announced).toBe('2026-02-04');
    expect(feed.skipDays).toEqual(['Saturday', 'Sunday']);
  });

  it('reads every field of a new paper', () => {
    expect(feed.papers[0]).toEqual({
      id: '2602.01001',
      version: 1,
      title: 'Sparse Mixture-of-Experts Routing for Long-Context Language Models',
      authors: ['Ada Lovelace', 'Alan M. Turing', 'Grace Hopper'],
      abstract:
        'We study routing in sparse mixture-of-experts models when the context grows beyond 128k tokens. ' +
        'Load imbalance grows with length; we propose a length-aware router & show that it keeps experts busy ' +
        '(p < 0.01). Code is released.',
      categories: ['cs.CL', 'cs.LG'],
      primaryCategory: 'cs.CL',
      announceType: 'new',
      published: null,
      updated: null,
      announced: '2026-02-04',
      absUrl: 'https://arxiv.org/abs/2602.01001',
      pdfUrl: 'https://arxiv.org/pdf/2602.01001v1',
      doi: null,
      journalRef: null,
      comment: null,
    });
  });

  it('keeps a multi-line abstract whole, paragraphs included, with whitespace normalized', () => {
    const abstract = feed.papers[0]?.abstract ?? '';
    expect(abstract).toMatch(/^We study routing/);
    expect(abstract).toMatch(/Code is released\.$/);
    expect(abstract).not.toMatch(/\s{2}|\n/);
  });

  it('reads versions, DOI and journal reference of a replacement', () => {
    const paper = feed.papers.find((p) => p.id === '2501.09999');
    expect(paper).toMatchObject({
      version: 3,
      announceType: 'replace',
      doi: '10.1234/example.2026.001',
      journalRef: 'Journal of Examples 12, 345 (2026)',
      pdfUrl: 'https://arxiv.org/pdf/2501.09999v3',
    });
  });

  it('reads every announce type', () => {
    expect(feed.papers.map((p) => [p.id, p.announceType])).toEqual([
      ['2602.01001', 'new'],
      ['2602.01002', 'cross'],
      ['2602.01003', 'new'],
      ['2501.09999', 'replace'],
      ['2410.05555', 'replace-cross'],
    ]);
  });

  it('merges a paper listed as cross under one category and new under another: one paper, new, all categories', () => {
    const merged = feed.papers.filter((p) => p.id === '2602.01003');
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      announceType: 'new',
      primaryCategory: 'cs.CL',
      categories: ['cs.CL', 'cs.AI', 'cs.LG', 'stat.ML'],
    });
  });

  it('reads bytes and strings alike', () => {
    const bytes = new Uint8Array(arxivFixture('listing.rss.xml'));
    expect(listing(bytes)).toEqual(listing(arxivFixture('listing.rss.xml').toString('utf8')));
  });

  it('turns an error feed into ARXIV_FEED_ERROR carrying arXiv’s own description', () => {
    const error = thrownBy(() => parseFeed(arxivFixture('error-feed.rss.xml')));
    expect(error).toBeInstanceOf(ExternalError);
    expect(error).toMatchObject({ code: 'ARXIV_FEED_ERROR', retryable: false });
    expect((error as ExternalError).userMessage).toContain("Bad category 'cs.XY'");
  });

  it('rejects truncated XML as ARXIV_MALFORMED, using nothing of it', () => {
    const error = thrownBy(() => parseFeed(arxivFixture('truncated.rss.xml')));
    expect(error).toMatchObject({ code: 'ARXIV_MALFORMED' });
  });

  it('rejects an item that has no arXiv id anywhere', () => {
    const xml = arxivFixture('listing.rss.xml')
      .toString('utf8')
      .replace('arXiv:2602.01002v1 Announce Type: cross', 'Announce Type: cross')
      .replace('oai:arXiv.org:2602.01002v1', 'oai:arXiv.org:unknown')
      .replace('https://arxiv.org/abs/2602.01002', 'https://example.org/');
    expect(thrownBy(() => parseFeed(xml))).toMatchObject({ code: 'ARXIV_MALFORMED' });
  });

  it('rejects XML that is neither RSS nor Atom', () => {
    const error = thrownBy(() => parseFeed('<?xml version="1.0"?><html><body>Busy</body></html>'));
    expect(error).toMatchObject({ code: 'ARXIV_MALFORMED' });
    expect((error as Error).message).toContain('<html>');
  });
});

describe('splitCreators', () => {
  it('splits at commas outside parentheses and drops affiliations', () => {
    expect(splitCreators('A. One (Univ. X, City, Country), B. Two, C. Three Jr (Lab (Y), Z)')).toEqual([
      'A. One',
      'B. Two',
      'C. Three Jr',
    ]);
  });

  it('returns nothing for an empty creator', () => {
    expect(splitCreators('  ')).toEqual([]);
  });
});

describe('announcementDate', () => {
  it('is the calendar date in US Eastern time, whatever zone the feed writes', () => {
    expect(announcementDate('Thu, 28 Nov 2024 00:00:00 -0500')).toBe('2024-11-28');
    // 03:00 UTC on the 5th is still the evening of the 4th in New York.
    expect(announcementDate('Thu, 05 Feb 2026 03:00:00 +0000')).toBe('2026-02-04');
    // Summer time: 04:30 UTC is 00:30 EDT (UTC-4), already the 1st; standard time would still say the 30th.
    expect(announcementDate('Mon, 01 Jul 2024 04:30:00 GMT')).toBe('2024-07-01');
  });

  it('is null for a date it cannot read', () => {
    expect(announcementDate('someday')).toBeNull();
  });

  it('is null for text that is not an RFC 822 date, which Date.parse would still read (found by the fuzz, test/fuzz)', () => {
    // A garbled pubDate made a plausible announcement date: the year 202, 500, or 2001.
    for (const garbled of [
      'Wed, 04 Feb 202 6 00:00:00 -0500',
      'W -0500',
      '1',
      'x 12',
      '2026-02-04',
      'Wed, 04 Feb 0202 00:00:00 -0500',
    ])
      expect(announcementDate(garbled), garbled).toBeNull();
    expect(announcementDate('  Wed, 04 Feb 2026 00:00:00 -0500\n')).toBe('2026-02-04');
    expect(announcementDate('4 Feb 2026 05:00 GMT')).toBe('2026-02-04');
  });
});
