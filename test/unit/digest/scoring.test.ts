import { describe, expect, it } from 'vitest';
import { compareIdsNewestFirst } from '../../../src/digest/id-order.ts';
import { ListingIndex } from '../../../src/digest/listing-index.ts';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { fixturePapers, makePaper } from './papers.ts';
import { NaiveMatcher } from './reference-matcher.ts';

const papers = fixturePapers('scoring.rss.xml');
const query = parseKeywordQuery('LLM, agents, mixture of experts, -survey');

const summary = (index: ListingIndex) =>
  index
    .rank(query)
    .map((r) => ({ id: r.paper.id, score: r.score, titleHits: r.titleHits, terms: r.matchedTerms }));

describe('the classic score formula, checked by hand (test/fixtures/digest/scoring.rss.xml)', () => {
  it('word mode: +1 per term in title or abstract, +0.5 more per term in the title', () => {
    expect(summary(new ListingIndex(papers))).toEqual([
      // title "LLM agents for planning" (LLM, agents); abstract adds "mixture-of-experts": 3 + 2 * 0.5
      { id: '2411.00010', score: 4, titleHits: 2, terms: ['LLM', 'agents', 'mixture of experts'] },
      // title "LLM Agents": 2 + 2 * 0.5, before 2411.00017 (same score, fewer title hits) although older
      { id: '2411.00009', score: 3, titleHits: 2, terms: ['LLM', 'agents'] },
      // all three in the abstract only
      { id: '2411.00017', score: 3, titleHits: 0, terms: ['LLM', 'agents', 'mixture of experts'] },
      // three papers at 2.5 with one title hit: newest id first
      { id: '2411.00015', score: 2.5, titleHits: 1, terms: ['LLM', 'agents'] },
      // "agent swarms" matches "agents" (plural tolerated), "LLMs" matches "LLM"
      { id: '2411.00012', score: 2.5, titleHits: 1, terms: ['LLM', 'agents'] },
      { id: '2411.00011', score: 2.5, titleHits: 1, terms: ['LLM', 'mixture of experts'] },
      // two abstract-only papers at 2: the new-style id before the old-style one
      { id: '2411.00016', score: 2, titleHits: 0, terms: ['LLM', 'agents'] },
      // "mixture of\n experts" across a line break
      { id: 'cs/9901001', score: 2, titleHits: 0, terms: ['agents', 'mixture of experts'] },
      // 2411.00013 "A survey of LLM agents" is excluded; 2411.00014 matches nothing.
    ]);
  });

  it('substring mode: the same formula over plain lower-cased substrings', () => {
    expect(summary(new ListingIndex(papers, { mode: 'substring' }))).toEqual([
      // "mixture-of-experts" does not hold the substring "mixture of experts": 2 + 2 * 0.5
      { id: '2411.00010', score: 3, titleHits: 2, terms: ['LLM', 'agents'] },
      { id: '2411.00009', score: 3, titleHits: 2, terms: ['LLM', 'agents'] },
      { id: '2411.00017', score: 3, titleHits: 0, terms: ['LLM', 'agents', 'mixture of experts'] },
      { id: '2411.00015', score: 2.5, titleHits: 1, terms: ['LLM', 'agents'] },
      { id: '2411.00011', score: 2.5, titleHits: 1, terms: ['LLM', 'mixture of experts'] },
      { id: '2411.00016', score: 2, titleHits: 0, terms: ['LLM', 'agents'] },
      // the feed's line break inside "mixture of\n experts" is normalized away in the Paper
      { id: 'cs/9901001', score: 2, titleHits: 0, terms: ['agents', 'mixture of experts'] },
      // "agent swarms" does not hold "agents"; "llms" holds "llm"
      { id: '2411.00012', score: 1, titleHits: 0, terms: ['LLM'] },
    ]);
  });

  it('agrees with the naive scan in both modes', () => {
    for (const mode of ['word', 'substring'] as const) {
      expect(new ListingIndex(papers, { mode }).rank(query)).toEqual(
        new NaiveMatcher(papers, mode).rank(query),
      );
    }
  });
});

describe('ordering', () => {
  it('breaks ties by title hits, then newer id, whatever the listing order', () => {
    const listing = [
      makePaper({ id: '2410.99999', title: 'Agents', abstract: 'LLM.' }),
      makePaper({ id: '2411.00002', title: 'Other', abstract: 'LLM agents and more.' }),
      makePaper({ id: '2411.00001', title: 'Agents', abstract: 'LLM.' }),
      makePaper({ id: '0704.0001', title: 'Agents', abstract: 'LLM.' }),
      makePaper({ id: 'hep-th/9901001', title: 'Agents', abstract: 'LLM.' }),
      makePaper({ id: 'math.GT/0309136', title: 'Agents', abstract: 'LLM.' }),
    ];
    const expected = [
      '2411.00001',
      '2410.99999',
      '0704.0001',
      'math.GT/0309136',
      'hep-th/9901001',
      '2411.00002',
    ];
    const q = parseKeywordQuery('LLM, agents');
    for (const order of [listing, [...listing].reverse()]) {
      expect(new ListingIndex(order).rank(q).map((r) => r.paper.id)).toEqual(expected);
    }
  });

  it('orders arXiv ids newest first across both styles', () => {
    const ids = ['hep-th/9504118', '0704.0001', '2411.17700', '1501.00001', 'astro-ph/0601001', '1412.9999'];
    expect([...ids].sort(compareIdsNewestFirst)).toEqual([
      '2411.17700',
      '1501.00001',
      '1412.9999',
      '0704.0001',
      'astro-ph/0601001',
      'hep-th/9504118',
    ]);
    expect(compareIdsNewestFirst('cs/9901001', 'hep-th/9901001')).not.toBe(0);
    expect(compareIdsNewestFirst('2411.00001', '2411.00001')).toBe(0);
  });
});

describe('rank on a shared index', () => {
  it('gives each query what a fresh index gives it, whether term results are cached or not', () => {
    const queries = [
      'LLM',
      'agents, -survey',
      'mixture of experts, LLM',
      'Agents, llm',
      '"agents"',
      'quantum, RL',
      'LLM, agents, mixture of experts, -survey',
    ].map(parseKeywordQuery);
    const options = { maxPapers: 3, minScore: 1 };
    const expected = queries.map((q) => new ListingIndex(papers).rank(q, options));
    const shared = new ListingIndex(papers);
    expect(queries.map((q) => shared.rank(q, options))).toEqual(expected);
    // Again on the warm index, and in reverse order.
    expect([...queries].reverse().map((q) => shared.rank(q, options))).toEqual([...expected].reverse());
  });
});
