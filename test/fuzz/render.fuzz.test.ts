/**
 * Fuzz of the platform renderers (Slack Block Kit, Discord messages): any OutboundMessage, hostile text in
 * every field, comes out as parts within the platform's limits that ping nobody, show no control character
 * and forge no link (render-checks.ts). See fuzz.ts for the seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Paper } from '../../src/arxiv/paper.ts';
import type { Block, OutboundMessage, Span } from '../../src/chat/types.ts';
import { hostileMessage } from '../contract/hostile.ts';
import { fuzz, hostileLine, hostilePiece, hostileText } from './fuzz.ts';
import { discordProblems, slackProblems } from './render-checks.ts';

const URLS = [
  'https://arxiv.org/abs/2401.00001',
  'https://arxiv.org/abs/2401.00001v2',
  'https://arxiv.org/pdf/hep-th/9504118',
  'https://evil.example/phish',
  'http://evil.example/?q=<b>&x=|y>',
  'https://arxiv.org.evil.example/abs/2401.00001',
  'https://evil.example/https://arxiv.org/abs/1',
  'https://example.org/a_(b)_c',
  `https://example.org/${'x'.repeat(2100)}`,
  'javascript:alert(1)',
  'mailto:someone@example.com',
  'not a url',
  '',
] as const;

const url = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...URLS) },
  { weight: 1, arbitrary: hostileLine },
);

/** Long text: a few thousand characters of hostile lines, or tens of thousands in paragraphs. */
const longText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(hostileLine, fc.integer({ min: 1000, max: 8000 }))
      .map(([line, length]) =>
        (line === '' ? 'x' : `${line} `).repeat(Math.ceil(length / (line.length + 1))),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(hostileLine, { minLength: 1, maxLength: 5 }), fc.integer({ min: 10_000, max: 30_000 }))
      .map(([lines, length]) => {
        const paragraph = `${lines.join(' ')}\n\n`;
        return paragraph.repeat(Math.ceil(length / paragraph.length));
      }),
  },
  // An unbroken line (a URL, base64) longer than a piece, in a code fence and out of one.
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('```\n', '', 'text ```', '`'),
        fc.constantFrom('x', 'ab', '<', '&', '*', '\\'),
        fc.integer({ min: 3000, max: 9000 }),
      )
      .map(([head, unit, length]) => head + unit.repeat(Math.ceil(length / unit.length))),
  },
);

/** Markdown as a model writes it (headings, lists, emphasis, code, links, quotes), hostile pieces inside. */
const markdown = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: hostileLine },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          '\n',
          '\n\n',
          '# ',
          '## ',
          '### ',
          '- ',
          '* ',
          '1. ',
          '> ',
          '**',
          '*',
          '_',
          '__',
          '~~',
          '`',
          '```\n',
          '\n```\n',
          '---',
          '| a | b |\n|---|---|\n',
          '\\',
          '<b>',
          '</b>',
          '&nbsp;',
        ),
      },
      { weight: 1, arbitrary: fc.tuple(hostileLine, url).map(([label, target]) => `[${label}](${target})`) },
      { weight: 1, arbitrary: url.map((target) => `<${target}>`) },
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

const spanOf = (text: fc.Arbitrary<string>): fc.Arbitrary<Span> =>
  fc.record(
    { text, bold: fc.boolean(), italic: fc.boolean(), code: fc.boolean(), link: url },
    { requiredKeys: ['text'] },
  );

