import { describe, expect, it } from 'vitest';
import type { Paper } from '../../../src/arxiv/paper.ts';
import { buildDigest, type Digest } from '../../../src/digest/digest.ts';
import { ListingIndex } from '../../../src/digest/listing-index.ts';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { renderMarkdown } from '../../../src/digest/render/markdown.ts';
import { extractiveSummary } from '../../../src/summarize/extractive.ts';
import type { PaperSummary } from '../../../src/summarize/types.ts';
import { hostileDigest } from './digests.ts';
import { makePaper } from './papers.ts';

const SENTENCES = [
  'Large language model serving is limited by the KV cache.',
  'We page the cache to host memory and prefetch it ahead of the attention kernel.',
  'On eight GPUs, throughput rises by 2.1 times at the same latency.',
  'The method needs no change to the model and works with speculative decoding.',
];
const FILLER = 'Ablations on three model families confirm each part of the design in turn.';
const LAST = 'Code and traces are released with the paper.';
/** About 1,000 characters: longer than the 600 the page shows, with one first and one last sentence. */
const ABSTRACT = [...SENTENCES, ...Array.from({ length: 8 }, () => FILLER), LAST].join(' ');

function paper(id: string, fields: Partial<Paper> = {}): Paper {
  return makePaper({
    id,
    title: `Paged KV cache for LLM serving ${id}`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    abstract: ABSTRACT,
    categories: ['cs.DC', 'cs.LG'],
    announceType: 'new',
    ...fields,
  });
}

