import { expect, it } from 'vitest';
import { type ListingFeed, parseFeed, type SearchFeed } from '../../../src/arxiv/feed.ts';
import {
  describeWithSharedFixtures,
  readArxivPyRecording,
  readSharedFixture,
} from '../../support/shared-fixtures.ts';
import { thrownBy } from './helpers.ts';

/* Conformance on real arXiv responses recorded by other projects (../shared/fixtures/arxiv, see SOURCES.md). */

function listing(xml: Buffer): ListingFeed {
  const feed = parseFeed(xml);
  if (feed.kind !== 'listing') throw new Error('expected a listing');
  return feed;
}

function search(xml: Buffer): SearchFeed {
  const feed = parseFeed(xml);
  if (feed.kind !== 'search') throw new Error('expected search results');
  return feed;
}

describeWithSharedFixtures('the real 1,504-item listing (rss.arxiv.org, 2024-11-28)', () => {
  const raw = readSharedFixture('arxiv/rss/aioarxiv_rss_mock_feed.xml');
  const feed = listing(raw);

  /** What each raw <item> says, read with plain regular expressions: an independent account to compare with. */
  const rawItems = (raw.toString('utf8').match(/<item>[\s\S]*?<\/item>/g) ?? []).map((item) => ({
    guid: /<guid[^>]*>oai:arXiv\.org:([^<]+)<\/guid>/.exec(item)?.[1],
    type: /<arxiv:announce_type>([^<]+)</.exec(item)?.[1],
    categories: [...item.matchAll(/<category>([^<]+)<\/category>/g)].map((match) => match[1]),
  }));

  it('parses to 1,504 papers: 926 new, 9 cross, 569 replace', () => {
    expect(feed.papers).toHaveLength(1504);
    const counts: Record<string, number> = {};
    for (const paper of feed.papers)
      counts[String(paper.announceType)] = (counts[String(paper.announceType)] ?? 0) + 1;
    expect(counts).toEqual({ new: 926, cross: 9, replace: 569 });
  });

  it('gets every id, version, announce type and category list right, in feed order', () => {
    expect(rawItems).toHaveLength(1504);
    expect(feed.papers.map((p) => `${p.id}v${p.version}`)).toEqual(rawItems.map((item) => item.guid));
    expect(feed.papers.map((p) => p.announceType)).toEqual(rawItems.map((item) => item.type));
    expect(feed.papers.map((p) => p.categories)).toEqual(rawItems.map((item) => item.categories));
    expect(feed.papers.every((p) => p.primaryCategory === p.categories[0])).toBe(true);
  });

  it('has the counts SOURCES.md gives: 849 multi-category, 111 DOIs, 97 journal references', () => {
    expect(feed.papers.filter((p) => p.categories.length > 1)).toHaveLength(849);
    expect(feed.papers.filter((p) => p.doi !== null)).toHaveLength(111);
    expect(feed.papers.filter((p) => p.journalRef !== null)).toHaveLength(97);
  });

  it('reads the channel and complete papers', () => {
    expect(feed.announced).toBe('2024-11-28');
    expect(feed.skipDays).toEqual(['Saturday', 'Sunday']);
    expect(
      feed.papers.every((p) => p.announced === '2024-11-28' && p.title !== '' && p.abstract !== ''),
    ).toBe(true);
    expect(feed.papers.every((p) => p.authors.length > 0)).toBe(true);
    expect(feed.papers.find((p) => p.id === '2202.06515')).toMatchObject({
      version: 3,
      announceType: 'cross',
      categories: ['astro-ph.CO', 'astro-ph.GA', 'physics.flu-dyn'],
      authors: ['Zhijie Xu'],
      doi: '10.1063/5.0236964',
      journalRef: 'Physics of Fluids 36, 117158 (2024)',
    });
    const last = feed.papers.at(-1);
    expect(last).toMatchObject({
      id: '2411.17697',
      version: 2,
      announceType: 'replace',
      categories: ['cs.CV', 'cs.AI'],
    });
    expect(last?.authors).toEqual([
      'Shuyuan Tu',
      'Zhen Xing',
      'Xintong Han',
      'Zhi-Qi Cheng',
      'Qi Dai',
      'Chong Luo',
      'Zuxuan Wu',
    ]);
  });

  it('drops the affiliations that dc:creator carries in parentheses', () => {
    const paper = feed.papers.find((p) => p.authors.includes('Aleteia Araujo'));
    expect(paper?.authors).toEqual([
      'Aleteia Araujo',
      'Breno Costa',
      'Joao Bachiega Jr',
      'Leonardo R. Carvalho',
      'Rajkumar Buyya',
    ]);
  });

  it('decodes escaped markup in abstracts', () => {
    const escapes = (raw.toString('utf8').match(/&lt;/g) ?? []).length;
    expect(escapes).toBeGreaterThan(0);
    expect(feed.papers.some((p) => p.abstract.includes('<'))).toBe(true);
    expect(feed.papers.some((p) => /&(lt|gt|amp);/.test(p.abstract + p.title))).toBe(false);
  });
});

