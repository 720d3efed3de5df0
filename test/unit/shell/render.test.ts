import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../adapters/shell/markdown.ts';
import { messagePlainText, renderBlock, renderMessage } from '../../../adapters/shell/render.ts';
import { ansiStyle, plainStyle } from '../../../adapters/shell/style.ts';
import type { Paper } from '../../../src/arxiv/paper.ts';
import type { Block } from '../../../src/chat/types.ts';

function paper(overrides: Partial<Paper> = {}): Paper {
  return {
    id: '1706.03762',
    version: 7,
    title: 'Attention Is All You Need',
    authors: ['Ashish Vaswani', 'Noam Shazeer', 'Niki Parmar', 'Jakob Uszkoreit'],
    abstract: 'The dominant sequence transduction models...',
    categories: ['cs.CL', 'cs.LG'],
    primaryCategory: 'cs.CL',
    announceType: 'new',
    published: null,
    updated: null,
    announced: '2017-06-13',
    absUrl: 'https://arxiv.org/abs/1706.03762',
    pdfUrl: 'https://arxiv.org/pdf/1706.03762',
    doi: null,
    journalRef: null,
    comment: null,
    ...overrides,
  };
}

const plain = (block: Block): string[] => renderBlock(block, plainStyle);

describe('renderBlock, plain', () => {
  it('renders a paper: rank, title, authors with et al. after three, categories, score, terms, TL;DR, URL', () => {
    const block: Block = {
      kind: 'paper',
      paper: paper(),
      rank: 12,
      score: 2.5,
      matchedTerms: ['attention', 'transformer'],
      tldr: 'Self-attention alone is enough for translation.',
    };
    expect(plain(block)).toEqual([
      '12. Attention Is All You Need',
      '    Ashish Vaswani, Noam Shazeer, Niki Parmar et al. · cs.CL, cs.LG',
      '    score 2.5 · matched: attention, transformer',
      '    TL;DR: Self-attention alone is enough for translation.',
      '    https://arxiv.org/abs/1706.03762',
    ]);
  });

  it('renders a paper shown alone: no rank, no score, no terms, no TL;DR, three authors in full', () => {
    const block: Block = {
      kind: 'paper',
      paper: paper({ authors: ['A. One', 'B. Two', 'C. Three'] }),
      rank: null,
      score: null,
      matchedTerms: [],
      tldr: null,
    };
    expect(plain(block)).toEqual([
      'Attention Is All You Need',
      'A. One, B. Two, C. Three · cs.CL, cs.LG',
      'https://arxiv.org/abs/1706.03762',
    ]);
  });

  it('rounds a score to two decimals and keeps an integer score whole', () => {
    const base = { kind: 'paper' as const, paper: paper(), rank: 1, matchedTerms: [], tldr: null };
    expect(plain({ ...base, score: 1.3333333 })[2]).toBe('   score 1.33');
    expect(plain({ ...base, score: 3 })[2]).toBe('   score 3');
  });

  it('renders header, text spans with links as text <url>, context and divider', () => {
    expect(plain({ kind: 'header', text: 'arXiv digest\n2024-01-02' })).toEqual(['arXiv digest 2024-01-02']);
    expect(
      plain({
        kind: 'text',
        spans: [
          { text: 'Read ' },
          { text: 'the paper', bold: true, link: 'https://arxiv.org/abs/1706.03762' },
          { text: ', or ' },
          { text: 'https://arxiv.org/abs/1706.03762', link: 'https://arxiv.org/abs/1706.03762' },
          { text: '.\nNext line' },
        ],
      }),
    ).toEqual([
      'Read the paper <https://arxiv.org/abs/1706.03762>, or https://arxiv.org/abs/1706.03762.',
      'Next line',
    ]);
    expect(plain({ kind: 'context', spans: [{ text: '12 papers' }, { text: ' · 3 summarized' }] })).toEqual([
      '12 papers · 3 summarized',
    ]);
    expect(plain({ kind: 'divider' })).toEqual(['─'.repeat(40)]);
  });

  it('shows a link whose text poses as another address with its real destination', () => {
    const lines = plain({
      kind: 'text',
      spans: [{ text: 'https://arxiv.org/abs/2401.00001', link: 'https://evil.example/phish' }],
    });
    expect(lines).toEqual(['https://arxiv.org/abs/2401.00001 <https://evil.example/phish>']);
  });

  it('strips escape sequences and controls from every field of a paper', () => {
    const lines = plain({
      kind: 'paper',
      paper: paper({
        title: 'Title\u001b[2J\u001b]0;t\u0007',
        authors: ['Eve\u202e'],
        categories: ['cs.AI\u0000'],
        absUrl: 'https://arxiv.org/abs/1\u001b[31m',
      }),
      rank: 1,
      score: null,
      matchedTerms: ['te\u0007rm'],
      tldr: 'short\nand\u009b31m sweet',
    });
    expect(lines).toEqual([
      '1. Title',
      '   Eve · cs.AI',
      '   matched: term',
      '   TL;DR: short and sweet',
      '   https://arxiv.org/abs/1',
    ]);
  });
});

