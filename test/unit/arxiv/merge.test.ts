import { describe, expect, it } from 'vitest';
import { filterAnnounceTypes, mergeAnnouncements } from '../../../src/arxiv/merge.ts';
import type { AnnounceType, Paper } from '../../../src/arxiv/paper.ts';
import { makePaper } from '../../support/papers.ts';

function paper(id: string, announceType: AnnounceType | null, categories: string[]): Paper {
  return makePaper(id, { announceType, categories });
}

describe('mergeAnnouncements', () => {
  it('keeps a paper seen as cross then new once, as new, with its primary category and every category', () => {
    const merged = mergeAnnouncements([
      paper('2602.00001', 'cross', ['cs.LG', 'stat.ML']),
      paper('2602.00002', 'new', ['cs.AI']),
      paper('2602.00001', 'new', ['cs.CL', 'cs.LG']),
    ]);
    expect(merged.map((p) => [p.id, p.announceType, p.primaryCategory, p.categories])).toEqual([
      ['2602.00001', 'new', 'cs.CL', ['cs.CL', 'cs.LG', 'stat.ML']],
      ['2602.00002', 'new', 'cs.AI', ['cs.AI']],
    ]);
  });

  it('takes the primary category of the other announcement when the winning one lists no category (found by the fuzz, test/fuzz)', () => {
    const [merged] = mergeAnnouncements([
      paper('2602.01003', 'cross', ['stat.ML', 'cs.CL']),
      { ...paper('2602.01003', 'new', []), primaryCategory: '' },
    ]);
    expect(merged).toMatchObject({
      announceType: 'new',
      primaryCategory: 'stat.ML',
      categories: ['stat.ML', 'cs.CL'],
    });
  });

  it('prefers a replacement to a cross-listed replacement', () => {
    const [merged] = mergeAnnouncements([
      paper('2501.00001', 'replace-cross', ['cs.LG']),
      paper('2501.00001', 'replace', ['quant-ph', 'cs.LG']),
    ]);
    expect(merged).toMatchObject({ announceType: 'replace', categories: ['quant-ph', 'cs.LG'] });
  });

  it('leaves distinct papers alone, in order', () => {
    const papers = [
      paper('1', 'new', ['cs.AI']),
      paper('2', 'cross', ['cs.AI']),
      paper('3', 'replace', ['cs.AI']),
    ];
    expect(mergeAnnouncements(papers)).toEqual(papers);
  });
});

describe('filterAnnounceTypes', () => {
  const papers = [
    paper('1', 'new', ['cs.AI']),
    paper('2', 'cross', ['cs.AI']),
    paper('3', 'replace', ['cs.AI']),
    paper('4', 'replace-cross', ['cs.AI']),
    paper('5', null, ['cs.AI']),
  ];

  it('keeps the announce types asked for', () => {
    expect(filterAnnounceTypes(papers, ['new', 'cross']).map((p) => p.id)).toEqual(['1', '2']);
    expect(filterAnnounceTypes(papers, ['replace-cross']).map((p) => p.id)).toEqual(['4']);
  });

  it('keeps nothing when no type is asked for', () => {
    expect(filterAnnounceTypes(papers, [])).toEqual([]);
  });
});