function digestOf(papers: Paper[], summaries: PaperSummary[], now = '2025-12-03T04:59:41.000Z'): Digest {
  return buildDigest({
    listing: new ListingIndex(papers),
    query: parseKeywordQuery('LLM, KV cache, -survey'),
    categories: ['cs.DC', 'cs.LG'],
    summaries: new Map(summaries.map((summary) => [summary.paperId, summary])),
    now: new Date(now),
  });
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('renderMarkdown (default layout): each abstract once', () => {
  it('shows an abstract once when its summary was only cut from it', () => {
    const papers = Array.from({ length: 30 }, (_, i) => paper(`2512.${String(i + 100).padStart(5, '0')}`));
    const summaries = papers.map((p) =>
      extractiveSummary({ paperId: p.id, version: p.version, abstract: p.abstract, language: 'en' }),
    );
    const markdown = renderMarkdown(digestOf(papers, summaries));
    const withoutSummaries = renderMarkdown(digestOf(papers, []));
    // It was the cut abstract, the TL;DR cut from it, then the whole abstract again in the summary's body.
    expect(count(markdown, SENTENCES[0] as string)).toBe(30);
    expect(count(markdown, LAST)).toBe(0);
    expect(markdown).not.toContain('<details>');
    expect(markdown.length).toBeLessThanOrEqual(withoutSummaries.length);
  });

  it('keeps the summary a model wrote, which is not the abstract', () => {
    const p = paper('2512.00719');
    const summary: PaperSummary = {
      paperId: p.id,
      version: 1,
      tldr: 'Paging the KV cache doubles serving throughput.',
      body: '## Results\n- Throughput 2.1x on 8 GPUs',
      source: 'model',
      model: 'test-model',
      language: 'en',
    };
    const markdown = renderMarkdown(digestOf([p], [summary]));
    expect(markdown).toContain(
      '<summary><strong>AI summary:</strong> Paging the KV cache doubles serving throughput.</summary>',
    );
    expect(markdown).toContain('- Throughput 2.1x on 8 GPUs');
    expect(count(markdown, SENTENCES[0] as string)).toBe(1);
    expect(count(markdown, LAST)).toBe(0);
  });

  it('shows the summary cut from the abstract when the abstract itself is not shown', () => {
    const p = paper('2512.00719');
    const summary = extractiveSummary({ paperId: p.id, version: 1, abstract: p.abstract, language: 'en' });
    const markdown = renderMarkdown(digestOf([p], [summary]), { abstractLength: 0 });
    expect(markdown).not.toContain('**Abstract:**');
    expect(markdown).toContain('<summary><strong>Summary (from the abstract):</strong>');
  });
});

describe('renderMarkdown, template "classic": the classic script README layout', () => {
  const model: PaperSummary = {
    paperId: '2512.00719',
    version: 1,
    tldr: 'Paging the KV cache doubles serving throughput.',
    body: '## Results\n- Throughput 2.1x on 8 GPUs',
    source: 'model',
    model: 'kimi-k2-thinking',
    language: 'en',
  };
  const papers = [
    paper('2512.00719', { title: 'SIMPLE: Sampling for LLM serving, KV cache', announced: '2025-12-02' }),
    paper('2512.00319', {
      title: 'RL-Struct for LLM outputs',
      authors: [],
      abstract: 'Short abstract about LLM outputs.',
      categories: ['cs.LG', 'cs.AI'],
      announceType: 'cross',
      version: 2,
      announced: '2025-12-02',
    }),
  ];
  const markdown = renderMarkdown(digestOf(papers, [model]), { template: 'classic' });

  it('has the statistics header, the papers with their field lines and the configuration section', () => {
    expect(markdown).toBe(
      [
        '# arXiv digest',
        '',
        '## 📊 Statistics',
        '',
        '- **Last Updated**: 2025-12-03 04:59:41 UTC',
        '- **Total Papers Found**: 2',
        '- **Categories Monitored**: cs.DC, cs.LG',
        '',
        '## 📚 Recent Papers',
        '',
        '### 1. [SIMPLE: Sampling for LLM serving, KV cache](https://arxiv.org/abs/2512.00719)',
        '',
        '**Authors**: Ada Lovelace, Alan Turing  ',
        '**Category**: cs.DC  ',
        '**Published**: 2025-12-02  ',
        '**Score**: 3.0  ',
        '**Type**: new  ',
        '**ArXiv ID**: 2512.00719v1  ',
        '',
        '#### Abstract',
        `${ABSTRACT.slice(0, 300)}...`,
        '',
        '<details>',
        '<summary><strong>🤖 AI Summary (by kimi-k2-thinking)</strong> - Click to expand</summary>',
        '',
        '**TL;DR:** Paging the KV cache doubles serving throughput.',
        '',
        '**Results**',
        '',
        '- Throughput 2.1x on 8 GPUs',
        '',
        '</details>',
        '',
        '---',
        '',
        '### 2. [RL-Struct for LLM outputs](https://arxiv.org/abs/2512.00319)',
        '',
        '**Authors**: Unknown  ',
        '**Category**: cs.LG  ',
        '**Published**: 2025-12-02  ',
        '**Score**: 1.5  ',
        '**Type**: cross  ',
        '**ArXiv ID**: 2512.00319v2  ',
        '',
        '#### Abstract',
        'Short abstract about LLM outputs.',
        '',
        '---',
        '',
        '## 🔧 Configuration',
        '',
        'This digest looks for papers containing the following keywords:',
        '- LLM, KV cache',
        '',
        '---',
        '*Generated automatically by arxiv-digest*',
        '',
      ].join('\n'),
    );
  });

  it('shows one decimal of the score, as the classic script did', () => {
    expect(markdown).toContain('**Score**: 3.0  \n');
    expect(markdown).toContain('**Score**: 1.5  \n');
  });

  it('escapes what comes from arXiv and the model, as our layout does', () => {
    const classic = renderMarkdown(hostileDigest(), { template: 'classic' });
    const tags = new Set([...classic.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]));
    expect([...tags].sort()).toEqual(['details', 'strong', 'summary']);
    expect(classic).not.toContain('@everyone');
    // Brackets from arXiv or the model are escaped: no link is made of them.
    expect(classic).not.toMatch(/[^\\]\]\(javascript:/);
    expect(classic).toContain('\\](javascript:alert(1))');
  });

  it('says so when nothing matched', () => {
    const none = renderMarkdown(digestOf([], []), { template: 'classic' });
    expect(none).toContain('- **Total Papers Found**: 0');
    expect(none).toContain('## 📚 Recent Papers\n\nNo papers matching the criteria were found.\n');
  });
});