describe('renderMessage', () => {
  it('renders the blocks, or the plain-text fallback when there are none', () => {
    expect(messagePlainText({ text: 'fallback', blocks: [{ kind: 'header', text: 'Header' }] })).toBe(
      'Header',
    );
    expect(messagePlainText({ text: 'only\ntext\u001b[2J', blocks: [] })).toBe('only\ntext');
  });

  it('styles with ANSI codes on a terminal, and none of the text can add its own', () => {
    const lines = renderMessage(
      {
        text: '',
        blocks: [
          { kind: 'header', text: 'Digest\u001b[2J' },
          { kind: 'text', spans: [{ text: 'see', link: 'https://arxiv.org/abs/1\u001b]8;;x\u0007' }] },
          { kind: 'context', spans: [{ text: 'small\u009b31m print' }] },
        ],
      },
      ansiStyle,
    );
    expect(lines).toEqual([
      '\u001b[1mDigest\u001b[22m',
      'see <\u001b[4mhttps://arxiv.org/abs/1\u001b[24m>',
      '\u001b[2msmall print\u001b[22m',
    ]);
  });
});

describe('renderMarkdown', () => {
  it('converts headings, emphasis, code, lists, quotes, rules and links into terminal text', () => {
    const markdown = [
      '## Summary',
      '',
      '',
      'The **method** uses *sparse* attention and `top_k` routing; snake_case_names stay.',
      '- first point',
      '  * nested point',
      '3) third',
      '> quoted',
      '---',
      'See [the code](https://github.com/x/y) and <https://arxiv.org/abs/1706.03762>.',
      '```',
      '**not bold** in code',
      '```',
      '',
    ].join('\n');
    expect(renderMarkdown(markdown, plainStyle)).toEqual([
      'Summary',
      '',
      'The method uses sparse attention and top_k routing; snake_case_names stay.',
      '• first point',
      '  • nested point',
      '3. third',
      '│ quoted',
      '─'.repeat(24),
      'See the code <https://github.com/x/y> and https://arxiv.org/abs/1706.03762.',
      '**not bold** in code',
    ]);
  });

  it('shows where a forged Markdown link goes, and styles on a terminal', () => {
    expect(renderMarkdown('[https://arxiv.org/abs/1](https://evil.example)', plainStyle)).toEqual([
      'https://arxiv.org/abs/1 <https://evil.example>',
    ]);
    expect(renderMarkdown('# Title with **bold**\n_it_', ansiStyle)).toEqual([
      '\u001b[1mTitle with bold\u001b[22m',
      '\u001b[3mit\u001b[23m',
    ]);
  });

  it('treats raw HTML and chat markup as text, and strips control characters', () => {
    expect(renderMarkdown('<script>x</script> <!channel> @here\u001b[2J\u0007', plainStyle)).toEqual([
      '<script>x</script> <!channel> @here',
    ]);
  });
});
