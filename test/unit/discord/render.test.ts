import { describe, expect, it } from 'vitest';
import {
  ACCENT_COLOR,
  clipMarkdown,
  DISCORD_LIMITS,
  type DiscordMessagePart,
  embedLength,
  FOOTER_RESERVE,
  renderMessage,
  splitMarkdown,
} from '../../../adapters/discord/render.ts';
import type { Paper } from '../../../src/arxiv/paper.ts';
import { searchResultsMessage, summaryMessage } from '../../../src/bot/render.ts';
import type { Block, OutboundMessage } from '../../../src/chat/types.ts';
import type { PaperSummary } from '../../../src/summarize/types.ts';
import { hostileMessage } from '../../contract/hostile.ts';
import { validateMessage } from '../../fakes/discord/validate-message.ts';
import { makePaper } from '../../support/papers.ts';

// ---------------------------------------------------------------------------------------------------------
// Discord Markdown read the way a Discord client reads it (the parts this renderer can produce): escapes,
// code spans and fences, masked links, bare and angle-bracket addresses, mentions; style markers hidden.
// ---------------------------------------------------------------------------------------------------------

interface ShownLink {
  text: string;
  url: string;
  masked: boolean;
}

interface Shown {
  text: string;
  links: ShownLink[];
  /** What would ping or show as a mention: `@everyone`, `@here`, `<@1>`, `<@&1>`, `<#1>`, `</c:1>`, ... */
  mentions: string[];
}

const sticky = (source: string) => new RegExp(source, 'y');
const ESCAPE = sticky(String.raw`\\([^0-9A-Za-z\s])`);
const CODE = sticky('`([^`\\n]+)`');
const MASKED = sticky(
  String.raw`\[((?:\[[^\]]*\]|[^[\]]|\](?=[^[]*\]))*)\]\(\s*<?((?:\([^)]*\)|[^\s\\])*?)>?\s*\)`,
);
const MENTION = sticky(String.raw`<(?:@!?\d+|@&\d+|#\d+|\/[\w -]+:\d+|t:-?\d+(?::[tTdDfFR])?|a?:\w+:\d+)>`);
const ANGLE_LINK = sticky(String.raw`<(https?:\/\/[^\s>]+)>`);
const BARE_URL = sticky(String.raw`https?:\/\/[^\s<]+[^<.,:;"')\]\s]`);
const EVERYONE = sticky('@(?:everyone|here)');
const MARKER = sticky(String.raw`\*\*|~~|\|\||__|\*|_`);

/** What a form shows: its text, and the link or mention it makes. */
interface Form {
  text: string;
  link?: ShownLink;
  mentions?: string[];
}

/** The forms, tried in order at each position. */
const RULES: Array<[RegExp, (match: RegExpExecArray) => Form]> = [
  [ESCAPE, (m) => ({ text: m[1] ?? '' })],
  [CODE, (m) => ({ text: m[1] ?? '' })],
  [
    MASKED,
    (m) => {
      const label = readDiscord(m[1] ?? '');
      return {
        text: label.text,
        link: { text: label.text, url: m[2] ?? '', masked: true },
        mentions: label.mentions,
      };
    },
  ],
  [MENTION, (m) => ({ text: m[0], mentions: [m[0]] })],
  [ANGLE_LINK, (m) => ({ text: m[1] ?? '', link: { text: m[1] ?? '', url: m[1] ?? '', masked: false } })],
  [BARE_URL, (m) => ({ text: m[0], link: { text: m[0], url: m[0], masked: false } })],
  [EVERYONE, (m) => ({ text: m[0], mentions: [m[0]] })],
  // A style marker: not shown.
  [MARKER, () => ({ text: '' })],
];

