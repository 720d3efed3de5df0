import { describe, expect, it } from 'vitest';
import {
  buildSearchQuery,
  MAX_SEARCH_TERMS,
  requireArxivIds,
  requireCategory,
  searchPieces,
  searchTerms,
} from '../../../src/arxiv/query.ts';
import { thrownBy } from './helpers.ts';

/** Everything outside the quoted terms: the structure of the query that user text must never change. */
function structure(query: string): string {
  return query.replace(/"[^"]*"/g, '"…"');
}

describe('buildSearchQuery', () => {
  it('quotes each word as an all: term joined with AND', () => {
    expect(buildSearchQuery('graph neural networks')).toBe('all:"graph" AND all:"neural" AND all:"networks"');
  });

  it('adds categories as cat: clauses, several joined with OR in parentheses', () => {
    expect(buildSearchQuery('diffusion', ['cs.CV'])).toBe('all:"diffusion" AND cat:cs.CV');
    expect(buildSearchQuery('diffusion', ['cs.cv', 'stat.ml', 'cs.CV'])).toBe(
      'all:"diffusion" AND (cat:cs.CV OR cat:stat.ML)',
    );
    expect(buildSearchQuery('', ['cs.AI'])).toBe('cat:cs.AI');
  });

  it.each([
    ['field prefixes', 'ti:transformers au:hinton', ['ti', 'transformers', 'au', 'hinton']],
    ['boolean operators', 'attention AND OR ANDNOT memory', ['attention', 'and', 'or', 'andnot', 'memory']],
    ['parentheses', '(vision OR language) ANDNOT (audio)', ['vision', 'or', 'language', 'andnot', 'audio']],
    ['quotes that try to close ours', 'x" OR ti:"y', ['x', 'or', 'ti', 'y']],
    ['backslashes and wildcards', 'foo\\" bar* ba?z', ['foo', 'bar', 'ba', 'z']],
    ['a cat: clause', 'cat:cs.AI', ['cat', 'cs.AI']],
    [
      'URL syntax',
      'a&search_query=b&max_results=999#frag',
      ['a', 'search_query', 'b', 'max_results', '999', 'frag'],
    ],
  ])('takes %s typed by a user as words', (_, text, words) => {
    expect(searchTerms(text)).toEqual(words);
    const query = buildSearchQuery(text);
    // One quoted term per word, or per phrase when a pair of quotes made one (`x" OR ti:"y`: "or ti").
    expect(structure(query)).toBe(
      searchPieces(text)
        .map(() => 'all:"…"')
        .join(' AND '),
    );
  });

  it('keeps the structure whatever the text, with categories too', () => {
    const hostile = [
      '") OR (cat:hep-th',
      'ANDNOT',
      '"""',
      'all:*',
      ')))(((',
      'OR OR OR',
      'x\ny\tz',
      '\u0000\u202e',
    ];
    for (const text of hostile) {
      const words = searchTerms(text);
      if (words.length === 0) continue;
      const expected = `${searchPieces(text)
        .map(() => 'all:"…"')
        .join(' AND ')} AND cat:cs.LG`;
      expect(structure(buildSearchQuery(text, ['cs.LG']))).toBe(expected);
    }
  });

  it('keeps hyphens, dots and letters of any script inside words', () => {
    expect(searchTerms('self-supervised GPT-4.5 Schrödinger 量子 "-edge-" café.')).toEqual([
      'self-supervised',
      'GPT-4.5',
      'Schrödinger',
      '量子',
      'edge',
      'café',
    ]);
  });

  it('refuses a search with no words and no categories', () => {
    for (const text of ['', '   ', '"()"', '***']) {
      expect(thrownBy(() => buildSearchQuery(text))).toMatchObject({ code: 'QUERY_INVALID', kind: 'user' });
    }
  });

  it('refuses too many words', () => {
    const text = Array.from({ length: MAX_SEARCH_TERMS + 1 }, (_, i) => `w${i}`).join(' ');
    expect(thrownBy(() => buildSearchQuery(text))).toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });

  it('refuses an unknown category, naming the closest ones', () => {
    const error = thrownBy(() => buildSearchQuery('x', ['cs.AJ']));
    expect(error).toMatchObject({ code: 'QUERY_INVALID' });
    expect((error as Error).message).toContain('cs.AI');
  });
});

describe('requireCategory', () => {
  it('returns arXiv’s spelling', () => {
    expect(requireCategory('CS.ai')).toBe('cs.AI');
    expect(requireCategory('hep-th')).toBe('hep-th');
  });
});

describe('requireArxivIds', () => {
  it('accepts bare, arXiv: prefixed, versioned, old-style ids and arxiv.org links', () => {
    expect(
      requireArxivIds([
        '2401.01234',
        'arXiv:2401.01234v2',
        ' hep-th/9504118 ',
        'https://arxiv.org/abs/math.GT/0309136v1',
        'https://arxiv.org/pdf/2602.06063',
      ]),
    ).toEqual(['2401.01234', '2401.01234v2', 'hep-th/9504118', 'math.GT/0309136v1', '2602.06063']);
  });

  it('refuses anything else, naming it', () => {
    for (const text of ['abc', '2401.01234,2401.01235', 'see 2401.01234', '']) {
      const error = thrownBy(() => requireArxivIds([text]));
      expect(error).toMatchObject({ code: 'QUERY_INVALID' });
      expect((error as Error).message).toContain(`"${text}"`);
    }
  });
});
