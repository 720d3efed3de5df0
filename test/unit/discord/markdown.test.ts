import { describe, expect, it } from 'vitest';
import { codeFence, markdownToDiscord, visibleLink } from '../../../adapters/discord/markdown.ts';
import { readMarkdown } from '../../fakes/discord/shown.ts';

const ZWSP = '\u200b';

describe('markdownToDiscord', () => {
  it('converts headings, emphasis, lists, quotes and code, one section per heading', () => {
    const sections = markdownToDiscord(
      [
        'Intro with **bold**, *em*, _em too_, ~~gone~~ and `x < y`.',
        '',
        '## Method',
        '- first',
        '  - nested',
        '1. one',
        '> quoted',
        '',
        '```',
        'a <b> & *c*',
        '```',
        '# Results',
        'snake_case_name stays, as does 2 * 3 * 4',
        '---',
      ].join('\n'),
    );
    expect(sections).toEqual([
      'Intro with **bold**, *em*, *em too*, ~~gone~~ and `x < y`.',
      '**Method**\n- first\n  - nested\n1. one\n> quoted\n\n```\na <b> & *c*\n```',
      '**Results**\nsnake\\_case\\_name stays, as does 2 \\* 3 \\* 4\n───────────',
    ]);
  });

  it('escapes what it does not convert: markup, mentions, line-start forms', () => {
    const [section = ''] = markdownToDiscord('Hi <@1> <@&2> @everyone ||spoiler|| __u__ \\*');
    expect(section).toBe(`Hi \\<@1> \\<@&2> @${ZWSP}everyone \\|\\|spoiler\\|\\| **u** \\\\\\*`);
    // Inside list items and headings too.
    expect(markdownToDiscord('- # not a heading\n## <@1> -# x')).toEqual([
      '- \\# not a heading',
      `**<${ZWSP}@1> -# x**`,
    ]);
  });

  it('never masks a link the model wrote: the real address is always shown', () => {
    const [section = ''] = markdownToDiscord(
      'See [the paper](https://arxiv.org/abs/2401.00001), [https://arxiv.org/abs/1](https://evil.example/phish), <https://example.org/x> and [same](same).',
    );
    expect(section).toBe(
      'See the paper (https://arxiv.org/abs/2401.00001), https://arxiv.org/abs/1 (https://evil.example/phish), https://example.org/x and same.',
    );
    expect(section).not.toContain('](');
    expect(visibleLink('https://arxiv.org/abs/1', 'https://arxiv.org/abs/1')).toBe('https://arxiv.org/abs/1');
    expect(visibleLink('click', 'javascript:alert(1)')).toBe('click (javascript:alert\\(1\\))');
    expect(visibleLink('arXiv', 'https://user@evil.example/a(b)')).toBe(
      'arXiv (https://evil.example/a%28b%29)',
    );
  });

  it('keeps code fences closed: nothing inside can end one', () => {
    expect(codeFence(['x ``` y', '````', '<@1> @here'])).toBe(
      `\`\`\`\nx \`${ZWSP}\`${ZWSP}\` y\n\`${ZWSP}\`${ZWSP}\`${ZWSP}\`\n<${ZWSP}@1> @${ZWSP}here\n\`\`\``,
    );
    const [section = ''] = markdownToDiscord('```js\nlet a = "```";\n```\nafter');
    expect(section.split('\n').filter((line) => line === '```')).toHaveLength(2);
    expect(section.endsWith('```\nafter')).toBe(true);
    // An unclosed fence still shows as code, closed.
    expect(markdownToDiscord('```\nopen <@1>')).toEqual([`\`\`\`\nopen <${ZWSP}@1>\n\`\`\``]);
  });

  it('sets apart what follows a shown address, which Discord would read as part of it (found by the fuzz, test/fuzz)', () => {
    // The address ran on over the escaped backticks and the code span's opening: the masked link after
    // it was read as one, its label posing as arXiv.
    const forged = '[https://arxiv.org/abs/2401.00001](https://evil.example/phish)';
    const [section = ''] = markdownToDiscord(`<${forged}\`\`\`><${forged}\`\`\`>`);
    expect(section).toContain('(https://evil.example/phish) \\`');
    const links = readMarkdown(section).links;
    expect(links.filter((link) => link.text !== link.url)).toEqual([]);
    const [code = ''] = markdownToDiscord(
      '[a](https://x.org/a)`code`, [b](https://x.org/b). [c](https://x.org/c).d',
    );
    expect(code).toBe('a (https://x.org/a) `code`, b (https://x.org/b). c (https://x.org/c) .d');
  });

  it('keeps styles working next to a bare address', () => {
    expect(markdownToDiscord('**see https://arxiv.org/abs/1** and *https://x.org*')).toEqual([
      '**see https://arxiv.org/abs/1 ** and https://x.org',
    ]);
  });

  it('collapses blank lines and drops empty sections and items', () => {
    expect(markdownToDiscord('\n\n# \n\nOne\n\n\n\nTwo\n-\n#\n')).toEqual(['One\n\nTwo\n\\-\n\\#']);
    expect(markdownToDiscord('')).toEqual([]);
  });
});
