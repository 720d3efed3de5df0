/**
 * Untrusted Markdown (a model's summary) as terminal lines. It is converted, never passed through: headings
 * become bold lines, list items get bullets, emphasis and code become styles (plain text without a
 * terminal), links show their destination, and everything else stays literal text. Control characters and
 * escape sequences are removed first.
 */
import { sanitizeTerminalText } from './sanitize.ts';
import { formatLink, type Style } from './style.ts';

const FENCE = /^\s*(?:```|~~~)/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/;
const RULE = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;
const ORDERED = /^(\s*)(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

/**
 * Inline constructs, in order of precedence: a link or image, a code span, strong (** or __), emphasis
 * (* or _, the underscore form only between non-word characters so snake_case stays as it is), an autolink.
 * Every repeated part is bounded by a character it cannot cross, so matching stays linear.
 */
const INLINE =
  /!?\[([^\]\n]*)\]\(\s*<?([^()\s<>]*)>?(?:\s+"[^"\n]*")?\s*\)|`([^`\n]+)`|\*\*([^*\n]+)\*\*|__([^_\n]+)__|\*([^*\s](?:[^*\n]*[^*\s])?)\*|(?<![\p{L}\p{N}_])_([^_\s](?:[^_\n]*[^_\s])?)_(?![\p{L}\p{N}_])|<(https?:\/\/[^>\s]+)>/gu;

function renderInline(text: string, style: Style): string {
  return text.replace(INLINE, (whole, linkText, linkUrl, code, strong1, strong2, em1, em2, autolink) => {
    if (linkUrl !== undefined) return linkUrl === '' ? whole : formatLink(linkText ?? '', linkUrl, style);
    if (code !== undefined) return style.code(code);
    if (strong1 !== undefined || strong2 !== undefined) return style.bold(strong1 ?? strong2);
    if (em1 !== undefined || em2 !== undefined) return style.italic(em1 ?? em2);
    if (autolink !== undefined) return style.url(autolink);
    return whole;
  });
}

/** Two spaces of source indentation make one level of nesting. */
function nesting(indent: string): string {
  return '  '.repeat(Math.min(Math.floor(indent.length / 2), 4));
}

function renderLine(line: string, style: Style): string {
  if (RULE.test(line)) return style.dim('─'.repeat(24));
  const heading = HEADING.exec(line);
  if (heading) return style.bold(renderInline(heading[1] ?? '', { ...style, bold: (t) => t }));
  const bullet = BULLET.exec(line);
  if (bullet) return `${nesting(bullet[1] ?? '')}• ${renderInline(bullet[2] ?? '', style)}`;
  const ordered = ORDERED.exec(line);
  if (ordered) return `${nesting(ordered[1] ?? '')}${ordered[2]}. ${renderInline(ordered[3] ?? '', style)}`;
  const quote = QUOTE.exec(line);
  if (quote) return `${style.dim('│')} ${renderInline(quote[1] ?? '', style)}`;
  return renderInline(line.trimEnd(), style);
}

export function renderMarkdown(markdown: string, style: Style): string[] {
  const lines: string[] = [];
  let inFence = false;
  for (const line of sanitizeTerminalText(markdown, { multiline: true }).split('\n')) {
    if (FENCE.test(line)) {
      inFence = !inFence;
      continue;
    }
    const rendered = inFence ? style.code(line.trimEnd()) : renderLine(line, style);
    // Runs of blank lines collapse to one.
    if (rendered.trim() === '' && (lines.length === 0 || lines.at(-1) === '')) continue;
    lines.push(rendered.trim() === '' ? '' : rendered);
  }
  while (lines.at(-1) === '') lines.pop();
  return lines;
}
