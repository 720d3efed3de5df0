/**
 * The terminal renderer of the Block model: an OutboundMessage becomes lines of text, styled on a terminal
 * and plain elsewhere. Every piece of text is sanitized on the way in (all of it may come from arXiv, a
 * user or a model); links always show their destination.
 */
import type { Paper } from '../../src/arxiv/paper.ts';
import type { Block, OutboundMessage, Span } from '../../src/chat/types.ts';
import { renderMarkdown } from './markdown.ts';
import { sanitizeTerminalText } from './sanitize.ts';
import { formatLink, plainStyle, type Style } from './style.ts';

/** Authors shown before "et al.". */
const MAX_AUTHORS = 3;
const DIVIDER_WIDTH = 40;

type PaperBlock = Extract<Block, { kind: 'paper' }>;

const oneLine = (text: string): string => sanitizeTerminalText(text).trim();

function renderSpan(span: Span, style: Style, base: (text: string) => string): string {
  const text = sanitizeTerminalText(span.text, { multiline: true });
  let shown = span.link === undefined ? base(text) : formatLink(text, oneLine(span.link), style, base(text));
  if (span.code) shown = style.code(shown);
  if (span.italic) shown = style.italic(shown);
  if (span.bold) shown = style.bold(shown);
  return shown;
}

function renderSpans(spans: Span[], style: Style, base: (text: string) => string = (t) => t): string[] {
  return spans
    .map((span) => renderSpan(span, style, base))
    .join('')
    .split('\n');
}

function authorsLine(authors: string[]): string {
  const names = authors.map(oneLine).filter((name) => name !== '');
  if (names.length <= MAX_AUTHORS) return names.join(', ');
  return `${names.slice(0, MAX_AUTHORS).join(', ')} et al.`;
}

function formatScore(score: number): string {
  return String(Number(score.toFixed(2)));
}

function renderPaper(block: PaperBlock, style: Style): string[] {
  const paper: Paper = block.paper;
  const prefix = block.rank === null ? '' : `${block.rank}. `;
  const pad = ' '.repeat(prefix.length);
  const lines = [`${prefix}${style.bold(oneLine(paper.title))}`];

  const byline = [authorsLine(paper.authors), paper.categories.map(oneLine).join(', ')].filter((s) => s);
  if (byline.length > 0) lines.push(pad + byline.join(' · '));

  const scoring: string[] = [];
  if (block.score !== null) scoring.push(`score ${formatScore(block.score)}`);
  if (block.matchedTerms.length > 0) scoring.push(`matched: ${block.matchedTerms.map(oneLine).join(', ')}`);
  if (scoring.length > 0) lines.push(pad + style.dim(scoring.join(' · ')));

  if (block.tldr !== null && oneLine(block.tldr) !== '') lines.push(`${pad}TL;DR: ${oneLine(block.tldr)}`);
  lines.push(pad + style.url(oneLine(paper.absUrl)));
  return lines;
}

export function renderBlock(block: Block, style: Style): string[] {
  switch (block.kind) {
    case 'header':
      return [style.bold(oneLine(block.text))];
    case 'text':
      return renderSpans(block.spans, style);
    case 'markdown':
      return renderMarkdown(block.text, style);
    case 'paper':
      return renderPaper(block, style);
    case 'context':
      return renderSpans(block.spans, style, style.dim);
    case 'divider':
      return [style.dim('─'.repeat(DIVIDER_WIDTH))];
  }
}

/** The message's lines: its blocks, or its plain-text fallback when it has none. */
export function renderMessage(message: OutboundMessage, style: Style): string[] {
  if (message.blocks.length === 0) return sanitizeTerminalText(message.text, { multiline: true }).split('\n');
  return message.blocks.flatMap((block) => renderBlock(block, style));
}

/** The message as plain text, as the shell shows it without a terminal. */
export function messagePlainText(message: OutboundMessage): string {
  return renderMessage(message, plainStyle).join('\n');
}
