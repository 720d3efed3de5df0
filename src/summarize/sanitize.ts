/*
 * Model output is untrusted text that ends up in Slack and Discord messages, Markdown pages and RSS. The
 * summarizer normalizes it here; the renderers still escape it for their own markup.
 */

import { stripControls } from '../text/control.ts';

/** Slack's special commands (<!channel>, <!here>, <!everyone>, <!subteam^...>, <!date...>) and HTML comments. */
const SLACK_SPECIAL = /<![^<>]*>[ \t]?/g;
/** User, role and channel references: Slack <@U123>, <@U123|name>, <#C123>; Discord <@123>, <@!123>, <@&123>. */
const ENTITY_MENTION = /<[@#][!&]?[A-Za-z0-9]+(?:\|[^<>]*)?>[ \t]?/g;
/** Plain-text mass mentions; the "@" goes, the word stays readable. */
const MASS_MENTION = /@+(everyone|here|channel)\b/gi;
/** Slack link markup <https://url|label>: the label could disguise the target, so only the URL stays. */
const SLACK_LINK = /<(https?:\/\/[^\s<>|]+)(?:\|[^<>]*)?>/g;
const SCRIPT_OR_STYLE = /<(script|style)\b[^<>]*>[\s\S]*?<\/\1\s*>/gi;
const HTML_TAG = /<\/?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?\/?>/g;
/** A whole answer wrapped in a code fence, as chat models like to do. */
const FENCED = /^```(?:markdown|md|text)?\s*\n([\s\S]*?)\n```$/i;

export interface SanitizeOptions {
  maxChars: number;
  /** Collapse everything to one line (a TL;DR); otherwise keep lines and paragraphs. */
  singleLine: boolean;
}

export function sanitizeModelText(text: string, options: SanitizeOptions): string {
  // Only a bounded prefix is worth cleaning: the result is cut to maxChars anyway, and the patterns stay cheap.
  // C0 and C1 controls go (tabs, for Markdown indentation, and newlines stay), and so do the bidirectional
  // overrides (they can disguise text), zero-width spaces, direction marks and the BOM. What is left of an
  // escape sequence stays as text: a stray ESC must not swallow the rest of the answer.
  let clean = stripControls(text.slice(0, options.maxChars * 2), {
    sequences: 'keep-text',
    format: 'invisible',
    tabs: 'keep',
  }).trim();
  clean = FENCED.exec(clean)?.[1] ?? clean;
  // Until nothing changes: removing one tag can join the pieces of another ("<<b></b>!here>").
  for (let previous = ''; previous !== clean; ) {
    previous = clean;
    clean = clean
      .replace(SCRIPT_OR_STYLE, '')
      .replace(SLACK_SPECIAL, '')
      .replace(ENTITY_MENTION, '')
      .replace(SLACK_LINK, '$1')
      .replace(HTML_TAG, '')
      .replace(MASS_MENTION, '$1');
  }
  clean = options.singleLine
    ? clean.replace(/\s+/g, ' ')
    : clean
        .split('\n')
        // Removed mentions and tags leave gaps; indentation (Markdown lists) stays.
        .map((line) => line.replace(/(\S)[ \t]{2,}(?=\S)/g, '$1 ').replace(/[ \t]+$/, ''))
        .join('\n')
        .replace(/\n{3,}/g, '\n\n');
  return limitLength(clean.trim(), options.maxChars);
}

/** Cuts at the last sentence or line end that keeps most of the text, and marks the cut with "…". */
export function limitLength(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  const head = chars.slice(0, maxChars - 1).join('');
  const boundary = Math.max(head.lastIndexOf('\n'), head.lastIndexOf('. '), head.lastIndexOf('。'));
  const cut = boundary >= head.length * 0.6 ? head.slice(0, boundary + 1) : head;
  return `${cut.trimEnd()}…`;
}
