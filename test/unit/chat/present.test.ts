import { describe, expect, it } from 'vitest';
import type { Paper } from '../../../src/arxiv/paper.ts';
import {
  AUTHORS_SHOWN,
  authorLine,
  categoryLine,
  digestCategories,
  digestDate,
  digestOverview,
  formatScore,
  matchedLine,
  paperByline,
  paperCount,
  paperParts,
  paperTitle,
  scoringLine,
  summaryLabel,
  whyLine,
} from '../../../src/chat/present.ts';
import type { Digest } from '../../../src/digest/digest.ts';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { makePaper } from '../../support/papers.ts';

/** The paper the renderers' tests show too: four authors, two categories. */
function paper(overrides: Partial<Paper> = {}): Paper {
  return makePaper('1706.03762', {
    version: 7,
    title: 'Attention Is All You Need',
    authors: ['Ashish Vaswani', 'Noam Shazeer', 'Niki Parmar', 'Jakob Uszkoreit'],
    categories: ['cs.CL', 'cs.LG'],
    ...overrides,
  });
}

describe('authorLine', () => {
  const names = ['A. One', 'B. Two', 'C. Three', 'D. Four'];

  it('names everyone up to the limit, then the first ones and "et al."', () => {
    expect(authorLine(names, { max: 4 })).toBe('A. One, B. Two, C. Three, D. Four');
    expect(authorLine(names, { max: 3 })).toBe('A. One, B. Two, C. Three et al.');
    expect(authorLine(names.slice(0, 1), { max: 3 })).toBe('A. One');
    expect(authorLine([], { max: 3 })).toBe('');
  });

  it('names at least one author before "et al."', () => {
    expect(authorLine(names, { max: 0 })).toBe('A. One et al.');
  });

  it('puts each name on one line without controls, and skips names left empty', () => {
    expect(authorLine(['Eve\u202e', ' \u0000 ', 'Mal\nlory', 'Tab\tby'], { max: 3 })).toBe(
      'Eve, Mal lory, Tab by',
    );
  });

  it('has a limit per medium', () => {
    expect(AUTHORS_SHOWN).toEqual({ chat: 3, page: 10, feed: 20, prompt: 10 });
  });
});

describe('scores, categories and terms', () => {
  it('rounds a score to two decimals and keeps an integer whole', () => {
    expect(formatScore(2.5)).toBe('2.5');
    expect(formatScore(1.3333333)).toBe('1.33');
    expect(formatScore(3)).toBe('3');
    expect(formatScore(0)).toBe('0');
  });

  it('lists categories and matched terms with commas', () => {
    expect(categoryLine(paper())).toBe('cs.CL, cs.LG');
    expect(categoryLine(paper({ categories: [] }))).toBe('');
    expect(matchedLine(['attention', '"speculative decoding"'])).toBe('attention, "speculative decoding"');
  });

  it('joins the byline and the scoring line with a middle dot, leaving out what is missing', () => {
    expect(paperByline(paper(), { maxAuthors: 3 })).toBe(
      'Ashish Vaswani, Noam Shazeer, Niki Parmar et al. · cs.CL, cs.LG',
    );
    expect(paperByline(paper({ authors: [] }), { maxAuthors: 3 })).toBe('cs.CL, cs.LG');
    expect(paperByline(paper({ categories: [] }), { maxAuthors: 10 })).toBe(
      'Ashish Vaswani, Noam Shazeer, Niki Parmar, Jakob Uszkoreit',
    );
    expect(scoringLine(2.5, ['attention', 'transformer'])).toBe(
      'score 2.5 · matched: attention, transformer',
    );
    expect(scoringLine(null, ['attention'])).toBe('matched: attention');
    expect(scoringLine(1, [])).toBe('score 1');
    expect(scoringLine(null, [])).toBe('');
  });
});

describe('whyLine', () => {
  it('says on one short line what else put a paper there: followed authors, a liked paper, a recommendation', () => {
    expect(whyLine({})).toBe('');
    expect(whyLine({ followed: [] })).toBe('');
    expect(whyLine({ followed: ["Zlatko Te\\v{s}anovi\\'c"] })).toBe('followed: Zlatko Tešanović');
    expect(whyLine({ followed: ['A One', 'B Two', 'C Three'] })).toBe('followed: A One, B Two et al.');
    expect(whyLine({ reasons: { recommended: true } })).toBe('recommended');
    expect(whyLine({ reasons: { recommended: false } })).toBe('');
    const like = { id: '1706.03762', title: 'Attention Is All\nYou Need' };
    expect(whyLine({ followed: ['Yann LeCun'], reasons: { like, recommended: true } })).toBe(
      'followed: Yann LeCun · like: Attention Is All You Need',
    );
    const long = whyLine({ reasons: { like: { id: '1', title: 'word '.repeat(30) } } });
    expect([...long].length).toBeLessThanOrEqual('like: '.length + 60);
    expect(long.endsWith('word…')).toBe(true);
  });

  it('ends the scoring line', () => {
    expect(scoringLine(0, [], { followed: ['Y. LeCun'] })).toBe('score 0 · followed: Y. LeCun');
    expect(scoringLine(2.5, ['attention'], { reasons: { recommended: true } })).toBe(
      'score 2.5 · matched: attention · recommended',
    );
    expect(
      paperParts({
        paper: paper(),
        rank: 1,
        score: 1,
        matchedTerms: [],
        tldr: null,
        followed: ['Noam Shazeer'],
      }).scoring,
    ).toBe('score 1 · followed: Noam Shazeer');
  });
});

