/**
 * Untrusted Markdown (a model's summary) as Discord Markdown. It is converted, never passed through (the
 * shared reader is src/markup/markdown.ts): headings become bold lines, `**strong**`, `*em*` and `~~strike~~`
 * stay Discord markup around escaped text, code spans and fences stay code (a fence's content cannot end
 * it), lists keep Discord's `-` and `1.` items, quotes `>`, and all other text is escaped (see escape.ts).
 *
 * A link the model writes is never masked: Discord would show only its label, and a model (or the text it
 * summarized) chooses the label. It is shown as `label (https://real.host/path)`, or as the address alone
 * when the label is the address, so the real destination is always visible; a URL that is not http(s)
 * stays plain text. The result is split into sections, one per heading, so a long summary can be cut at
 * section boundaries.
 */
import {
  type InlineToken,
  type MarkdownBlock,
  markdownSections,
  type StrikeToken,
  tokenizeInline,
} from '../../src/markup/markdown.ts';
import {
  cleanLine,
  cleanText,
  endsWithAddress,
  escapeCodeLine,
  escapeMarkdown,
  inlineCode,
  joinMarkdown,
  linkTarget,
} from './escape.ts';

/**
 * Text wrapped in a style marker, escaped inside. Discord reads a marker right after a bare address as
 * part of the address, so bold and strike get a space before their closing marker there; emphasis, which
 * cannot end in a space, is dropped there instead.
 */
export function styled(marker: '**' | '*' | '~~', text: string): string {
  const inner = text.trim();
  if (inner === '') return escapeMarkdown(text);
  const escaped = escapeMarkdown(inner);
  if (!endsWithAddress(escaped)) return `${marker}${escaped}${marker}`;
  return marker === '*' ? escaped : `${marker}${escaped} ${marker}`;
}

/** A link from untrusted Markdown, its real address shown: `label (https://host/path)` or the address. */
export function visibleLink(label: string, url: string): string {
  const shownLabel = cleanLine(label);
  const shownUrl = cleanLine(url);
  const target = linkTarget(url);
  const address = target ?? escapeMarkdown(shownUrl);
  if (shownLabel === '' || shownLabel === shownUrl || shownLabel === target) return address;
  return `${escapeMarkdown(shownLabel)} (${address})`;
}

function discordToken(token: InlineToken | StrikeToken): string {
  switch (token.kind) {
    case 'text':
      return escapeMarkdown(token.text);
    case 'code':
      return inlineCode(token.text);
    case 'strong':
      return styled('**', token.text);
    case 'em':
      return styled('*', token.text);
    case 'strike':
      return styled('~~', token.text);
    case 'link':
      return visibleLink(token.label, token.url);
    case 'autolink':
      return visibleLink('', token.url);
  }
}

function inline(text: string): string {
  return joinMarkdown(tokenizeInline(text, { strikethrough: true }).map(discordToken));
}

/** Two spaces a level of list nesting, as Discord nests list items. */
function line(block: Exclude<MarkdownBlock, { kind: 'code' } | { kind: 'heading' }>): string {
  switch (block.kind) {
    case 'rule':
      return '───────────';
    case 'bullet': {
      const text = inline(block.text);
      return text.trim() === '' ? '' : `${'  '.repeat(block.depth)}- ${text}`;
    }
    case 'numbered': {
      const text = inline(block.text);
      return text.trim() === '' ? '' : `${'  '.repeat(block.depth)}${block.number}. ${text}`;
    }
    case 'quote': {
      const text = inline(block.text);
      return text.trim() === '' ? '' : `> ${text}`;
    }
    case 'text':
      return inline(block.text);
  }
}

/** A fenced block as a Discord one, with no language; no run of backticks inside can end it. */
export function codeFence(lines: readonly string[]): string {
  return `\`\`\`\n${lines.map(escapeCodeLine).join('\n')}\n\`\`\``;
}

/** The Markdown as Discord sections: a new section at every heading. Blank-line runs collapse to one. */
export function markdownToDiscord(markdown: string): string[] {
  return markdownSections(cleanText(markdown), {
    code: codeFence,
    heading: (title) => styled('**', title),
    line,
  });
}
