/**
 * Untrusted Markdown (a model's summary) as Slack mrkdwn. It is converted, never passed through: headings
 * become bold lines, `**strong**` becomes `*strong*`, `*em*` `_em_`, `~~strike~~` `~strike~`, list items get
 * bullets, code spans and fences stay code, links become `<url|label>` links (see `mrkdwnLink`), and all
 * other text is escaped. The result is split into sections, one per heading, so a long summary can be cut
 * at section boundaries.
 */
import { cleanText, escapeMrkdwn, mrkdwnLink } from './escape.ts';

const FENCE = /^\s*(?:```|~~~)/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/;
const RULE = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;
const ORDERED = /^(\s*)(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

/**
 * Inline constructs, in order of precedence: a link or image, a code span, strong (** or __), strikethrough,
 * emphasis (* or _, the underscore form only between non-word characters so snake_case stays as it is), an
 * autolink. Every repeated part is bounded by a character it cannot cross, so matching stays linear.
 */
const INLINE =
  /!?\[([^\]\n]*)\]\(\s*<?([^()\s<>]*)>?(?:\s+"[^"\n]*")?\s*\)|`([^`\n]+)`|\*\*([^*\n]+)\*\*|__([^_\n]+)__|~~([^~\n]+)~~|\*([^*\s](?:[^*\n]*[^*\s])?)\*|(?<![\p{L}\p{N}_])_([^_\s](?:[^_\n]*[^_\s])?)_(?![\p{L}\p{N}_])|<(https?:\/\/[^>\s]+)>/gu;

/** Wraps text in a mrkdwn style marker; Slack needs the markers against non-space characters. */
function styled(marker: string, text: string): string {
  const inner = text.trim();
  return inner === '' ? escapeMrkdwn(text) : `${marker}${escapeMrkdwn(inner)}${marker}`;
}

function inline(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const [whole, label, url, code, strong1, strong2, strike, em1, em2, autolink] = match;
    out += escapeMrkdwn(text.slice(last, match.index));
    last = match.index + whole.length;
    if (url !== undefined) out += url === '' ? escapeMrkdwn(whole) : mrkdwnLink(label ?? '', url);
    else if (code !== undefined) out += `\`${escapeMrkdwn(code)}\``;
    else if (strong1 !== undefined || strong2 !== undefined) out += styled('*', strong1 ?? strong2 ?? '');
    else if (strike !== undefined) out += styled('~', strike);
    else if (em1 !== undefined || em2 !== undefined) out += styled('_', em1 ?? em2 ?? '');
    else if (autolink !== undefined) out += mrkdwnLink('', autolink);
  }
  return out + escapeMrkdwn(text.slice(last));
}

/** Two spaces of source indentation make one level of nesting. */
function nesting(indent: string): string {
  return '    '.repeat(Math.min(Math.floor(indent.length / 2), 4));
}

function line(source: string): string {
  if (RULE.test(source)) return '───────────';
  const bullet = BULLET.exec(source);
  if (bullet) {
    const indent = bullet[1] ?? '';
    return `${nesting(indent)}${indent.length >= 2 ? '◦' : '•'} ${inline(bullet[2] ?? '')}`;
  }
  const ordered = ORDERED.exec(source);
  if (ordered) return `${nesting(ordered[1] ?? '')}${ordered[2]}. ${inline(ordered[3] ?? '')}`;
  const quote = QUOTE.exec(source);
  if (quote) return `> ${inline(quote[1] ?? '')}`;
  return inline(source.trimEnd());
}

/** The Markdown as mrkdwn sections: a new section at every heading. Blank-line runs collapse to one. */
export function markdownToMrkdwn(markdown: string): string[] {
  const sections: string[][] = [[]];
  let fence: string[] | null = null;
  for (const source of cleanText(markdown).split('\n')) {
    const current = sections.at(-1) as string[];
    if (FENCE.test(source)) {
      if (fence === null) {
        fence = [];
      } else {
        if (fence.length > 0) current.push(`\`\`\`\n${fence.join('\n')}\n\`\`\``);
        fence = null;
      }
      continue;
    }
    if (fence !== null) {
      fence.push(escapeMrkdwn(source.trimEnd()).replace(/```/g, '`\u200b``'));
      continue;
    }
    const heading = HEADING.exec(source);
    if (heading) {
      const title = (heading[1] ?? '').replace(/\*\*|__/g, '');
      const next = current.length === 0 ? current : [];
      if (next !== current) sections.push(next);
      if (title.trim() !== '') next.push(styled('*', title));
      continue;
    }
    const converted = line(source);
    if (converted.trim() === '' && (current.length === 0 || current.at(-1) === '')) continue;
    current.push(converted.trim() === '' ? '' : converted);
  }
  // An unclosed fence still shows its lines, as code.
  if (fence !== null && fence.length > 0) {
    (sections.at(-1) as string[]).push(`\`\`\`\n${fence.join('\n')}\n\`\`\``);
  }
  return sections
    .map((lines) => {
      while (lines.at(-1) === '') lines.pop();
      return lines.join('\n');
    })
    .filter((section) => section.trim() !== '');
}
