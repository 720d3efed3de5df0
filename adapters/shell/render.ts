/**
 * The terminal renderer of the Block model: an OutboundMessage becomes lines of text, styled on a terminal
 * and plain elsewhere. Every piece of text is sanitized on the way in (all of it may come from arXiv, a
 * user or a model); links always show their destination.
 */
import { type PaperBlock, paperParts, TLDR_LABEL } from '../../src/chat/present.ts';
import type { Block, OutboundMessage, Span } from '../../src/chat/types.ts';
import { renderMarkdown } from './markdown.ts';
import { sanitizeTerminalText } from './sanitize.ts';
import { formatLink, plainStyle, type Style } from './style.ts';

const DIVIDER_WIDTH = 40;

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

/** A paper as the core presents it (src/chat/present.ts), styled, each line under the rank's indent. */
function renderPaper(block: PaperBlock, style: Style): string[] {
  const parts = paperParts(block);
  const pad = ' '.repeat(parts.rank.length);
  const lines = [`${parts.rank}${style.bold(parts.title)}`];
  if (parts.byline !== '') lines.push(pad + parts.byline);
  if (parts.scoring !== '') lines.push(pad + style.dim(parts.scoring));
  if (parts.tldr !== '') lines.push(`${pad}${TLDR_LABEL}: ${parts.tldr}`);
  lines.push(pad + style.url(parts.url));
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
