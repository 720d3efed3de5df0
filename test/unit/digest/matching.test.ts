import { describe, expect, it } from 'vitest';
import type { Paper } from '../../../src/arxiv/paper.ts';
import { ListingIndex, type MatchMode } from '../../../src/digest/listing-index.ts';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { makePaper } from './papers.ts';
import { NaiveMatcher } from './reference-matcher.ts';

/** Whether a paper with this abstract (and a neutral title) matches the query in the given mode. */
function matches(query: string, abstract: string, mode: MatchMode = 'word'): boolean {
  const paper = makePaper({ id: '2411.00001', title: 'Untitled', abstract });
  const ranked = new ListingIndex([paper], { mode }).rank(parseKeywordQuery(query));
  // The index must agree with the independent scanning implementation on every case.
  expect(new NaiveMatcher([paper], mode).rank(parseKeywordQuery(query))).toEqual(ranked);
  return ranked.length === 1;
}

describe('word matching', () => {
  it.each([
    ['RL', 'Reinforcement learning (RL) agents.', true],
    ['RL', 'The real world.', false],
    ['art', 'State of the art.', true],
    ['art', 'A particle.', false],
    ['LLM', 'Our llm is small.', true],
    ['transformer', 'TRANSFORMER blocks.', true],
    ['GPT-4', 'We compare with GPT-4 and GPT 4o.', true],
    ['GPT-4', 'We compare with GPT-40.', false],
    ['GPT-3.5', 'Models such as GPT-3.5-turbo.', true],
  ])('%j in %j: %s', (query, abstract, expected) => {
    expect(matches(query, abstract)).toBe(expected);
  });

  describe('plural tolerance', () => {
    it.each([
      ['LLM', 'Recent LLMs reason.', true],
      ['LLMs', 'An LLM reasons.', true],
      ['agents', 'A single agent.', true],
      ['language model', 'Large language models.', true],
      ['language models', 'A language model.', true],
      ['LLM', "The LLM's output.", true],
    ])('%j in %j: %s', (query, abstract, expected) => {
      expect(matches(query, abstract)).toBe(expected);
    });

    // The limits, written down: only one trailing "s", and "ss" words keep theirs.
    it.each([
      ['query', 'Many queries.', false],
      ['process', 'Gaussian processes.', false],
      ['analysis', 'Two analyses.', false],
      ['LLM', 'LLMss', false],
      ['class', 'A clas.', false],
      ['bus', 'A bu.', false],
    ])('%j in %j: %s', (query, abstract, expected) => {
      expect(matches(query, abstract)).toBe(expected);
    });

    it('is switched off by quotes', () => {
      expect(matches('news', 'A new method.')).toBe(true);
      expect(matches('"news"', 'A new method.')).toBe(false);
      expect(matches('"news"', 'Fake news.')).toBe(true);
      expect(matches('"LLM"', 'Recent LLMs.')).toBe(false);
      expect(matches('"LLM"', 'An LLM.')).toBe(true);
    });
  });

  describe('phrases', () => {
    it.each([
      ['mixture of experts', 'A mixture of experts router.', true],
      ['mixture of experts', 'A mixture-of-experts router.', true],
      ['mixture-of-experts', 'A mixture of experts router.', true],
      ['mixture of experts', 'A mixture of\nexperts router.', true],
      ['mixture of experts', 'A Mixture-Of-\n  Experts router.', true],
      ['"mixture of experts"', 'Sparse mixture-of-experts.', true],
      ['mixture of experts', 'A mixture of skilled experts.', false],
      ['mixture of experts', 'Experts of mixture.', false],
      ['large language model', 'Large-language-models (LLMs).', true],
    ])('%j in %j: %s', (query, abstract, expected) => {
      expect(matches(query, abstract)).toBe(expected);
    });

    it('does not run from the title into the abstract, nor from one paper into the next', () => {
      const listing = [
        makePaper({ id: '2411.00001', title: 'A mixture', abstract: 'Of experts.' }),
        makePaper({ id: '2411.00002', title: 'Routing', abstract: 'Sparse experts and a mixture' }),
        makePaper({ id: '2411.00003', title: 'Of experts', abstract: 'Of experts, a mixture of' }),
        makePaper({ id: '2411.00004', title: 'Experts', abstract: 'Routing.' }),
      ];
      const index = new ListingIndex(listing);
      for (const phrase of ['mixture of experts', 'experts mixture', 'mixture of of', 'of experts of']) {
        expect(index.rank(parseKeywordQuery(phrase))).toEqual([]);
        expect(new NaiveMatcher(listing).rank(parseKeywordQuery(phrase))).toEqual([]);
      }
      expect(index.rank(parseKeywordQuery('of experts of experts'))).toEqual([]);
      expect(index.rank(parseKeywordQuery('"experts a mixture of"')).map((r) => r.paper.id)).toEqual([
        '2411.00003',
      ]);
    });

    it('finds a phrase whose rarest word is not its first, in the title or the abstract', () => {
      const listing = [
        makePaper({
          id: '2411.00001',
          title: 'The sparse router',
          abstract: 'The sparse router of the sparse.',
        }),
        makePaper({
          id: '2411.00002',
          title: 'Sparse',
          abstract: 'Of the sparse router, the sparse router.',
        }),
      ];
      const ranked = new ListingIndex(listing).rank(parseKeywordQuery('the sparse router'));
      expect(ranked.map((r) => [r.paper.id, r.score, r.titleHits])).toEqual([
        ['2411.00001', 1.5, 1],
        ['2411.00002', 1, 0],
      ]);
    });
  });

  describe('symbols and other scripts', () => {
    it.each([
      ['C++', 'Written in C++.', true],
      ['C++', 'Written in C.', false],
      ['C', 'Written in C++.', false],
      ['C', 'Written in C and Rust.', true],
      ['C#', 'Unity scripts in C#, mostly.', true],
      ['b', 'We solve a+b=c.', true],
      ['Schrodinger', 'The Schrödinger equation.', true],
      ['Schrödinger', 'The SCHRODINGER equation.', true],
      ['fine', 'A ﬁne result.', true],
      ['α', 'The α-decay rate.', true],
      ['语言模型', '基于语言模型', false],
      ['fine-tuning', 'Parameter-efficient finetuning.', false],
    ])('%j in %j: %s', (query, abstract, expected) => {
      expect(matches(query, abstract)).toBe(expected);
    });
  });
});

