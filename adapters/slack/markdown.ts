/**
 * Untrusted Markdown (a model's summary) as Slack mrkdwn. It is converted, never passed through: headings
 * become bold lines, `**strong**` becomes `*strong*`, `*em*` `_em_`, `~~strike~~` `~strike~`, list items get
 * bullets, code spans and fences stay code, and all other text is escaped. A link is shown with its real
 * address, `label (<url>)`, never as a `<url|label>` link: a summary is written by a model, and a paper's
 * text can steer a model (a prompt injection), so a label could hide where a link goes (`mrkdwnShownLink`).
 * Only the links the bot builds itself get a label (blocks.ts). The result is split into sections, one per heading, so a long summary can be cut
 * at section boundaries.
 */
import {
  type InlineToken,
  type MarkdownBlock,
  markdownSections,
  type StrikeToken,
  tokenizeInline,
} from '../../src/markup/markdown.ts';
import { cleanText, escapeMrkdwn, mrkdwnShownLink } from './escape.ts';

/** Wraps text in a mrkdwn style marker; Slack needs the markers against non-space characters. */
function styled(marker: string, text: string): string {
  const inner = text.trim();
  return inner === '' ? escapeMrkdwn(text) : `${marker}${escapeMrkdwn(inner)}${marker}`;
}

function mrkdwnToken(token: InlineToken | StrikeToken): string {
  switch (token.kind) {
    case 'text':
      return escapeMrkdwn(token.text);
    case 'code':
      return `\`${escapeMrkdwn(token.text)}\``;
    case 'strong':
      return styled('*', token.text);
    case 'strike':
      return styled('~', token.text);
    case 'em':
      return styled('_', token.text);
    case 'link':
      return mrkdwnShownLink(token.label, token.url);
    case 'autolink':
      return mrkdwnShownLink('', token.url);
  }
}

function inline(text: string): string {
  return tokenizeInline(text, { strikethrough: true }).map(mrkdwnToken).join('');
}

/** Four spaces a level of nesting, and a hollow bullet below the top level. */
function line(block: Exclude<MarkdownBlock, { kind: 'code' } | { kind: 'heading' }>): string {
  switch (block.kind) {
    case 'rule':
      return '───────────';
    case 'bullet':
      return `${'    '.repeat(block.depth)}${block.depth > 0 ? '◦' : '•'} ${inline(block.text)}`;
    case 'numbered':
      return `${'    '.repeat(block.depth)}${block.number}. ${inline(block.text)}`;
    case 'quote':
      return `> ${inline(block.text)}`;
    case 'text':
      return inline(block.text);
  }
}

/** A fenced block as a mrkdwn one; a ``` inside is broken with a zero-width space so it cannot end it. */
function codeBlock(lines: string[]): string {
  return `\`\`\`\n${lines.map((code) => escapeMrkdwn(code).replace(/```/g, '`\u200b``')).join('\n')}\n\`\`\``;
}

/** The Markdown as mrkdwn sections: a new section at every heading. Blank-line runs collapse to one. */
export function markdownToMrkdwn(markdown: string): string[] {
  return markdownSections(cleanText(markdown), {
    code: codeBlock,
    heading: (title) => styled('*', title),
    line,
  });
}