const paperOf = (text: fc.Arbitrary<string>): fc.Arbitrary<Paper> =>
  fc.record({
    id: fc.constantFrom('2401.00001', '2602.01001', 'hep-th/9504118', 'math.GT/0309136'),
    version: fc.option(fc.integer({ min: 1, max: 30 })),
    title: text,
    authors: fc.oneof(
      { weight: 8, arbitrary: fc.array(hostileLine, { maxLength: 6 }) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(hostileLine, fc.integer({ min: 50, max: 3000 }))
          .map(([name, count]) => Array.from({ length: count }, (_, i) => `${name} ${i}`)),
      },
    ),
    abstract: text,
    categories: fc.array(fc.oneof(fc.constantFrom('cs.AI', 'cs.LG', 'stat.ML'), hostilePiece), {
      maxLength: 4,
    }),
    primaryCategory: fc.oneof(fc.constantFrom('cs.AI', ''), hostilePiece),
    announceType: fc.constantFrom('new', 'cross', 'replace', 'replace-cross', null),
    published: fc.option(fc.constantFrom('2024-01-02T00:00:00Z', 'yesterday')),
    updated: fc.option(fc.constantFrom('2024-01-03T00:00:00Z')),
    announced: fc.option(fc.constantFrom('2024-01-02')),
    absUrl: fc.oneof(
      {
        weight: 6,
        arbitrary: fc.constantFrom(
          'https://arxiv.org/abs/2401.00001',
          'http://arxiv.org/abs/hep-th/9504118v1',
        ),
      },
      { weight: 1, arbitrary: url },
    ),
    pdfUrl: fc.constantFrom('https://arxiv.org/pdf/2401.00001'),
    doi: fc.option(hostileLine),
    journalRef: fc.option(hostileLine),
    comment: fc.option(hostileLine),
  });

/** A block whose text comes from `text`. */
const blockOf = (text: fc.Arbitrary<string>, markdownText: fc.Arbitrary<string>): fc.Arbitrary<Block> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('header' as const), text }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('text' as const),
        spans: fc.array(spanOf(text), { maxLength: 6 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('markdown' as const), text: markdownText }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('paper' as const),
        paper: paperOf(text),
        rank: fc.option(fc.integer({ min: 1, max: 1000 })),
        score: fc.option(
          fc.oneof(
            fc.double({ min: 0, max: 100, noNaN: true }),
            fc.constantFrom(0, 1.5, 12345.678, Number.NaN, Number.POSITIVE_INFINITY),
          ),
        ),
        matchedTerms: fc.array(hostileLine, { maxLength: 5 }),
        tldr: fc.option(text),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('context' as const),
        spans: fc.array(spanOf(text), { maxLength: 4 }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'divider' as const }) },
  );

const shortBlock = blockOf(hostileText, markdown);
const longBlock = blockOf(
  longText,
  fc.oneof(
    longText,
    markdown.map((md) => md.repeat(40)),
  ),
);

const message: fc.Arbitrary<OutboundMessage> = fc.record({
  text: fc.oneof(hostileText, fc.constant('')),
  blocks: fc.oneof(
    { weight: 6, arbitrary: fc.array(shortBlock, { maxLength: 8 }) },
    // One long block among short ones: a summary, a long abstract or title, split or clipped.
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.array(shortBlock, { maxLength: 4 }), longBlock, fc.array(shortBlock, { maxLength: 3 }))
        .map(([before, long, after]) => [...before, long, ...after]),
    },
    // Many blocks: a long digest, split over several messages.
    { weight: 1, arbitrary: fc.array(shortBlock, { minLength: 40, maxLength: 70 }) },
  ),
});

describe('the renderers', () => {
  it("render the contract's hostile message inertly on both platforms", () => {
    expect(slackProblems(hostileMessage())).toEqual([]);
    expect(discordProblems(hostileMessage())).toEqual([]);
  });

  it('render any message for Slack within its limits, pinging nobody and forging no link', async () => {
    await fuzz(
      fc.property(message, (outbound) => {
        expect(slackProblems(outbound)).toEqual([]);
      }),
      250,
    );
  });

  it('render any message for Discord within its limits, pinging nobody and forging no link', async () => {
    await fuzz(
      fc.property(message, (outbound) => {
        expect(discordProblems(outbound)).toEqual([]);
      }),
      250,
    );
  });
});
