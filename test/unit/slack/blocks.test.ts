import { describe, expect, it } from 'vitest';
import { renderMessage, SLACK_LIMITS } from '../../../adapters/slack/blocks.ts';
import type { Paper } from '../../../src/arxiv/paper.ts';
import type { Block, OutboundMessage } from '../../../src/chat/types.ts';
import { readMessage } from '../../fakes/slack/shown.ts';
import { blockProblems } from '../../fakes/slack/validate.ts';
import { makePaper } from '../../support/papers.ts';

function paper(n: number, overrides: Partial<Paper> = {}): Paper {
  return makePaper(`2401.${String(n).padStart(5, '0')}`, {
    title: `Paper number ${n}`,
    authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'],
    categories: ['cs.LG', 'cs.AI'],
    ...overrides,
  });
}

const paperBlock = (p: Paper, rank: number | null = 1): Block => ({
  kind: 'paper',
  paper: p,
  rank,
  score: 2.5,
  matchedTerms: ['transformer', 'diffusion'],
  tldr: 'It works <well>.',
});

function expectWithinLimits(message: OutboundMessage): ReturnType<typeof renderMessage> {
  const parts = renderMessage(message);
  for (const part of parts) {
    expect(blockProblems(part.blocks)).toEqual([]);
    expect(part.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(part.text.length).toBeGreaterThan(0);
    expect(part.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  }
  return parts;
}

describe('renderMessage: papers', () => {
  it('shows the title linking to the abstract page, three authors and et al., categories, score, terms and TL;DR', () => {
    const [part] = renderMessage({ text: 'Paper number 7', blocks: [paperBlock(paper(7), 3)] });
    const shown = readMessage(part ?? {});
    expect(shown.links).toEqual([
      { text: '3. Paper number 7'.slice(3), url: 'https://arxiv.org/abs/2401.00007' },
    ]);
    expect(shown.text).toBe(
      '*3. Paper number 7*\nAda Lovelace, Alan Turing, Grace Hopper et al. · cs.LG, cs.AI\nscore 2.5 · matched: transformer, diffusion\n*TL;DR* It works <well>.',
    );
    expect(part?.text).toBe('Paper number 7');
  });

  it('escapes a title that tries to ping the channel or forge a link', () => {
    const hostile = paper(1, {
      title: '<!channel> look <https://evil.example|arxiv.org> & more',
      authors: ['<@U999>'],
    });
    const [part] = renderMessage({ text: hostile.title, blocks: [paperBlock(hostile, null)] });
    const raw = JSON.stringify(part);
    expect(raw).toContain('&lt;!channel&gt;');
    expect(raw).not.toContain('<!channel>');
    const shown = readMessage(part ?? {});
    expect(shown.pings).toEqual([]);
    expect(shown.text).toContain('<!channel> look <https://evil.example|arxiv.org> & more');
    // A title that names another site is not made a link label: the abstract page's address is shown
    // beside it, and the address inside the title is bare text, which the client links to itself.
    expect(shown.links.map((link) => link.url)).toContain('https://arxiv.org/abs/2401.00001');
    for (const link of shown.links) expect(link.text).toBe(link.url);
  });
});

describe('renderMessage: limits', () => {
  it('clips a header to 150 characters and keeps fallback text always set', () => {
    const [part] = expectWithinLimits({ text: '', blocks: [{ kind: 'header', text: 'H'.repeat(400) }] });
    const header = part?.blocks[0] as { text: { text: string } };
    expect(header.text.text).toHaveLength(150);
    expect(header.text.text.endsWith('…')).toBe(true);
    expect(part?.text.startsWith('HHH')).toBe(true);
  });

  it('posts a huge digest as several messages of at most 50 blocks, in order, losing no paper', () => {
    const blocks: Block[] = [{ kind: 'header', text: 'arXiv digest' }];
    for (let n = 1; n <= 120; n++) blocks.push(paperBlock(paper(n), n), { kind: 'divider' });
    const parts = expectWithinLimits({ text: '120 papers', blocks });
    expect(parts.length).toBeGreaterThan(1);
    const shown = parts.flatMap((part) => readMessage(part).links.map((link) => link.url));
    expect(shown).toEqual(
      Array.from({ length: 120 }, (_, i) => `https://arxiv.org/abs/2401.${String(i + 1).padStart(5, '0')}`),
    );
    expect(parts[1]?.text).toContain('(part 2 of');
  });

  it('splits a huge summary at its sections, every section within 3,000 characters, and keeps all its text', () => {
    const sections = Array.from(
      { length: 12 },
      (_, i) => `## Section ${i}\n\n${`Sentence ${i} with <angle> & words. `.repeat(150)}`,
    );
    const markdown = sections.join('\n\n');
    const parts = expectWithinLimits({ text: 'Summary', blocks: [{ kind: 'markdown', text: markdown }] });
    expect(parts.length).toBeGreaterThan(1);
    // Pieces are cut at spaces and line breaks: put back as one run of words, nothing is missing.
    const text = parts
      .map((part) => readMessage(part).text)
      .join(' ')
      .replace(/\s+/g, ' ');
    for (let i = 0; i < 12; i++) {
      expect(text).toContain(`*Section ${i}*`);
      expect(text.split(`Sentence ${i} with <angle> & words.`).length - 1).toBe(150);
    }
    // Each section starts a new Block Kit section: a heading is never in the middle of one.
    for (const part of parts) {
      for (const block of part.blocks) {
        const body = (block as { text?: { text: string } }).text?.text ?? '';
        expect(body.slice(1).includes('*Section')).toBe(false);
      }
    }
  });

  it('renders text spans with styles and links, and a message without blocks as its text', () => {
    const [part] = renderMessage({
      text: 'x',
      blocks: [
        {
          kind: 'text',
          spans: [
            { text: ' bold ', bold: true },
            { text: 'it', italic: true },
            { text: 'a`b', code: true },
            { text: 'arXiv', link: 'https://arxiv.org' },
          ],
        },
        { kind: 'context', spans: [{ text: 'small <print>' }] },
      ],
    });
    expect(part?.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: " *bold* _it_`a'b`<https://arxiv.org/|arXiv>" } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'small &lt;print&gt;' }] },
    ]);
    expect(renderMessage({ text: 'just <text>', blocks: [] })).toEqual([
      { text: 'just &lt;text&gt;', blocks: [] },
    ]);
  });
});

describe("renderMessage: the bot's links and a model's", () => {
  it("labels only the links the bot builds; a summary's links show their real address", () => {
    const [part] = renderMessage({
      text: 'Summary',
      blocks: [
        {
          kind: 'text',
          spans: [
            { text: 'Abstract', link: 'https://arxiv.org/abs/2401.00001' },
            { text: ' · ' },
            { text: 'PDF', link: 'https://arxiv.org/pdf/2401.00001' },
          ],
        },
        { kind: 'markdown', text: '## Method\nSee [login](https://evil.example) for details.' },
      ],
    });
    const raw = JSON.stringify(part?.blocks);
    expect(raw).toContain('<https://arxiv.org/abs/2401.00001|Abstract>');
    expect(raw).toContain('<https://arxiv.org/pdf/2401.00001|PDF>');
    expect(raw).not.toContain('|login>');
    const shown = readMessage(part as never);
    expect(shown.text).toContain('See login (https://evil.example/) for details.');
    const evil = shown.links.filter((link) => link.url.includes('evil'));
    expect(evil).toEqual([{ text: 'https://evil.example/', url: 'https://evil.example/' }]);
  });
});
