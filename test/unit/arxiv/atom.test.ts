import { describe, expect, it } from 'vitest';
import { parseFeed, type SearchFeed } from '../../../src/arxiv/feed.ts';
import { arxivFixture, thrownBy } from './helpers.ts';

function search(xml: Buffer): SearchFeed {
  const feed = parseFeed(xml);
  if (feed.kind !== 'search') throw new Error(`expected search results, got ${feed.kind}`);
  return feed;
}

describe('Atom of the export API, 2025+ serializer', () => {
  const feed = search(arxivFixture('search-2025.atom.xml'));

  it('reads the opensearch counts', () => {
    expect(feed).toMatchObject({ kind: 'search', totalResults: 1234, startIndex: 20, itemsPerPage: 2 });
  });

  it('reads every field of an entry, primary category first', () => {
    expect(feed.papers[0]).toEqual({
      id: '2405.12345',
      version: 3,
      title: 'Mixture Models for Ranking & Retrieval',
      authors: ['Karen Spärck Jones', 'Gerard Salton'],
      abstract:
        'We propose mixture models for ranking. Experiments on three benchmarks show gains of 3% over baselines (p<0.05).',
      categories: ['cs.IR', 'stat.ML'],
      primaryCategory: 'cs.IR',
      announceType: null,
      published: '2024-05-20T17:59:59Z',
      updated: '2025-01-10T09:30:00Z',
      announced: null,
      absUrl: 'https://arxiv.org/abs/2405.12345v3',
      pdfUrl: 'https://arxiv.org/pdf/2405.12345v3',
      doi: '10.1145/1234567.7654321',
      journalRef: 'Proc. SIGIR 2025, pp. 1-12',
      comment: '12 pages, 4 figures; v3: camera-ready',
    });
  });

  it('reads an old-style id with its archive and subject class', () => {
    expect(feed.papers[1]).toMatchObject({
      id: 'math.GT/0309136',
      version: 1,
      abstract: 'An old-style identifier.',
      doi: null,
      journalRef: null,
      comment: null,
    });
  });
});

describe('Atom of the export API, older serializer', () => {
  const feed = search(arxivFixture('search-2016.atom.xml'));

  it('reads per-element namespaces, html titles and hard-wrapped text', () => {
    expect(feed).toMatchObject({ totalResults: 57, startIndex: 0, itemsPerPage: 1 });
    expect(feed.papers[0]).toMatchObject({
      id: '1603.04512',
      version: 2,
      title: 'Entanglement Entropy of Many-Body Systems on the Bethe Lattice',
      abstract:
        'We compute the entanglement entropy of interacting bosons on the Bethe lattice and find an area law with ' +
        'logarithmic corrections. The method uses a self-consistent cavity construction.',
      categories: ['cond-mat.str-el', 'quant-ph'],
      doi: '10.1103/PhysRevB.94.000001',
      journalRef: 'Phys. Rev. B 94, 000001 (2016)',
      comment: '10 pages, 5 figures',
      absUrl: 'http://arxiv.org/abs/1603.04512v2',
      pdfUrl: 'http://arxiv.org/pdf/1603.04512v2',
    });
  });
});

describe('API errors', () => {
  it('turns an error entry into ARXIV_API_ERROR carrying arXiv’s summary', () => {
    const error = thrownBy(() => parseFeed(arxivFixture('error-entry.atom.xml')));
    expect(error).toMatchObject({ code: 'ARXIV_API_ERROR', retryable: false });
    expect((error as Error).message).toContain('max_results must be non-negative');
  });

  it('rejects a feed whose counts are not numbers', () => {
    const xml = arxivFixture('search-2025.atom.xml')
      .toString('utf8')
      .replace('<opensearch:totalResults>1234', '<opensearch:totalResults>many');
    expect(thrownBy(() => parseFeed(xml))).toMatchObject({ code: 'ARXIV_MALFORMED' });
  });
});
