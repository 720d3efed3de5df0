/**
 * Untrusted Markdown (a model's summary) read into a small structure, so that a renderer writes it out with
 * its own escaping and never passes it through. `parseMarkdownBlocks` classifies lines (fenced code, heading,
 * rule, bullet or numbered item, quote, plain text); `tokenizeInline` splits a line's text into plain text,
 * code spans, strong, emphasis, strikethrough (when asked for), links and autolinks. Nothing nests: a token's
 * text is shown as it is, not read again. Raw HTML is plain text.
 */

export type MarkdownBlock =
  /** The lines of a fenced block (``` or ~~~), ends trimmed; an unclosed fence runs to the end. */
  | { kind: 'code'; lines: string[] }
  | { kind: 'heading'; text: string }
  | { kind: 'rule' }
  | { kind: 'bullet'; depth: number; text: string }
  | { kind: 'numbered'; depth: number; number: string; text: string }
  | { kind: 'quote'; text: string }
  /** Any other line, end trimmed; '' for a blank line. */
  | { kind: 'text'; text: string };

const FENCE = /^\s*(?:```|~~~)/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/;
const RULE = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const BULLET = /^(\s*)[-*+]\s+(.*)$/;
const NUMBERED = /^(\s*)(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

/** Two spaces of source indentation make one level of list nesting, four levels at most. */
function depth(indent: string): number {
  return Math.min(Math.floor(indent.length / 2), 4);
}

function classify(line: string): MarkdownBlock {
  const heading = HEADING.exec(line);
  if (heading) return { kind: 'heading', text: heading[1] ?? '' };
  if (RULE.test(line)) return { kind: 'rule' };
  const bullet = BULLET.exec(line);
  if (bullet) return { kind: 'bullet', depth: depth(bullet[1] ?? ''), text: bullet[2] ?? '' };
  const numbered = NUMBERED.exec(line);
  if (numbered) {
    return {
      kind: 'numbered',
      depth: depth(numbered[1] ?? ''),
      number: numbered[2] ?? '',
      text: numbered[3] ?? '',
    };
  }
  const quote = QUOTE.exec(line);
  if (quote) return { kind: 'quote', text: quote[1] ?? '' };
  return { kind: 'text', text: line.trimEnd() };
}

/**
 * One block a line, but a fenced block's lines together (a fence with no line inside gives no block). The
 * text is split at `\n` only, so the caller removes control characters and normalizes line breaks first.
 */
export function parseMarkdownBlocks(markdown: string): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  let fence: string[] | null = null;
  const closeFence = () => {
    if (fence !== null && fence.length > 0) blocks.push({ kind: 'code', lines: fence });
    fence = null;
  };
  for (const line of markdown.split('\n')) {
    if (FENCE.test(line)) {
      if (fence === null) fence = [];
      else closeFence();
    } else if (fence !== null) {
      fence.push(line.trimEnd());
    } else {
      blocks.push(classify(line));
    }
  }
  closeFence();
  return blocks;
}

/** How a chat platform writes each kind of block (adapters/slack/markdown.ts, adapters/discord/markdown.ts). */
export interface SectionDialect {
  /** A fenced block's lines, as a code block no line inside can end. */
  code(lines: string[]): string;
  /** A heading's text (without `**` or `__`), styled as the platform's bold line. */
  heading(title: string): string;
  /** Any other block as one line of the platform's markup. */
  line(block: Exclude<MarkdownBlock, { kind: 'code' } | { kind: 'heading' }>): string;
}

/**
 * Markdown as sections of a platform's markup: a new section at every heading, so that a long summary can
 * be cut at section boundaries. Blank-line runs collapse to one; an unclosed fence still shows its lines, as
 * code; empty sections are dropped. The caller cleans the text first (see parseMarkdownBlocks).
 */
export function markdownSections(markdown: string, dialect: SectionDialect): string[] {
  const sections: string[][] = [[]];
  for (const block of parseMarkdownBlocks(markdown)) {
    const current = sections.at(-1) as string[];
    if (block.kind === 'code') {
      current.push(dialect.code(block.lines));
    } else if (block.kind === 'heading') {
      const title = block.text.replace(/\*\*|__/g, '');
      const next = current.length === 0 ? current : [];
      if (next !== current) sections.push(next);
      if (title.trim() !== '') next.push(dialect.heading(title));
    } else {
      const converted = dialect.line(block);
      if (converted.trim() === '' && (current.length === 0 || current.at(-1) === '')) continue;
      current.push(converted.trim() === '' ? '' : converted);
    }
  }
  return sections
    .map((lines) => {
      while (lines.at(-1) === '') lines.pop();
      return lines.join('\n');
    })
    .filter((section) => section.trim() !== '');
}

export type InlineToken =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; text: string }
  | { kind: 'em'; text: string }
  /** A Markdown link or image with a destination; one with an empty destination stays text. */
  | { kind: 'link'; label: string; url: string }
  /** `<https://…>` */
  | { kind: 'autolink'; url: string };

export type StrikeToken = { kind: 'strike'; text: string };

/**
 * Inline constructs, in order of precedence: a link or image, a code span, strong (** or __),
 * strikethrough (only where asked for: without it `~~` is text, and what it encloses is read as usual),
 * emphasis (* or _, the underscore form only between non-word characters so snake_case stays as it is), an
 * autolink. Every repeated part is bounded by a character it cannot cross, so matching stays linear.
 */
const LINK = /!?\[(?<label>[^\]\n]*)\]\(\s*<?(?<url>[^()\s<>]*)>?(?:\s+"[^"\n]*")?\s*\)/u;
const CODE = /`(?<code>[^`\n]+)`/u;
const STRONG = /\*\*(?<strongStars>[^*\n]+)\*\*|__(?<strongUnderscores>[^_\n]+)__/u;
const STRIKE = /~~(?<strike>[^~\n]+)~~/u;
const EM =
  /\*(?<emStar>[^*\s](?:[^*\n]*[^*\s])?)\*|(?<![\p{L}\p{N}_])_(?<emUnderscore>[^_\s](?:[^_\n]*[^_\s])?)_(?![\p{L}\p{N}_])/u;
const AUTOLINK = /<(?<autolink>https?:\/\/[^>\s]+)>/u;

const inlinePattern = (parts: RegExp[]) => new RegExp(parts.map((part) => part.source).join('|'), 'gu');
const INLINE = inlinePattern([LINK, CODE, STRONG, EM, AUTOLINK]);
const INLINE_WITH_STRIKE = inlinePattern([LINK, CODE, STRONG, STRIKE, EM, AUTOLINK]);

/** The line's text as tokens, in order; adjacent plain text is one token. */
export function tokenizeInline(text: string): InlineToken[];
export function tokenizeInline(
  text: string,
  options: { strikethrough: true },
): Array<InlineToken | StrikeToken>;
export function tokenizeInline(
  text: string,
  options: { strikethrough?: boolean } = {},
): Array<InlineToken | StrikeToken> {
  const tokens: Array<InlineToken | StrikeToken> = [];
  let last = 0;
  for (const match of text.matchAll(options.strikethrough ? INLINE_WITH_STRIKE : INLINE)) {
    const found = match.groups ?? {};
    let token: InlineToken | StrikeToken;
    if (found.url !== undefined) {
      // A link with nowhere to go is left in the surrounding text, as written.
      if (found.url === '') continue;
      token = { kind: 'link', label: found.label ?? '', url: found.url };
    } else if (found.code !== undefined) token = { kind: 'code', text: found.code };
    else if (found.strongStars !== undefined || found.strongUnderscores !== undefined) {
      token = { kind: 'strong', text: found.strongStars ?? found.strongUnderscores ?? '' };
    } else if (found.strike !== undefined) token = { kind: 'strike', text: found.strike };
    else if (found.emStar !== undefined || found.emUnderscore !== undefined) {
      token = { kind: 'em', text: found.emStar ?? found.emUnderscore ?? '' };
    } else token = { kind: 'autolink', url: found.autolink ?? '' };
    if (match.index > last) tokens.push({ kind: 'text', text: text.slice(last, match.index) });
    tokens.push(token);
    last = match.index + match[0].length;
  }
  if (last < text.length) tokens.push({ kind: 'text', text: text.slice(last) });
  return tokens;
}