describe('substring matching (the classic script)', () => {
  it('is the lower-cased `term in text` test, with no word rules at all', () => {
    expect(matches('RL', 'The real world.', 'substring')).toBe(true);
    expect(matches('art', 'A particle.', 'substring')).toBe(true);
    expect(matches('LLM', 'Recent LLMs.', 'substring')).toBe(true);
    expect(matches('LLMs', 'An LLM.', 'substring')).toBe(false);
    expect(matches('mixture of experts', 'A mixture-of-experts router.', 'substring')).toBe(false);
    expect(matches('Schrodinger', 'The Schrödinger equation.', 'substring')).toBe(false);
    expect(matches('C', 'Written in C++.', 'substring')).toBe(true);
  });

  // Where the two modes differ, written down as one table: [term, text, word mode, substring mode].
  it.each([
    ['RL', 'The real world.', false, true],
    ['art', 'A particle.', false, true],
    ['LLMs', 'An LLM.', true, false],
    ['agents', 'A single agent.', true, false],
    ['mixture of experts', 'A mixture-of-experts router.', true, false],
    ['mixture of experts', 'Mixture of\nexperts.', true, false],
    ['Schrodinger', 'The Schrödinger equation.', true, false],
    ['C', 'Written in C++.', false, true],
    ['"news"', 'A news feed.', true, true],
    ['"news"', 'A new  sfeed.', false, false],
  ])('%j in %j: word %s, substring %s', (query, abstract, word, substring) => {
    expect(matches(query, abstract, 'word')).toBe(word);
    expect(matches(query, abstract, 'substring')).toBe(substring);
  });
});

