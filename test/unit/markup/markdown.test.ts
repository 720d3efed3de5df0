import { describe, expect, it } from 'vitest';
import { parseMarkdownBlocks, tokenizeInline } from '../../../src/markup/markdown.ts';

describe('parseMarkdownBlocks', () => {
  it('classifies each line, keeping the text after the marker', () => {
    expect(
      parseMarkdownBlocks(
        [
          '## Method ##',
          '- first',
          '    * deeper',
          '12) twelfth',
          '> quoted',
          '- - -',
          'plain  ',
          '',
          '    # code?',
        ].join('\n'),
      ),
    ).toEqual([
      { kind: 'heading', text: 'Method' },
      { kind: 'bullet', depth: 0, text: 'first' },
      { kind: 'bullet', depth: 2, text: 'deeper' },
      { kind: 'numbered', depth: 0, number: '12', text: 'twelfth' },
      { kind: 'quote', text: 'quoted' },
      // A rule wins over a bullet whose text is dashes.
      { kind: 'rule' },
      { kind: 'text', text: 'plain' },
      { kind: 'text', text: '' },
      // Four spaces of indentation are too many for a heading.
      { kind: 'text', text: '    # code?' },
    ]);
  });

  it('caps list nesting at four levels and leaves over-long numbers and #7 headings as text', () => {
    expect(parseMarkdownBlocks(`${' '.repeat(20)}- deep`)).toEqual([
      { kind: 'bullet', depth: 4, text: 'deep' },
    ]);
    expect(parseMarkdownBlocks('1234567890. big\n####### seven')).toEqual([
      { kind: 'text', text: '1234567890. big' },
      { kind: 'text', text: '####### seven' },
    ]);
  });

  it('keeps a fence together, blank lines and Markdown inside included, and runs an unclosed one to the end', () => {
    expect(parseMarkdownBlocks('```ts\n# not a heading  \n\n**x**\n~~~\nafter\n~~~\nopen\n')).toEqual([
      { kind: 'code', lines: ['# not a heading', '', '**x**'] },
      { kind: 'text', text: 'after' },
      { kind: 'code', lines: ['open', ''] },
    ]);
  });

  it('gives no block for a fence with nothing inside', () => {
    expect(parseMarkdownBlocks('a\n```\n```\nb')).toEqual([
      { kind: 'text', text: 'a' },
      { kind: 'text', text: 'b' },
    ]);
  });
});

describe('tokenizeInline', () => {
  it('splits text into code, strong, emphasis, links and autolinks, in order', () => {
    expect(
      tokenizeInline(
        'A **b** and __c__, *d* _e_ `f*g*` [h](https://x.example/h "t") ![i](<https://x.example/i>) <https://x.example/j>.',
      ),
    ).toEqual([
      { kind: 'text', text: 'A ' },
      { kind: 'strong', text: 'b' },
      { kind: 'text', text: ' and ' },
      { kind: 'strong', text: 'c' },
      { kind: 'text', text: ', ' },
      { kind: 'em', text: 'd' },
      { kind: 'text', text: ' ' },
      { kind: 'em', text: 'e' },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'f*g*' },
      { kind: 'text', text: ' ' },
      { kind: 'link', label: 'h', url: 'https://x.example/h' },
      { kind: 'text', text: ' ' },
      { kind: 'link', label: 'i', url: 'https://x.example/i' },
      { kind: 'text', text: ' ' },
      { kind: 'autolink', url: 'https://x.example/j' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('reads nothing inside a token again, and a link wins over the strong text in its label', () => {
    expect(tokenizeInline('[**a**](https://x.example)')).toEqual([
      { kind: 'link', label: '**a**', url: 'https://x.example' },
    ]);
  });

  it('leaves snake_case, lone stars, raw HTML and a link without a destination as text', () => {
    expect(tokenizeInline('snake_case_name 2 * 3 * 4 <b>x</b>')).toEqual([
      { kind: 'text', text: 'snake_case_name 2 * 3 * 4 <b>x</b>' },
    ]);
    // The empty link is not read again either: its **a** stays as written.
    expect(tokenizeInline('x [**a**]() *y*')).toEqual([
      { kind: 'text', text: 'x [**a**]() ' },
      { kind: 'em', text: 'y' },
    ]);
  });

  it('reads ~~strike~~ only when asked, which changes what an emphasis can span', () => {
    const text = '~~a *b~~ c*';
    expect(tokenizeInline(text)).toEqual([
      { kind: 'text', text: '~~a ' },
      { kind: 'em', text: 'b~~ c' },
    ]);
    expect(tokenizeInline(text, { strikethrough: true })).toEqual([
      { kind: 'strike', text: 'a *b' },
      { kind: 'text', text: ' c*' },
    ]);
  });

  it('gives no token for empty text', () => {
    expect(tokenizeInline('')).toEqual([]);
  });
});