describe('paperParts', () => {
  it('gives the lines of a ranked paper, with three authors', () => {
    expect(
      paperParts({
        paper: paper(),
        rank: 12,
        score: 2.5,
        matchedTerms: ['attention'],
        tldr: 'Self-attention\nis enough.',
      }),
    ).toEqual({
      rank: '12. ',
      title: 'Attention Is All You Need',
      byline: 'Ashish Vaswani, Noam Shazeer, Niki Parmar et al. · cs.CL, cs.LG',
      scoring: 'score 2.5 · matched: attention',
      tldr: 'Self-attention is enough.',
      url: 'https://arxiv.org/abs/1706.03762',
    });
  });

  it('leaves empty what a paper shown alone does not have, and cleans every field', () => {
    const parts = paperParts({
      paper: paper({ title: ' Title\u001b[2J ', absUrl: 'https://arxiv.org/abs/1\u0007' }),
      rank: null,
      score: null,
      matchedTerms: [],
      tldr: null,
    });
    expect(parts).toMatchObject({ rank: '', title: 'Title', scoring: '', tldr: '' });
    expect(parts.url).toBe('https://arxiv.org/abs/1');
  });
});

describe('TeX in titles and author names', () => {
  const tex = paper({
    title: 'Schr\\"odinger operators on $\\mathbb{R}^3$: 50\\% of Erd\\H{o}s\' R\\&D',
    authors: [
      "Gr\\'egoire Labb\\'e",
      "Benjamin R\\'emy",
      "Zlatko Te\\v{s}anovi\\'c",
      'Thomas M\\"uller',
      'Jaros{\\l}aw J{\\o}rgensen',
    ],
  });

  it('shows titles and authors as text, the math as it is', () => {
    expect(paperTitle(tex.title)).toBe("Schrödinger operators on $\\mathbb{R}^3$: 50% of Erdős' R&D");
    expect(authorLine(tex.authors, { max: 4 })).toBe(
      'Grégoire Labbé, Benjamin Rémy, Zlatko Tešanović, Thomas Müller et al.',
    );
    expect(authorLine(tex.authors, { max: 5 })).toContain('Jarosław Jørgensen');
  });

  it('gives every medium the converted title and byline through paperParts', () => {
    const parts = paperParts({ paper: tex, rank: 1, score: 1, matchedTerms: [], tldr: null });
    expect(parts.title).toBe("Schrödinger operators on $\\mathbb{R}^3$: 50% of Erdős' R&D");
    expect(parts.byline).toBe('Grégoire Labbé, Benjamin Rémy, Zlatko Tešanović et al. · cs.CL, cs.LG');
  });

  it('cleans controls as before, also from converted text', () => {
    expect(paperTitle(" Caf\\'e\u001b[2J\nau lait ")).toBe('Café au lait');
  });
});

describe('digests and summaries', () => {
  const digest: Digest = {
    title: 'arXiv digest',
    target: null,
    announced: '2026-02-04',
    generatedAt: '2026-02-05T01:00:00.000Z',
    categories: ['cs.LG', 'cs.AI'],
    query: parseKeywordQuery('transformer, "speculative decoding", -survey'),
    listed: 240,
    papers: [],
  };

  it('counts papers in words', () => {
    expect(paperCount(0)).toBe('0 papers');
    expect(paperCount(1)).toBe('1 paper');
    expect(paperCount(12)).toBe('12 papers');
  });

  it('names a digest by its announcement, else by the day it was made', () => {
    expect(digestDate(digest)).toBe('2026-02-04');
    expect(digestDate({ ...digest, announced: null })).toBe('2026-02-05');
  });

  it('says "all categories" for a digest without categories', () => {
    expect(digestCategories(['cs.LG'])).toBe('cs.LG');
    expect(digestCategories([])).toBe('all categories');
  });

  it('gives what the root message says of a digest', () => {
    expect(digestOverview(digest)).toEqual({
      date: '2026-02-04',
      papers: '0 papers',
      listed: 240,
      categories: 'cs.LG, cs.AI',
      terms: 'transformer, "speculative decoding", -survey',
    });
  });

  it('labels a summary by who wrote it', () => {
    expect(summaryLabel({ source: 'model' })).toBe('AI summary');
    expect(summaryLabel({ source: 'extractive' })).toBe('Summary (from the abstract)');
  });
});
