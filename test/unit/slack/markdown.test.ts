import { describe, expect, it } from 'vitest';
import { markdownToMrkdwn } from '../../../adapters/slack/markdown.ts';
import { splitMrkdwn } from '../../../adapters/slack/split.ts';
import { readMrkdwn } from '../../fakes/slack/shown.ts';

describe('markdownToMrkdwn', () => {
  it('converts headings, emphasis, lists, code and links, one section per heading', () => {
    const sections = markdownToMrkdwn(
      [
        'Intro with **bold**, *em*, _em too_, ~~gone~~ and `x < y`.',
        '',
        '## Method',
        '- first [paper](https://arxiv.org/abs/2401.00001)',
        '  - nested',
        '1. one',
        '> quoted',
        '',
        '```',
        'a <b> & c',
        '```',
        '# Results',
        'snake_case_name stays, as does 2 * 3 * 4',
      ].join('\n'),
    );
    expect(sections).toEqual([
      'Intro with *bold*, _em_, _em too_, ~gone~ and `x &lt; y`.',
      '*Method*\n• first paper (<https://arxiv.org/abs/2401.00001>)\n    ◦ nested\n1. one\n> quoted\n\n```\na &lt;b&gt; &amp; c\n```',
      '*Results*\nsnake_case_name stays, as does 2 * 3 * 4',
    ]);
  });

  it('escapes everything it does not convert, so a summary cannot ping or forge a link', () => {
    const [section = ''] = markdownToMrkdwn(
      'Hi <!channel> <@U1> [https://arxiv.org/abs/1](https://evil.example) <https://evil.example|arxiv.org>',
    );
    const shown = readMrkdwn(section);
    expect(shown.pings).toEqual([]);
    // A link whose text names arxiv.org goes to arxiv.org; the evil address is only ever shown as itself.
    for (const link of shown.links) {
      if (link.text.includes('arxiv.org')) expect(new URL(link.url).hostname).toBe('arxiv.org');
      if (link.url.includes('evil')) expect(link.text).toBe(link.url);
    }
    expect(shown.links.map((link) => link.url)).toContain('https://evil.example/');
  });
});

describe("markdownToMrkdwn: a model's links", () => {
  it('shows every link with its real address, never behind a label, wherever it points', () => {
    const [section = ''] = markdownToMrkdwn(
      [
        'Please [login](https://evil.example) to read [the paper](https://arxiv.org/abs/2401.00001).',
        '- [https://evil.example](https://evil.example) and <https://evil.example/auto> and [js](ftp://files.example/x)',
      ].join('\n'),
    );
    expect(section).not.toMatch(/<[^<>]*\|[^<>]*>/);
    const shown = readMrkdwn(section);
    for (const link of shown.links) expect(link.text).toBe(link.url);
    expect(shown.text).toContain('login (https://evil.example/)');
    expect(shown.text).toContain('the paper (https://arxiv.org/abs/2401.00001)');
    expect(shown.text).toContain(
      '• https://evil.example/ and https://evil.example/auto and js (ftp://files.example/x)',
    );
    expect(shown.links.map((link) => link.url)).toEqual([
      'https://evil.example/',
      'https://arxiv.org/abs/2401.00001',
      'https://evil.example/',
      'https://evil.example/auto',
    ]);
  });
});

describe('splitMrkdwn', () => {
  it('cuts at paragraphs, then lines, then words, never inside a link or an entity', () => {
    const link = '<https://arxiv.org/abs/2401.00001|a long title with many words>';
    const text = `${'word '.repeat(30)}${link} &amp; ${'more '.repeat(30)}`;
    const pieces = splitMrkdwn(text, 80);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(80);
    expect(pieces.join(' ').replace(/\s+/g, ' ').trim()).toBe(text.replace(/\s+/g, ' ').trim());
    expect(pieces.some((piece) => piece.includes(link))).toBe(true);
    expect(pieces.some((piece) => piece.includes('&amp;'))).toBe(true);
    expect(splitMrkdwn('para one\n\npara two', 12)).toEqual(['para one', 'para two']);
  });

  it('cuts a code fence whose line is longer than a piece, instead of looping forever (found by the fuzz, test/fuzz)', () => {
    // The only cut before the limit was right after the opening fence: the piece was the fence alone, and
    // closing and reopening it gave back the same text, forever (a model's summary could freeze the bot).
    const line = 'x'.repeat(4000);
    const pieces = splitMrkdwn(`\`\`\`\n${line}\n\`\`\``, 3000);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(3000);
    expect(pieces.join('').replace(/[`\n]/g, '')).toBe(line);
    expect(splitMrkdwn(`text \`\`\` ${line}`, 3000).length).toBeGreaterThan(1);
  });

  it('closes a code fence it cuts and reopens it in the next piece', () => {
    const code = `\`\`\`\n${Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n')}\n\`\`\``;
    const pieces = splitMrkdwn(code, 60);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(60);
      expect(piece.startsWith('```')).toBe(true);
      expect(piece.endsWith('```')).toBe(true);
    }
  });
});