describe('exclusions', () => {
  const papers: Paper[] = [
    makePaper({ id: '2411.00001', title: 'LLM agents: a survey', abstract: 'We review agents.' }),
    makePaper({ id: '2411.00002', title: 'LLM agents', abstract: 'A systematic review of tools.' }),
    makePaper({ id: '2411.00003', title: 'LLM agents', abstract: 'New methods; surveying is not our aim.' }),
  ];

  it('drop a paper holding an excluded term in its title or abstract, whatever it scores', () => {
    const index = new ListingIndex(papers);
    const ids = (query: string) => index.rank(parseKeywordQuery(query)).map((r) => r.paper.id);
    expect(ids('LLM, agents')).toEqual(['2411.00003', '2411.00002', '2411.00001']);
    expect(ids('LLM, agents, -survey')).toEqual(['2411.00003', '2411.00002']);
    expect(ids('LLM, agents, -survey, -"systematic review"')).toEqual(['2411.00003']);
    expect(ids('LLM, -agents')).toEqual([]);
  });

  it('follow the mode: in substring mode "survey" also excludes "surveying"', () => {
    const index = new ListingIndex(papers, { mode: 'substring' });
    expect(index.rank(parseKeywordQuery('LLM, -survey')).map((r) => r.paper.id)).toEqual(['2411.00002']);
  });
});

describe('rank options', () => {
  const papers: Paper[] = [
    makePaper({ id: '2411.00001', title: 'LLM agents', abstract: 'LLM.', categories: ['cs.AI'] }),
    makePaper({ id: '2411.00002', title: 'Other', abstract: 'LLM agents.', categories: ['cs.CL', 'cs.AI'] }),
    makePaper({ id: '2411.00003', title: 'Other', abstract: 'An LLM.', categories: ['astro-ph.GA'] }),
    makePaper({ id: '2411.00004', title: 'Other', abstract: 'Nothing here.', categories: ['cs.AI'] }),
  ];
  const index = new ListingIndex(papers);
  const query = parseKeywordQuery('LLM, agents');
  const ids = (options: Parameters<ListingIndex['rank']>[1]) =>
    index.rank(query, options).map((r) => r.paper.id);

  it('never lists a paper that matches no term, even with minScore 0', () => {
    expect(ids({ minScore: 0 })).toEqual(['2411.00001', '2411.00002', '2411.00003']);
  });

  it('enforces minScore, inclusive', () => {
    expect(ids({ minScore: 2 })).toEqual(['2411.00001', '2411.00002']);
    expect(ids({ minScore: 2.5 })).toEqual(['2411.00001']);
    expect(ids({ minScore: 3.01 })).toEqual([]);
  });

  it('keeps the best maxPapers', () => {
    expect(ids({ maxPapers: 2 })).toEqual(['2411.00001', '2411.00002']);
    expect(ids({ maxPapers: 0 })).toEqual([]);
  });

  it('filters by category, an archive standing for its categories', () => {
    expect(ids({ categories: ['cs.CL'] })).toEqual(['2411.00002']);
    expect(ids({ categories: ['astro-ph'] })).toEqual(['2411.00003']);
    expect(ids({ categories: ['cs'] })).toEqual(['2411.00001', '2411.00002']);
    expect(ids({ categories: ['astro'] })).toEqual([]);
    expect(index.count(['cs.AI'])).toBe(3);
    expect(index.count()).toBe(4);
  });

  it('rejects nonsense limits as bugs', () => {
    expect(() => ids({ maxPapers: -1 })).toThrow(/maxPapers/);
    expect(() => ids({ maxPapers: 1.5 })).toThrow(/maxPapers/);
    expect(() => ids({ minScore: Number.NaN })).toThrow(/minScore/);
  });

  it('lists matched terms past the 31st as well', () => {
    const terms = Array.from({ length: 40 }, (_, i) => `w${i}`);
    const paper = makePaper({ id: '2411.00001', title: 'w2 w30', abstract: 'w31 w39' });
    const [ranked] = new ListingIndex([paper]).rank(parseKeywordQuery(terms.join(', ')));
    expect(ranked?.matchedTerms).toEqual(['w2', 'w30', 'w31', 'w39']);
    expect(ranked?.score).toBe(5);
    expect(ranked?.titleHits).toBe(2);
  });

  it('lists the matched terms as written, in query order', () => {
    const ranked = index.rank(parseKeywordQuery('Agents, llm, transformer'));
    expect(ranked.map((r) => r.matchedTerms)).toEqual([['Agents', 'llm'], ['Agents', 'llm'], ['llm']]);
  });
});