describeWithSharedFixtures('the real empty and error listings', () => {
  it('reads an empty channel', () => {
    const feed = listing(readSharedFixture('arxiv/rss/aioarxiv_empty_rss_mock_feed.xml'));
    expect(feed).toEqual({
      kind: 'listing',
      title: 'test updates on arXiv.org',
      announced: '2024-11-28',
      skipDays: ['Saturday', 'Sunday'],
      papers: [],
    });
  });

  it('turns the error feed into ARXIV_FEED_ERROR with arXiv’s description', () => {
    const error = thrownBy(() => parseFeed(readSharedFixture('arxiv/rss/aioarxiv_error_rss_mock_feed.xml')));
    expect(error).toMatchObject({ code: 'ARXIV_FEED_ERROR' });
    expect((error as Error).message).toContain(
      "Bad archive 'astroph'. Valid archive names are: astro-ph, cond-mat",
    );
  });
});

describeWithSharedFixtures('the real export API responses (2026 serializer)', () => {
  it('reads a 100-entry page with the counts SOURCES.md gives', () => {
    const feed = search(readArxivPyRecording('q_testing_s0_m100_cfe7536492ca.json').body);
    expect(feed).toMatchObject({ totalResults: 214881, startIndex: 0, itemsPerPage: 100 });
    expect(feed.papers).toHaveLength(100);
    expect(feed.papers.filter((p) => p.categories.length > 1)).toHaveLength(46);
    expect(feed.papers.filter((p) => (p.version ?? 0) >= 2)).toHaveLength(36);
    expect(feed.papers.filter((p) => p.journalRef !== null)).toHaveLength(18);
    expect(feed.papers.filter((p) => p.doi !== null)).toHaveLength(32);
    expect(feed.papers.filter((p) => p.comment !== null)).toHaveLength(97);
    expect(feed.papers[0]).toMatchObject({
      id: '2202.12139',
      version: 1,
      primaryCategory: 'cs.SE',
      categories: ['cs.SE', 'cs.LG'],
      authors: ['Mohit Kumar Ahuja', 'Arnaud Gotlieb', 'Helge Spieker'],
      doi: '10.1109/ICSTW55395.2022.00035',
      published: '2022-02-24T15:05:19Z',
      pdfUrl: 'https://arxiv.org/pdf/2202.12139v1',
    });
    expect(feed.papers[1]?.authors[0]).toBe('Aurora Ramírez');
  });

  it('reads a pagination page', () => {
    const feed = search(readArxivPyRecording('q_testing_s50_m10_7f488ab8598c.json').body);
    expect(feed).toMatchObject({ totalResults: 214881, startIndex: 50, itemsPerPage: 10 });
    expect(feed.papers).toHaveLength(10);
  });

  it('reads an empty result', () => {
    const feed = search(readArxivPyRecording('id_0000.0000_s0_m100_8b51d9633a68.json').body);
    expect(feed).toEqual({ kind: 'search', totalResults: 0, startIndex: 0, itemsPerPage: 100, papers: [] });
  });

  it('turns the HTTP 400 error entry into ARXIV_API_ERROR with arXiv’s summary', () => {
    const recording = readArxivPyRecording('id_abc_s0_m100_b79c8dcf6bc3.json');
    expect(recording.status).toBe(400);
    const error = thrownBy(() => parseFeed(recording.body));
    expect(error).toMatchObject({ code: 'ARXIV_API_ERROR' });
    expect((error as Error).message).toContain('incorrect id format for abc');
  });

  it('returns the one valid paper of a list with an invalid id, UTF-8 names intact', () => {
    const feed = search(readArxivPyRecording('id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json').body);
    expect(feed.papers.map((p) => p.id)).toEqual(['1707.08567']);
    expect(feed.papers[0]?.authors).toHaveLength(34);
    expect(feed.papers[0]?.authors).toContain('Dirk Wübben');
  });

  it('reads old-style ids', () => {
    const [hotJupiters] = search(
      readArxivPyRecording('id_astro-ph_0601001_s0_m100_3150dca9dc76.json').body,
    ).papers;
    expect(hotJupiters).toMatchObject({
      id: 'astro-ph/0601001',
      version: 1,
      categories: ['astro-ph'],
      journalRef: 'ActaAstron.56:1-50,2006',
      authors: ['Andrew Gould', 'Susan Dorsher', 'B. Scott Gaudi', 'Andrzej Udalski'],
    });
    expect(hotJupiters?.comment).toMatch(/^62 pages including 16 figures/);
    expect(hotJupiters?.abstract).toContain('Gould & Morgan (2003)');
    expect(hotJupiters?.abstract).toContain('V_max<17.5');
    const [quantum] = search(
      readArxivPyRecording('id_quant-ph_0201082v1_s0_m100_86989fe779ef.json').body,
    ).papers;
    expect(quantum).toMatchObject({
      id: 'quant-ph/0201082',
      version: 1,
      primaryCategory: 'quant-ph',
      categories: ['quant-ph', 'cs.PL'],
      comment: '32 pages',
    });
  });
});

