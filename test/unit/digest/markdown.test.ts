import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../../src/digest/digest.ts';
import { ListingIndex } from '../../../src/digest/listing-index.ts';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { escapeMarkdownInline, guardLineStart } from '../../../src/digest/render/escape.ts';
import { cutAtWord } from '../../../src/digest/render/fields.ts';
import { renderMarkdown } from '../../../src/digest/render/markdown.ts';
import { hostileDigest, TEX_SHOWN, texDigest } from './digests.ts';
import { makePaper } from './papers.ts';

describe('renderMarkdown', () => {
  const digest = hostileDigest();
  const markdown = renderMarkdown(digest, { abstractLength: 200 });
  const lines = markdown.split('\n');

  it('has the classic structure: statistics, numbered papers, keywords', () => {
    expect(lines.filter((line) => line.startsWith('#'))).toEqual([
      '# arXiv digest',
      '## Statistics',
      '## Papers',
      '### 1. [LLM agents for planning](https://arxiv.org/abs/2411.00010)',
      expect.stringMatching(/^### 2\. \[LLM &lt;script&gt;.*\]\(https:\/\/arxiv\.org\/abs\/2411\.00100\)$/),
      '### 3. [LLM Agents](https://arxiv.org/abs/2411.00009)',
      '## Keywords',
    ]);
    expect(markdown).toContain('- **Last update:** 2024-11-28 14:47 UTC');
    expect(markdown).toContain('- **Papers:** 3 of 7 listed');
    expect(markdown).toContain('- **Categories:** cs.AI, cs.CR');
    expect(markdown).toContain('- **Terms:** LLM, "mixture of experts"');
    expect(markdown).toContain('- **Excluded:** survey');
  });

  it('shows each paper: authors, categories, date, score, announce type, id, abstract', () => {
    const first = markdown.slice(markdown.indexOf('### 1.'), markdown.indexOf('### 2.'));
    expect(first).toContain('- **Authors:** Alan Turing, Grace Hopper');
    expect(first).toContain('- **Categories:** cs.AI, cs.CL');
    expect(first).toContain('- **Announced:** 2024-11-28');
    expect(first).toContain('- **Score:** 2.5 (LLM, mixture of experts)');
    expect(first).toContain('- **Announce type:** new');
    expect(first).toContain('- **arXiv:** 2411.00010v1');
    expect(first).toContain('**Abstract:** We build LLM agents with a mixture-of-experts router.');
  });

  it('puts the summary in a <details> block, the TL;DR visible', () => {
    expect(markdown.match(/<details>/g)).toHaveLength(1);
    expect(markdown.match(/<\/details>/g)).toHaveLength(1);
    const block = markdown.slice(markdown.indexOf('<details>'), markdown.indexOf('</details>'));
    expect(block).toContain(
      '<summary><strong>AI summary:</strong> &lt;b&gt;Bold&lt;/b&gt; claim @\u200beveryone &#93;(javascript:alert(1)) &amp; more</summary>',
    );
    expect(block).toContain('**Contributions**');
    expect(block).toContain('- **Key idea:** &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(block).toContain('1. First &amp; best\n2. Second &lt;/details&gt; escape attempt');
    // A blank line after <summary> so GitHub reads the body as Markdown.
    expect(block).toMatch(/<\/summary>\n\n/);
  });

  it('renders hostile text from arXiv and the model as text', () => {
    // No raw HTML but the page's own few tags.
    const tags = new Set([...markdown.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]));
    expect([...tags].sort()).toEqual(['details', 'strong', 'sub', 'summary']);
    expect(markdown).not.toMatch(/<[!?]/);
    // No link but the paper links: every other "](" is escaped.
    expect(markdown.match(/(?<!\\)\]\(/g)).toHaveLength(3);
    expect(markdown).not.toMatch(/(?<!\\)\]\((?!https:\/\/arxiv\.org\/abs\/)/);
    // No mention that notifies.
    expect(markdown).not.toMatch(/@(everyone|here|channel)/);
    expect(markdown).toContain('@\u200beveryone');
    // No code spans, math or emphasis from the text.
    expect(markdown).not.toMatch(/(?<!\\)[`$_|]/);
    expect(markdown).toContain('\\*bold\\* \\_it\\_ \\| A &amp; B');
    expect(markdown).toContain(
      '- **Authors:** Eve @\u200bchannel, Mallory &lt;b&gt;\\[x\\]&lt;/b&gt; \\*star\\*',
    );
  });

  it('cuts the abstract at a word boundary', () => {
    const abstractLine = lines.find((line) => line.startsWith('**Abstract:** # Not a heading')) as string;
    expect(abstractLine.endsWith(' so…')).toBe(true);
    expect(renderMarkdown(digest, { abstractLength: 0 })).not.toContain('**Abstract:**');
  });

  it('names ten authors (or maxAuthors), then "et al."', () => {
    const authors = Array.from({ length: 12 }, (_, i) => `Author ${i + 1}`);
    const listing = new ListingIndex([makePaper({ id: '2411.00002', title: 'LLM', authors })]);
    const page = renderMarkdown(buildDigest({ listing, query: parseKeywordQuery('LLM'), categories: [] }));
    expect(page).toContain(`- **Authors:** ${authors.slice(0, 10).join(', ')} et al.\n`);
    expect(
      renderMarkdown(buildDigest({ listing, query: parseKeywordQuery('LLM'), categories: [] }), {
        maxAuthors: 2,
      }),
    ).toContain('- **Authors:** Author 1, Author 2 et al.\n');
  });

  it('says so when nothing matched, and shows the published date where there is one', () => {
    const listing = new ListingIndex([
      makePaper({ id: '2411.00001', title: 'LLM', published: '2024-11-20T18:00:00Z', announceType: null }),
    ]);
    const none = buildDigest({ listing, query: parseKeywordQuery('quantum'), categories: [] });
    expect(renderMarkdown(none)).toContain('No paper of this listing matched the keywords.');
    expect(renderMarkdown(none)).toContain('- **Categories:** all categories');
    const one = renderMarkdown(buildDigest({ listing, query: parseKeywordQuery('LLM'), categories: [] }));
    expect(one).toContain('- **Published:** 2024-11-20');
    expect(one).not.toContain('Announce type');
  });

  it('labels an extractive summary as such', () => {
    const listing = new ListingIndex([makePaper({ id: '2411.00001', title: 'LLM' })]);
    const summary = {
      paperId: '2411.00001',
      version: 1,
      tldr: 'From the abstract.',
      body: null,
      source: 'extractive' as const,
      model: null,
      language: 'en',
    };
    const markdown = renderMarkdown(
      buildDigest({
        listing,
        query: parseKeywordQuery('LLM'),
        categories: [],
        summaries: new Map([['2411.00001', summary]]),
      }),
    );
    expect(markdown).toContain(
      '<summary><strong>Summary (from the abstract):</strong> From the abstract.</summary>',
    );
    expect(markdown).not.toContain('<sub>');
  });
});

describe('Markdown escaping', () => {
  it('escapes inline text once, on one line', () => {
    expect(escapeMarkdownInline('a\n\nb  c')).toBe('a b c');
    expect(escapeMarkdownInline('x\\y [a](b) <i> & @x')).toBe('x\\\\y \\[a\\](b) &lt;i&gt; &amp; @\u200bx');
  });

  it('guards the start of a line', () => {
    expect(guardLineStart('# h')).toBe('\\# h');
    expect(guardLineStart('- item')).toBe('\\- item');
    expect(guardLineStart('12. item')).toBe('12\\. item');
    expect(guardLineStart('=== ')).toBe('\\=== ');
    expect(guardLineStart('text # x')).toBe('text # x');
  });
});

describe('cutAtWord', () => {
  it('cuts at the last space that fits, with an ellipsis, within the length', () => {
    expect(cutAtWord('The quick brown fox', 19)).toBe('The quick brown fox');
    expect(cutAtWord('The quick brown fox', 12)).toBe('The quick…');
    expect(cutAtWord('The quick, brown fox', 12)).toBe('The quick…');
    expect(cutAtWord('Supercalifragilistic', 6)).toBe('Super…');
  });

  it('never splits a surrogate pair', () => {
    expect(cutAtWord('ab😀cdef', 4)).toBe('ab…');
  });
});

describe('renderMarkdown: TeX in arXiv metadata', () => {
  const markdown = renderMarkdown(texDigest());

  it('shows titles, authors and abstracts with their accents as characters, math as it is', () => {
    expect(markdown).toContain(
      `### 1. [${escapeMarkdownInline(TEX_SHOWN.title)}](https://arxiv.org/abs/2411.00200)`,
    );
    expect(markdown).toContain(`- **Authors:** ${escapeMarkdownInline(TEX_SHOWN.authors)}`);
    expect(markdown).toContain(escapeMarkdownInline(TEX_SHOWN.abstract));
    expect(markdown).not.toMatch(/\\\\['"vH]|\{\\\\/);
  });
});
