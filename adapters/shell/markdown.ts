/**
 * Untrusted Markdown (a model's summary) as terminal lines. It is converted, never passed through: headings
 * become bold lines, list items get bullets, emphasis and code become styles (plain text without a
 * terminal), links show their destination, and everything else stays literal text (`~~` included: a
 * terminal has no strikethrough here). Control characters and escape sequences are removed first.
 */
import {
  type InlineToken,
  type MarkdownBlock,
  parseMarkdownBlocks,
  tokenizeInline,
} from '../../src/markup/markdown.ts';
import { sanitizeTerminalText } from './sanitize.ts';
import { formatLink, type Style } from './style.ts';

function renderToken(token: InlineToken, style: Style): string {
  switch (token.kind) {
    case 'text':
      return token.text;
    case 'code':
      return style.code(token.text);
    case 'strong':
      return style.bold(token.text);
    case 'em':
      return style.italic(token.text);
    case 'link':
      return formatLink(token.label, token.url, style);
    case 'autolink':
      return style.url(token.url);
  }
}

function renderInline(text: string, style: Style): string {
  return tokenizeInline(text)
    .map((token) => renderToken(token, style))
    .join('');
}

function renderLine(block: Exclude<MarkdownBlock, { kind: 'code' }>, style: Style): string {
  switch (block.kind) {
    case 'rule':
      return style.dim('─'.repeat(24));
    case 'heading':
      return style.bold(renderInline(block.text, { ...style, bold: (t) => t }));
    case 'bullet':
      return `${'  '.repeat(block.depth)}• ${renderInline(block.text, style)}`;
    case 'numbered':
      return `${'  '.repeat(block.depth)}${block.number}. ${renderInline(block.text, style)}`;
    case 'quote':
      return `${style.dim('│')} ${renderInline(block.text, style)}`;
    case 'text':
      return renderInline(block.text, style);
  }
}

export function renderMarkdown(markdown: string, style: Style): string[] {
  const lines: string[] = [];
  const add = (rendered: string) => {
    // Runs of blank lines collapse to one.
    if (rendered.trim() === '' && (lines.length === 0 || lines.at(-1) === '')) return;
    lines.push(rendered.trim() === '' ? '' : rendered);
  };
  for (const block of parseMarkdownBlocks(sanitizeTerminalText(markdown, { multiline: true }))) {
    if (block.kind === 'code') for (const line of block.lines) add(style.code(line));
    else add(renderLine(block, style));
  }
  while (lines.at(-1) === '') lines.pop();
  return lines;
}