describeWithSharedFixtures('the real export API responses (2016 serializer)', () => {
  it('reads a v2 paper with DOI, comment, journal reference and two categories', () => {
    const feed = search(readSharedFixture('arxiv/arxiv-py/id_list=1111.2011v2.xml'));
    expect(feed).toMatchObject({ totalResults: 1, startIndex: 0, itemsPerPage: 10 });
    expect(feed.papers[0]).toMatchObject({
      id: '1111.2011',
      version: 2,
      title: 'Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit',
      authors: ['James M. Murray', 'Adrian Del Maestro', 'Zlatko Tesanovic'],
      categories: ['cond-mat.str-el', 'cond-mat.stat-mech'],
      primaryCategory: 'cond-mat.str-el',
      doi: '10.1103/PhysRevB.85.115117',
      comment: '8 pages, 3 figures. Published version',
      journalRef: 'Phys. Rev. B 85, 115117 (2012)',
      published: '2011-11-08T18:48:36Z',
      updated: '2012-04-02T12:38:54Z',
      absUrl: 'http://arxiv.org/abs/1111.2011v2',
      pdfUrl: 'http://arxiv.org/pdf/1111.2011v2',
    });
    expect(feed.papers[0]?.abstract).toMatch(
      /^Theoretical description of anisotropic systems, such as layered superconductors/,
    );
    expect(feed.papers[0]?.abstract).not.toMatch(/\n|\s{2}/);
  });

  it('reads search pages with the counts SOURCES.md gives', () => {
    const feed = search(readSharedFixture('arxiv/arxiv-py/search_query=au_del_maestro.xml'));
    expect(feed).toMatchObject({ totalResults: 31, itemsPerPage: 10 });
    expect(feed.papers).toHaveLength(10);
    expect(feed.papers.filter((p) => p.categories.length > 1)).toHaveLength(7);
    expect(feed.papers.filter((p) => (p.version ?? 0) >= 2)).toHaveLength(4);
    expect(feed.papers.every((p) => p.doi && p.journalRef && p.comment)).toBe(true);
    expect(feed.papers.every((p) => p.authors.some((name) => name.endsWith('Del Maestro')))).toBe(true);
    const negated = search(
      readSharedFixture(
        'arxiv/arxiv-py/search_query=au_del_maestro+ANDNOT+ti_checkerboard_OR_ti_Pyrochlore.xml',
      ),
    );
    expect(negated.totalResults).toBe(24);
    expect(negated.papers.some((p) => /checkerboard|pyrochlore/i.test(p.title))).toBe(false);
  });
});