function readDiscord(markdown: string): Shown {
  const out: Shown = { text: '', links: [], mentions: [] };
  let i = 0;
  scanning: while (i < markdown.length) {
    const lineStart = i === 0 || markdown[i - 1] === '\n';
    if (lineStart && markdown.startsWith('```', i)) {
      const close = markdown.indexOf('\n```', i + 3);
      const end = close === -1 ? markdown.length : close;
      out.text += markdown.slice(markdown.indexOf('\n', i) + 1 || end, end);
      i = close === -1 ? end : close + 4;
      continue;
    }
    for (const [pattern, show] of RULES) {
      pattern.lastIndex = i;
      const match = pattern.exec(markdown);
      if (match) {
        const form = show(match);
        out.text += form.text;
        if (form.link) out.links.push(form.link);
        out.mentions.push(...(form.mentions ?? []));
        i += match[0].length;
        continue scanning;
      }
    }
    out.text += markdown[i];
    i++;
  }
  return out;
}

/** The first control character, escape or bidi override a client could act on, or null. */
function controlCharacter(text: string): string | null {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const c0 = code < 0x20 && char !== '\n';
    const c1 = code >= 0x7f && code <= 0x9f;
    const bidi = (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
    if (c0 || c1 || bidi) return `U+${code.toString(16)}`;
  }
  return null;
}

function readPart(part: DiscordMessagePart): Shown {
  const shown: Shown = { text: '', links: [], mentions: [] };
  const add = (read: Shown) => {
    shown.text += `${read.text}\n`;
    shown.links.push(...read.links);
    shown.mentions.push(...read.mentions);
  };
  if (part.content !== undefined) add(readDiscord(part.content));
  for (const embed of part.embeds) {
    if (embed.title !== undefined) {
      const title = readDiscord(embed.title);
      add(title);
      if (embed.url !== undefined) shown.links.push({ text: title.text, url: embed.url, masked: true });
    }
    if (embed.description !== undefined) add(readDiscord(embed.description));
  }
  return shown;
}

const readAll = (parts: DiscordMessagePart[]) => parts.map(readPart);
const words = (text: string) =>
  text
    .replace(/\u200b/g, '')
    .replace(/\s+/g, ' ')
    .trim();

function hostsNamedIn(text: string): Set<string> {
  return new Set([...text.matchAll(/https?:\/\/([a-z0-9.-]+)/gi)].map((m) => (m[1] ?? '').toLowerCase()));
}

