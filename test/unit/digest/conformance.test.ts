import { expect, it } from 'vitest';
import { parseFeed } from '../../../src/arxiv/feed.ts';
import type { Paper } from '../../../src/arxiv/paper.ts';
import { compareIdsNewestFirst } from '../../../src/digest/id-order.ts';
import { ListingIndex, type RankedPaper } from '../../../src/digest/listing-index.ts';
import { type KeywordQuery, parseKeywordQuery } from '../../../src/digest/query.ts';
import { words } from '../../../src/digest/text.ts';
import { describeWithSharedFixtures, readSharedFixture } from '../../support/shared-fixtures.ts';
import { NaiveMatcher } from './reference-matcher.ts';

describeWithSharedFixtures('ranking the real 1,504-item rss.arxiv.org listing', () => {
  const papers = parseFeed(readSharedFixture('arxiv/rss/aioarxiv_rss_mock_feed.xml')).papers;
  const index = new ListingIndex(papers);
  const text = (paper: Paper) => `${paper.title}\n${paper.abstract}`;

  it('reads the whole listing', () => {
    expect(papers).toHaveLength(1504);
    expect(index.count()).toBe(1504);
    expect(index.announced).toBe('2024-11-28');
  });

  // Hand-written patterns for each term, independent of the tokenizer: papers they find are the ones the
  // index finds.
  const patterns: [string, RegExp][] = [
    ['LLM', /\bLLMs?\b/i],
    ['"mixture of experts"', /\bmixture[\s-]+of[\s-]+experts\b/i],
    ['agents', /\bagents?\b/i],
    ['survey', /\bsurveys?\b/i],
    ['"C++"', /\bC\+\+(?![+\w])/],
  ];

  it.each(patterns)('finds %s in exactly the papers a hand-written pattern finds', (term, pattern) => {
    const expected = papers.filter((paper) => pattern.test(text(paper))).map((paper) => paper.id);
    const found = index.rank(parseKeywordQuery(term)).map((ranked) => ranked.paper.id);
    expect(found.length).toBeGreaterThan(0);
    expect([...found].sort()).toEqual([...expected].sort());
  });

  it('ranks a small query: exclusions applied, scores by the formula, order deterministic', () => {
    const ranked = index.rank(parseKeywordQuery('LLM, "mixture of experts", agents, -survey'), {
      maxPapers: 25,
    });
    expect(ranked).toHaveLength(25);
    for (const result of ranked) {
      expect(/\bsurveys?\b/i.test(text(result.paper))).toBe(false);
      expect(result.score).toBe(result.matchedTerms.length + 0.5 * result.titleHits);
      for (const term of result.matchedTerms) {
        const pattern = patterns.find(([name]) => name.replaceAll('"', '') === term)?.[1] as RegExp;
        expect(pattern.test(text(result.paper))).toBe(true);
      }
    }
    for (let i = 1; i < ranked.length; i++) {
      const [a, b] = [ranked[i - 1] as RankedPaper, ranked[i] as RankedPaper];
      const order =
        b.score - a.score || b.titleHits - a.titleHits || compareIdsNewestFirst(a.paper.id, b.paper.id);
      expect(order).toBeLessThan(0);
    }
    // The best one holds all three terms; "survey" papers about LLM agents exist and were dropped.
    expect(ranked[0]?.matchedTerms.length).toBeGreaterThanOrEqual(2);
    const withSurvey = index.rank(parseKeywordQuery('LLM, "mixture of experts", agents'));
    expect(withSurvey.some((r) => /\bsurveys?\b/i.test(text(r.paper)))).toBe(true);
  });

  it('matches substrings the classic way in substring mode', () => {
    const classic = new ListingIndex(papers, { mode: 'substring' });
    const rl = classic.rank(parseKeywordQuery('RL')).map((r) => r.paper.id);
    const expected = papers
      .filter((p) => p.title.toLowerCase().includes('rl') || p.abstract.toLowerCase().includes('rl'))
      .map((p) => p.id);
    expect([...rl].sort()).toEqual([...expected].sort());
    // "world", "early", "particle"... : far more than the papers about RL.
    expect(rl.length).toBeGreaterThan(5 * index.rank(parseKeywordQuery('RL')).length);
  });

  it('agrees with the naive scan on random queries drawn from the listing, in both modes', () => {
    let state = 12345;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const vocabulary = papers.map((paper) => words(text(paper)));
    const draw = (): string => {
      const list = vocabulary[Math.floor(random() * vocabulary.length)] as string[];
      const at = Math.floor(random() * (list.length - 1));
      return random() < 0.25 ? `${list[at]} ${list[at + 1]}` : (list[at] as string);
    };
    const queries: KeywordQuery[] = [];
    while (queries.length < 60) {
      const terms = [draw(), draw(), draw(), random() < 0.3 ? `"${draw()}"` : draw()];
      const exclusion = random() < 0.3 ? `, -${draw()}` : '';
      try {
        queries.push(parseKeywordQuery(`${terms.join(', ')}${exclusion}`));
      } catch {
        // A draw that makes an invalid query (a term both wanted and excluded): draw again.
      }
    }
    for (const mode of ['word', 'substring'] as const) {
      const fast = new ListingIndex(papers, { mode });
      const naive = new NaiveMatcher(papers, mode);
      queries.forEach((query, i) => {
        const options = {
          maxPapers: i % 3 === 0 ? 10 : undefined,
          categories: i % 4 === 0 ? ['cs'] : undefined,
        };
        expect(fast.rank(query, options)).toEqual(naive.rank(query, options));
      });
    }
  });
});
