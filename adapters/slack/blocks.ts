/**
 * The Block model as Slack Block Kit. Every piece of text is escaped (see escape.ts), and everything fits
 * Slack's limits: a header holds 150 characters, a section's text 3,000, a message 50 blocks. A message that
 * does not fit one Slack message becomes several parts, cut between blocks (a long text or summary is first
 * cut into several sections at its paragraphs, lines or headings). The adapter posts the parts in order:
 * see `SlackAdapter.post`.
 */
import { type PaperBlock, paperParts, paperTitle, TLDR_LABEL } from '../../src/chat/present.ts';
import type { Block, OutboundMessage, Span } from '../../src/chat/types.ts';
import { cleanLine, cleanText, escapeMrkdwn, mrkdwnLink } from './escape.ts';
import { markdownToMrkdwn } from './markdown.ts';
import { clipMrkdwn, clipPlain, splitMrkdwn } from './split.ts';

export const SLACK_LIMITS = {
  /** Slack rejects a message with more blocks (`invalid_blocks`). */
  blocksPerMessage: 50,
  /** Slack rejects a section (and any text object) with a longer text. */
  sectionText: 3000,
  /** Slack rejects a header with a longer text. */
  headerText: 150,
  /**
   * Our own cap on a message's fallback `text` (Slack allows 40,000 but shows the fallback only in
   * notifications, where a few lines are read).
   */
  fallbackText: 3000,
  /**
   * Our own cap on the text of one message's blocks: Slack accepts more, but folds long messages behind
   * "See more"; a long summary reads better as a few messages in its thread.
   */
  messageText: 12_000,
} as const;

/** A title or an author list longer than this is clipped; a whole section holds 3,000 characters. */
const MAX_TITLE = 1000;
const MAX_BYLINE = 600;

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> }
  | { type: 'divider' };

/** One Slack message: the fallback `text` (mrkdwn, escaped) and its blocks. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

/** Sections for mrkdwn of any length, each within the section limit. */
function sections(mrkdwn: string): SlackBlock[] {
  return splitMrkdwn(mrkdwn, SLACK_LIMITS.sectionText).map(section);
}

/** Wraps each line's text in a style marker, leaving the spaces around it outside (Slack needs that). */
function styleLines(text: string, marker: string): string {
  return text
    .split('\n')
    .map((line) => {
      const match = /^(\s*)(.*?)(\s*)$/.exec(line);
      const [, before = '', inner = '', after = ''] = match ?? [];
      return inner === '' ? line : `${before}${marker}${inner}${marker}${after}`;
    })
    .join('\n');
}

function spanMrkdwn(span: Span): string {
  let out = span.link === undefined ? escapeMrkdwn(cleanText(span.text)) : mrkdwnLink(span.text, span.link);
  if (span.code && span.link === undefined) out = styleLines(out.replace(/`/g, "'"), '`');
  if (span.italic) out = styleLines(out, '_');
  if (span.bold) out = styleLines(out, '*');
  return out;
}

function spansMrkdwn(spans: Span[]): string {
  return spans.map(spanMrkdwn).join('');
}

/** A paper as the core presents it (src/chat/present.ts), styled: a bold linked title, small print for scoring. */
function paperBlocks(block: PaperBlock): SlackBlock[] {
  const parts = paperParts(block);
  // The parts come cleaned; cleanLine folds runs of spaces as well, as Slack always has.
  const title = mrkdwnLink(clipPlain(cleanLine(parts.title), MAX_TITLE), parts.url);
  const byline = cleanLine(parts.byline);
  const head = [`*${parts.rank}${title}*`];
  if (byline !== '') head.push(escapeMrkdwn(clipPlain(byline, MAX_BYLINE)));
  const blocks: SlackBlock[] = [section(clipMrkdwn(head.join('\n'), SLACK_LIMITS.sectionText))];

  const scoring = cleanLine(parts.scoring);
  if (scoring !== '') {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: clipMrkdwn(escapeMrkdwn(scoring), SLACK_LIMITS.sectionText) }],
    });
  }
  const tldr = cleanLine(parts.tldr);
  if (tldr !== '')
    blocks.push(section(clipMrkdwn(`*${TLDR_LABEL}* ${escapeMrkdwn(tldr)}`, SLACK_LIMITS.sectionText)));
  return blocks;
}