/** What is wrong with how the parts show: pings, mentions, links whose text names another host. */
function inertProblems(parts: DiscordMessagePart[]): string[] {
  const problems: string[] = [];
  for (const shown of readAll(parts)) {
    for (const mention of shown.mentions) problems.push(`shows the mention ${mention}`);
    for (const link of shown.links) {
      const named = hostsNamedIn(link.text);
      // The host as a reader sees it in the address (a bare address's text is the address itself).
      const host = [...hostsNamedIn(link.url)][0] ?? link.url;
      if (named.size > 0 && !named.has(host)) problems.push(`the link "${link.text}" goes to ${link.url}`);
      if (link.masked && host !== 'arxiv.org') problems.push(`a masked link goes to ${link.url}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------------------

/** Each part checked by the fake Discord's validator (with the poster's longest footer) and by hand. */
function expectWithinLimits(message: OutboundMessage): DiscordMessagePart[] {
  const parts = renderMessage(message);
  expect(parts.length).toBeGreaterThan(0);
  for (const part of parts) {
    expect(part.embeds.length).toBeGreaterThan(0);
    expect(part.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
    if (part.content !== undefined) {
      expect(part.content.trim()).not.toBe('');
      expect(part.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    }
    let total = 0;
    for (const embed of part.embeds) {
      expect(embed.footer).toBeUndefined();
      expect(embed.color).toBe(ACCENT_COLOR);
      expect(embed.title !== undefined || embed.description !== undefined).toBe(true);
      if (embed.title !== undefined) {
        expect(embed.title.trim()).not.toBe('');
        expect(embed.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
        expect(embed.title).not.toContain('\n');
      }
      if (embed.description !== undefined) {
        expect(embed.description.trim()).not.toBe('');
        expect(embed.description.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
        // Code fences are whole lines of ``` and come in pairs.
        expect(embed.description.split('\n').filter((line) => line === '```').length % 2).toBe(0);
      }
      if (embed.url !== undefined) expect(embed.url).toMatch(/^https?:\/\/\S+$/);
      total += embedLength(embed);
    }
    expect(total + FOOTER_RESERVE).toBeLessThanOrEqual(DISCORD_LIMITS.totalPerMessage);
    const embeds = part.embeds.map((embed) => ({ ...embed }));
    const last = embeds.at(-1);
    if (last) last.footer = { text: 'f'.repeat(FOOTER_RESERVE) };
    expect(() =>
      validateMessage({ content: part.content, embeds }, { requireSomething: true }),
    ).not.toThrow();
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------------------

function paper(n: number, overrides: Partial<Paper> = {}): Paper {
  return makePaper(`2401.${String(n).padStart(5, '0')}`, {
    title: `Paper number ${n}`,
    authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'],
    categories: ['cs.LG', 'cs.AI'],
    ...overrides,
  });
}

const paperBlock = (p: Paper, rank: number | null = 1, tldr: string | null = 'It works <well>.'): Block => ({
  kind: 'paper',
  paper: p,
  rank,
  score: 2.5,
  matchedTerms: ['transformer', 'diffusion'],
  tldr,
});

const summary = (body: string, tldr: string | null = 'Short.'): PaperSummary => ({
  paperId: '2401.00001',
  version: 1,
  tldr,
  body,
  source: 'model',
  model: 'test-model',
  language: 'en',
});

describe('renderMessage: papers', () => {
  it('shows a paper as its own embed: linked title, authors and categories, scoring as subtext, TL;DR', () => {
    const parts = expectWithinLimits({ text: 'Paper number 7', blocks: [paperBlock(paper(7), 3)] });
    expect(parts).toEqual([
      {
        embeds: [
          {
            title: '3. Paper number 7',
            url: 'https://arxiv.org/abs/2401.00007',
            description:
              'Ada Lovelace, Alan Turing, Grace Hopper et al. · cs.LG, cs.AI\n-# score 2.5 · matched: transformer, diffusion\n**TL;DR** It works \\<well>.',
            color: ACCENT_COLOR,
          },
        ],
      },
    ]);
  });

  it('leaves out what a paper does not have', () => {
    const block: Block = {
      kind: 'paper',
      paper: paper(1),
      rank: null,
      score: null,
      matchedTerms: [],
      tldr: null,
    };
    const [part] = expectWithinLimits({ text: '', blocks: [block] });
    expect(part?.embeds).toEqual([
      {
        title: 'Paper number 1',
        url: 'https://arxiv.org/abs/2401.00001',
        description: 'Ada Lovelace, Alan Turing, Grace Hopper et al. · cs.LG, cs.AI',
        color: ACCENT_COLOR,
      },
    ]);
  });

  it('names three authors of a 1,000-author paper and clips a 10,000-character title', () => {
    const authors = Array.from({ length: 1000 }, (_, i) => `Author ${i} ${'x'.repeat(40)}`);
    const huge = paper(2, { title: `Title *${'word '.repeat(2000)}`, authors });
    const [part] = expectWithinLimits({ text: 'x', blocks: [paperBlock(huge, 1, 'T'.repeat(30_000))] });
    const embed = part?.embeds[0];
    expect(embed?.title?.length).toBeLessThanOrEqual(256);
    expect(embed?.title?.startsWith('1. Title \\*word word')).toBe(true);
    expect(embed?.title?.endsWith('…')).toBe(true);
    expect(embed?.url).toBe('https://arxiv.org/abs/2401.00002');
    expect(embed?.description).toContain(`Author 2 ${'x'.repeat(40)} et al. · cs.LG, cs.AI`);
    expect(embed?.description).not.toContain('Author 3 ');
    expect(embed?.description).toMatch(/\*\*TL;DR\*\* T+…$/);
  });

  it('puts 10 search results in one message: the summary line as content, one embed per paper', () => {
    const results = Array.from({ length: 10 }, (_, i) => ({
      paper: paper(i + 1),
      score: 1,
      matchedTerms: ['x'],
    }));
    const parts = expectWithinLimits(
      searchResultsMessage('diffusion *models*', results, 'Also searched the local index.'),
    );
    expect(parts).toHaveLength(1);
    expect(parts[0]?.content).toBe('10 papers for `diffusion *models*`\n-# Also searched the local index.');
    expect(parts[0]?.embeds.map((embed) => embed.url)).toEqual(results.map((r) => r.paper.absUrl));
  });

  it('spreads 30 papers over messages of at most 10 embeds, in order, losing none', () => {
    const blocks: Block[] = [{ kind: 'header', text: 'arXiv digest' }];
    for (let n = 1; n <= 30; n++)
      blocks.push(paperBlock(paper(n), n, `Finding ${n}. `.repeat(100)), { kind: 'divider' });
    const parts = expectWithinLimits({ text: '30 papers', blocks });
    expect(parts.length).toBeGreaterThanOrEqual(4);
    expect(parts[0]?.embeds[0]).toEqual({ title: 'arXiv digest', color: ACCENT_COLOR });
    const urls = parts.flatMap((part) => part.embeds.flatMap((embed) => (embed.url ? [embed.url] : [])));
    expect(urls).toEqual(Array.from({ length: 30 }, (_, i) => paper(i + 1).absUrl));
  });

  it('does not link a title that names another site: the abstract page is shown beside it', () => {
    const hostile = paper(1, { title: 'Read https://evil.example/x <@1>', authors: ['<@&9> @everyone'] });
    const [part] = expectWithinLimits({ text: '', blocks: [paperBlock(hostile)] });
    const embed = part?.embeds[0];
    expect(embed?.url).toBeUndefined();
    expect(embed?.description?.split('\n')[0]).toBe('https://arxiv.org/abs/2401.00001');
    expect(inertProblems(part ? [part] : [])).toEqual([]);
  });
});

describe('renderMessage: text, headers, context', () => {
  it('makes a header the title and the blocks after it the description, context as subtext', () => {
    const parts = expectWithinLimits({
      text: 'x',
      blocks: [
        { kind: 'header', text: 'arXiv digest · 2024-01-02' },
        {
          kind: 'text',
          spans: [
            { text: '3 papers', bold: true },
            { text: ' of 120 new in cs.AI, matching ' },
            { text: 'transformer, "speculative decoding"', code: true },
          ],
        },
        { kind: 'context', spans: [{ text: 'Papers are in the thread.\nReact with 📝.' }] },
      ],
    });
    expect(parts).toEqual([
      {
        embeds: [
          {
            title: 'arXiv digest · 2024-01-02',
            description:
              '**3 papers** of 120 new in cs.AI, matching `transformer, "speculative decoding"`\n-# Papers are in the thread.\n-# React with 📝.',
            color: ACCENT_COLOR,
          },
        ],
      },
    ]);
  });

  it('styles spans and links them, the bot’s own links masked and others shown', () => {
    const [part] = expectWithinLimits({
      text: 'x',
      blocks: [
        {
          kind: 'text',
          spans: [
            { text: ' bold ', bold: true },
            { text: 'it', italic: true },
            { text: 'a`b', code: true },
            { text: 'arXiv', link: 'https://arxiv.org/abs/1', bold: true },
            { text: ' ' },
            { text: 'https://arxiv.org/abs/2', link: 'https://arxiv.org/abs/2' },
            { text: ' ' },
            { text: 'x', link: 'javascript:alert(1)' },
          ],
        },
      ],
    });
    expect(part?.embeds[0]?.description).toBe(
      " **bold** *it*`a'b`[**arXiv**](https://arxiv.org/abs/1) https://arxiv.org/abs/2 x (javascript:alert\\(1\\))",
    );
  });

  it('starts a new embed at each header and divider, and renders empty blocks as nothing', () => {
    const parts = expectWithinLimits({
      text: 'x',
      blocks: [
        { kind: 'header', text: 'One' },
        { kind: 'text', spans: [{ text: '  ' }] },
        { kind: 'markdown', text: '\n\n' },
        { kind: 'context', spans: [] },
        { kind: 'header', text: 'Two' },
        { kind: 'text', spans: [{ text: 'body' }] },
        { kind: 'divider' },
        { kind: 'header', text: '   ' },
        { kind: 'text', spans: [{ text: 'after' }] },
      ],
    });
    expect(parts[0]?.embeds).toEqual([
      { title: 'One', color: ACCENT_COLOR },
      { title: 'Two', description: 'body', color: ACCENT_COLOR },
      { description: 'after', color: ACCENT_COLOR },
    ]);
  });

  it('always gives at least one embed: the fallback text when the blocks show nothing', () => {
    expect(expectWithinLimits({ text: 'just <@1> text', blocks: [] })).toEqual([
      { embeds: [{ description: `just \\<@1> text`, color: ACCENT_COLOR }] },
    ]);
    expect(expectWithinLimits({ text: '', blocks: [{ kind: 'divider' }] })).toEqual([
      { embeds: [{ description: '…', color: ACCENT_COLOR }] },
    ]);
  });

  it('clips a header to 256 characters with an ellipsis', () => {
    const [part] = expectWithinLimits({
      text: '',
      blocks: [{ kind: 'header', text: `*${'H'.repeat(400)}` }],
    });
    const title = part?.embeds[0]?.title ?? '';
    expect(title).toHaveLength(256);
    expect(title.startsWith('\\*HHH')).toBe(true);
    expect(title.endsWith('…')).toBe(true);
  });
});

describe('renderMessage: summaries', () => {
  it('shows a model link with its real host, never masked', () => {
    const body =
      'See [the code](https://github.com/org/repo) and [arxiv.org/abs/1](https://evil.example/phish).';
    const parts = expectWithinLimits(summaryMessage(paper(1), summary(body)));
    const description = parts[0]?.embeds[0]?.description ?? '';
    expect(description).toContain('the code (https://github.com/org/repo)');
    expect(description).toContain('arxiv.org/abs/1 (https://evil.example/phish)');
    const links = readAll(parts).flatMap((shown) => shown.links);
    expect(links.filter((link) => link.masked).map((link) => link.url)).toEqual([]);
    expect(links.map((link) => link.url)).toContain('https://evil.example/phish');
    expect(inertProblems(parts)).toEqual([]);
  });

  it('splits a 50,000-character summary at its sections, within every limit, keeping all its text', () => {
    const sections = Array.from(
      { length: 20 },
      (_, i) => `## Section ${i}\n\n${`Sentence ${i} with <angle> & *stars* words. `.repeat(60)}`,
    );
    const body = sections.join('\n\n');
    expect(body.length).toBeGreaterThan(50_000);
    const parts = expectWithinLimits(summaryMessage(paper(1), summary(body)));
    expect(parts.length).toBeGreaterThan(8);
    const text = words(
      readAll(parts)
        .map((shown) => shown.text)
        .join(' '),
    );
    for (let i = 0; i < 20; i++) {
      expect(text).toContain(`Section ${i}`);
      expect(text.split(`Sentence ${i} with <angle> & stars words.`).length - 1).toBe(60);
    }
    // A section that fits an embed is never cut: each starts a description of its own (the first after the
    // link and the TL;DR), two to a message.
    const descriptions = parts.flatMap((part) => part.embeds.map((embed) => embed.description ?? ''));
    expect(descriptions).toHaveLength(20);
    expect(
      descriptions[0]?.startsWith('https://arxiv.org/abs/2401.00001\n**TL;DR:** Short.\n\n**Section 0**'),
    ).toBe(true);
    for (const [i, description] of descriptions.entries()) {
      if (i > 0) expect(description.startsWith(`**Section ${i}**\n\nSentence ${i} `)).toBe(true);
      const end = i === 19 ? '-# Summary by test-model; check the paper before citing it.' : '*stars* words.';
      expect(description.endsWith(end)).toBe(true);
    }
    expect(parts[0]?.embeds[0]?.title).toBe('Paper number 1');
  });

  it('cuts a section longer than an embed at its paragraphs, then lines, then words', () => {
    const paragraph = (i: number) => `Paragraph ${i}: ${'lorem ipsum '.repeat(150)}`.trim();
    const body = `## Long\n\n${Array.from({ length: 6 }, (_, i) => paragraph(i)).join('\n\n')}`;
    const parts = expectWithinLimits({ text: 'x', blocks: [{ kind: 'markdown', text: body }] });
    const descriptions = parts.flatMap((part) => part.embeds.map((embed) => embed.description ?? ''));
    expect(descriptions.length).toBeGreaterThan(1);
    for (const description of descriptions.slice(1)) expect(description).toMatch(/^Paragraph \d:/);
  });

  it('keeps text full of backticks, stars and escapes whole and inert when it is cut', () => {
    const noise = '`*_~|\\<@1>[x](https://evil.example)#-> @everyone ** ``` ';
    const body = noise.repeat(1500);
    const parts = expectWithinLimits({ text: 'x', blocks: [{ kind: 'text', spans: [{ text: body }] }] });
    expect(parts.length).toBeGreaterThan(1);
    expect(inertProblems(parts)).toEqual([]);
    const shown = words(
      readAll(parts)
        .map((read) => read.text)
        .join(' '),
    );
    expect(shown.replace(/ /g, '')).toBe(body.replace(/\s/g, ''));
  });

  it('cuts an address longer than an embed, its tail shown as text rather than read as markup', () => {
    const url = `https://example.org/${'a_b*c~d|'.repeat(1500)}`;
    const parts = expectWithinLimits({
      text: 'x',
      blocks: [{ kind: 'text', spans: [{ text: `see ${url} end` }] }],
    });
    expect(parts.length).toBeGreaterThan(1);
    const shown = readAll(parts);
    expect(shown.map((read) => read.text.replace(/\s/g, '')).join('')).toBe(`see${url}end`);
    expect(shown[0]?.links).toHaveLength(1);
    expect(url.startsWith(shown[0]?.links[0]?.url ?? 'none')).toBe(true);
    expect(shown.slice(1).flatMap((read) => read.links)).toEqual([]);
  });

  it('cuts a long code fence into closed fences, reopening it in the next piece', () => {
    const code = Array.from({ length: 2000 }, (_, i) => `line ${i} <@${i}> \`\`\` *`).join('\n');
    const parts = expectWithinLimits({
      text: 'x',
      blocks: [{ kind: 'markdown', text: `Intro\n\n\`\`\`\n${code}\n\`\`\`\nAfter` }],
    });
    const descriptions = parts.flatMap((part) => part.embeds.map((embed) => embed.description ?? ''));
    expect(descriptions.length).toBeGreaterThan(5);
    for (const description of descriptions.slice(1, -1)) {
      expect(description.startsWith('```\n')).toBe(true);
      expect(description.endsWith('\n```')).toBe(true);
    }
    const shown = readAll(parts)
      .map((read) => read.text)
      .join('\n');
    for (let i = 0; i < 2000; i += 97) expect(shown).toContain(`line ${i} <\u200b@${i}>`);
    expect(inertProblems(parts)).toEqual([]);
  });

  it('closes and reopens a style or a subtext line cut in two', () => {
    const bold = 'word '.repeat(2000);
    const parts = expectWithinLimits({
      text: 'x',
      blocks: [
        { kind: 'text', spans: [{ text: bold, bold: true }] },
        { kind: 'context', spans: [{ text: `small ${'# note - '.repeat(1000)}` }] },
      ],
    });
    const descriptions = parts.flatMap((part) => part.embeds.map((embed) => embed.description ?? ''));
    for (const description of descriptions) {
      for (const line of description.split('\n')) {
        if (line.startsWith('**')) expect(line.endsWith('**')).toBe(true);
        else expect(line.startsWith('-# ')).toBe(true);
      }
    }
  });
});

describe('renderMessage: hostile content', () => {
  it('renders the contract suite’s hostile message inert, every marker still shown', () => {
    const parts = expectWithinLimits(hostileMessage());
    expect(inertProblems(parts)).toEqual([]);
    const text = readAll(parts)
      .map((shown) => shown.text)
      .join('\n');
    for (const marker of [
      'HEADERMARK',
      'SPANMARK',
      'MDMARK',
      'TITLEMARK',
      'AUTHORMARK',
      'TLDRMARK',
      'CONTEXTMARK',
    ]) {
      expect(text).toContain(marker);
    }
    expect(controlCharacter(text)).toBeNull();
    const raw = JSON.stringify(parts);
    expect(raw).not.toMatch(/@(everyone|here)/);
  });

  it('keeps a code span after a bare address a code span: the address does not run on into it (found by the fuzz, test/fuzz)', () => {
    // The link span showed its bare address, the code span's opening backtick was read as part of it, and
    // the masked link inside the code came back to life, its label posing as arXiv.
    const forged = '[https://arxiv.org/abs/2401.00001](https://evil.example/phish)';
    const parts = expectWithinLimits({
      text: '',
      blocks: [
        {
          kind: 'text',
          spans: [
            { text: '', link: 'https://arxiv.org/abs/2401.00001' },
            { text: `<!channel>${forged}`, code: true },
          ],
        },
      ],
    });
    expect(inertProblems(parts)).toEqual([]);
    expect(parts[0]?.embeds[0]?.description).toMatch(/^https:\/\/arxiv\.org\/abs\/2401\.00001 `/);
  });
});

describe('splitMarkdown and clipMarkdown', () => {
  it('cuts at paragraphs, then lines, then words, never inside an escape, code span or link', () => {
    const link = '[a long title with many words](https://arxiv.org/abs/2401.00001)';
    const text = `${'word '.repeat(30)}${link} \\* \`code span here\` ${'more '.repeat(30)}`;
    const pieces = splitMarkdown(text, 80);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(80);
    expect(pieces.join(' ').replace(/\s+/g, ' ').trim()).toBe(text.replace(/\s+/g, ' ').trim());
    expect(pieces.some((piece) => piece.includes(link))).toBe(true);
    expect(pieces.some((piece) => piece.includes('`code span here`'))).toBe(true);
    expect(splitMarkdown('para one is here\n\npara two is here', 40)).toEqual([
      'para one is here\n\npara two is here',
    ]);
  });

  it('escapes what would start a line after a cut in the middle of one', () => {
    expect(splitMarkdown(`${'a '.repeat(60)}#heading`, 125)[1]).toBe('\\#heading');
    expect(splitMarkdown(`${'a '.repeat(60)}-item`, 122)[1]).toBe('\\-item');
    expect(splitMarkdown(`${'a '.repeat(60)}12.item`, 122)[1]).toBe('12\\.item');
    // Not where the line's own form is reopened: a subtext line continues as subtext.
    const subtext = splitMarkdown(`-# ${'b '.repeat(60)}#tag`, 125);
    expect(subtext[1]).toBe('-# \\#tag');
  });

  it('cuts a word longer than a piece anywhere, but not inside an escape or a surrogate pair', () => {
    const pieces = splitMarkdown(`${'\\*'.repeat(100)}${'😀'.repeat(100)}`, 101);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(101);
      expect(piece).not.toMatch(/(^|[^\\])(\\\\)*\\$/);
      expect(piece).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    }
    expect(pieces.join('')).toBe(`${'\\*'.repeat(100)}${'😀'.repeat(100)}`);
  });

  it('clips with an ellipsis inside what it closes', () => {
    expect(clipMarkdown('short', 10)).toBe('short');
    const clipped = clipMarkdown(`**${'bold '.repeat(100)}**`, 100);
    expect(clipped.length).toBeLessThanOrEqual(100);
    expect(clipped.endsWith('…**')).toBe(true);
  });
});
