import { describe, expect, it } from 'vitest';
import { extractiveSummary, splitSentences } from '../../../src/summarize/extractive.ts';

describe('extractiveSummary', () => {
  it('takes the first two sentences as the TL;DR and the abstract as the body, marked extractive', () => {
    const summary = extractiveSummary({
      paperId: '2401.01234',
      version: 2,
      abstract: 'We study routing, e.g. for retrieval.  It is 2.5x faster.\nCode is released. More follows.',
      language: 'zh',
    });
    expect(summary).toEqual({
      paperId: '2401.01234',
      version: 2,
      tldr: 'We study routing, e.g. for retrieval. It is 2.5x faster.',
      body: 'We study routing, e.g. for retrieval. It is 2.5x faster. Code is released. More follows.',
      source: 'extractive',
      model: null,
      language: 'zh',
    });
  });

  it('keeps the TL;DR short when the first sentence is long', () => {
    const long = `${'A very long opening clause, '.repeat(20)}end. Second.`;
    const summary = extractiveSummary({ paperId: 'x', version: null, abstract: long, language: 'en' });
    expect(summary.tldr?.length).toBeLessThanOrEqual(300);
    expect(summary.tldr?.endsWith('…')).toBe(true);
  });

  it('gives nulls for an empty abstract', () => {
    const summary = extractiveSummary({ paperId: 'x', version: null, abstract: ' ', language: 'en' });
    expect(summary.tldr).toBeNull();
    expect(summary.body).toBeNull();
  });
});

describe('splitSentences', () => {
  it('does not split at decimals', () => {
    expect(splitSentences('Accuracy rose by 0.3 points. Latency fell.')).toEqual([
      'Accuracy rose by 0.3 points.',
      'Latency fell.',
    ]);
  });
});