function renderBlock(block: Block): SlackBlock[] {
  switch (block.kind) {
    case 'header': {
      const text = clipPlain(cleanLine(block.text), SLACK_LIMITS.headerText);
      return text === '' ? [] : [{ type: 'header', text: { type: 'plain_text', text, emoji: true } }];
    }
    case 'text': {
      const text = spansMrkdwn(block.spans);
      return text.trim() === '' ? [] : sections(text);
    }
    case 'markdown':
      return markdownToMrkdwn(block.text).flatMap(sections);
    case 'paper':
      return paperBlocks(block);
    case 'context': {
      const text = spansMrkdwn(block.spans);
      if (text.trim() === '') return [];
      return splitMrkdwn(text, SLACK_LIMITS.sectionText).map((piece) => ({
        type: 'context',
        elements: [{ type: 'mrkdwn', text: piece }],
      }));
    }
    case 'divider':
      return [{ type: 'divider' }];
  }
}

/** The characters a block counts against a message's text budget. */
function blockChars(block: SlackBlock): number {
  switch (block.type) {
    case 'header':
    case 'section':
      return block.text.text.length;
    case 'context':
      return block.elements.reduce((sum, element) => sum + element.text.length, 0);
    case 'divider':
      return 0;
  }
}

/** Groups blocks into messages within the block and text budgets; a header stays with what follows it. */
function groupBlocks(blocks: SlackBlock[]): SlackBlock[][] {
  const groups: SlackBlock[][] = [];
  let current: SlackBlock[] = [];
  let chars = 0;
  for (const block of blocks) {
    const size = blockChars(block);
    const full = current.length >= SLACK_LIMITS.blocksPerMessage || chars + size > SLACK_LIMITS.messageText;
    if (full && current.length > 0) {
      const carried =
        current.at(-1)?.type === 'header' && current.length > 1 ? [current.pop() as SlackBlock] : [];
      groups.push(current);
      current = carried;
      chars = carried.reduce((sum, b) => sum + blockChars(b), 0);
    }
    current.push(block);
    chars += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function plainOfBlock(block: Block): string {
  switch (block.kind) {
    case 'header':
    case 'markdown':
      return block.text;
    case 'text':
    case 'context':
      return block.spans.map((span) => span.text).join('');
    case 'paper':
      return `${paperTitle(block.paper.title)} ${block.paper.absUrl}`;
    case 'divider':
      return '';
  }
}

/** A plain rendering of the blocks, for a fallback when the message has no text of its own. */
function plainOf(message: OutboundMessage): string {
  return message.blocks
    .map(plainOfBlock)
    .filter((text) => text.trim() !== '')
    .join('\n');
}

function fallback(text: string): string {
  const escaped = escapeMrkdwn(text.trim());
  return clipMrkdwn(escaped === '' ? 'arxiv-digest' : escaped, SLACK_LIMITS.fallbackText);
}

/**
 * The message as one or more Slack messages, in posting order. Each has a fallback `text` (the message's
 * own, or a plain rendering of its blocks); parts after the first say which part they are.
 */
export function renderMessage(message: OutboundMessage): SlackMessage[] {
  const text = message.text.trim() === '' ? plainOf(message) : message.text;
  const groups = groupBlocks(message.blocks.flatMap(renderBlock));
  if (groups.length <= 1) return [{ text: fallback(text), blocks: groups[0] ?? [] }];
  return groups.map((blocks, index) => ({
    text: index === 0 ? fallback(text) : fallback(`(part ${index + 1} of ${groups.length}) ${text}`),
    blocks,
  }));
}
