/**
 * Text for Discord. Discord reads Markdown in message content, embed titles and descriptions: `**bold**`,
 * `*em*`, `_em_`, `__underline__`, `~~strike~~`, `||spoiler||`, code, `[label](url)` masked links, and at the
 * start of a line `#` headings, `-#` subtext, `>` quotes and `-`/`*`/`1.` lists. It also reads mentions:
 * `@everyone`, `@here`, `<@123>`, `<@!123>`, `<@&123>` (roles), `<#123>` (channels), `</cmd:123>`,
 * `<t:…>` timestamps and `<:name:id>` emoji.
 *
 * Untrusted text (from arXiv, a user or a model) is therefore escaped so that it shows as the characters
 * written: Discord's backslash escape goes before every character that can start markup (`\ * _ ~ \` | [ ]
 * ( ) <`, and at the start of a line `# > - +` and the `.` of `1.`), which also makes every angle-bracket
 * mention and every masked link plain text; a zero-width space after the `@` of `@everyone` and `@here`
 * keeps them from pinging. Control characters, escape sequences and bidirectional overrides are removed
 * (src/text/control.ts).
 *
 * Web addresses are the exception. Discord links a bare `https://…` itself and reads everything up to a
 * space or `<` as the address, backslashes included, so a backslash inside an address would change where
 * it goes. An address in untrusted text is left as written (but `[ ]`, which are percent-encoded): it
 * shows as itself and goes where it says. For the same reason a `<` right after an address, or at the
 * start of a piece of text that may follow one, is broken with a zero-width space rather than a backslash.
 *
 * The bot's own links (to arXiv's pages) are masked links made by `maskedLink`, which accepts http(s) only.
 */
import { stripControls } from '../../src/text/control.ts';

const ZWSP = '\u200b';

/** Discord's own rule for a bare web address: up to a space or `<`, not ending in `.,:;"')]`. */
const URL_SOURCE = String.raw`https?:\/\/[^\s<]+[^<.,:;"')\]\s]`;
/** A bare web address at a given position (sticky: set lastIndex). */
export const URL_AT = new RegExp(URL_SOURCE, 'y');
const URL_RUNS = new RegExp(URL_SOURCE, 'g');
/** The characters Discord drops from the end of a bare address, as a run right after one. */
const URL_TAIL = /^[.,:;"')\]]+/;

/** Characters escaped wherever they are. */
const ALWAYS = /[\\*_~`|[\]()<]/g;
/** Forms escaped at the start of a line (after spaces): headings, subtext, quotes, lists. */
const LINE_START = /^( *)(?:([#>+-])|(\d+)\.)/;
const EVERYONE = /@(everyone|here)/gi;
/** In code (where backslashes show as they are): the `<` of a mention, channel, command, time or emoji. */
const ANGLE_FORM = /<(?=[@#/:]|[a-z]+:)/gi;

/**
 * Removes what a reader's client could act on rather than show (control characters, escape sequences
 * whole, bidirectional overrides: the core's rule in src/text/control.ts); tabs become spaces, CR LF LF.
 */
export function cleanText(text: string): string {
  return stripControls(text);
}

/** Cleaned, on one line, runs of spaces folded. */
export function cleanLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

/** `@everyone` and `@here` broken with a zero-width space, so they cannot ping. */
export function neutralizeEveryone(text: string): string {
  return text.replace(EVERYONE, `@${ZWSP}$1`);
}

function percentEncode(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * A web address from untrusted text: as written, but `[` and `]` percent-encoded (they have no place in an
 * address outside an IPv6 host, and so no masked link can hide in one).
 */
function addressRun(url: string): string {
  return neutralizeEveryone(url.replace(/[[\]]/g, percentEncode));
}

function escapeChars(text: string): string {
  return text.replace(ALWAYS, '\\$&');
}

/** One line (or the part of one after an address), escaped; `lineStart` when it starts a line. */
function escapeLine(line: string, lineStart: boolean): string {
  const form = lineStart ? LINE_START.exec(line) : null;
  if (form === null) return escapeChars(line);
  const [whole, spaces = '', mark, digits] = form;
  const head = mark !== undefined ? `${spaces}\\${mark}` : `${spaces}${digits}\\.`;
  return head + escapeChars(line.slice(whole.length));
}

/** Text between addresses: `start` says whether it begins the whole text, `afterUrl` whether it follows one. */
function escapeSegment(segment: string, start: boolean, afterUrl: boolean): string {
  let text = segment;
  let out = '';
  if (afterUrl) {
    // Discord ends the address before these only when nothing but a space or `<` follows them: as written.
    const tail = URL_TAIL.exec(text)?.[0] ?? '';
    out += tail;
    text = text.slice(tail.length);
  }
  if ((afterUrl || start) && text.startsWith('<')) {
    out += `<${ZWSP}`;
    text = text.slice(1);
  }
  const firstStartsLine = start && out === '';
  const lines = text.split('\n').map((line, index) => escapeLine(line, index > 0 || firstStartsLine));
  return out + lines.join('\n');
}

/**
 * Untrusted text as Discord Markdown that shows exactly that text (cleaned of control characters): no
 * markup, no mention, no masked link. The start of the text counts as the start of a line. A trailing `@`
 * gets a zero-width space, so that text put after it cannot make `@everyone`.
 */
export function escapeMarkdown(text: string): string {
  const clean = cleanText(text);
  let out = '';
  let last = 0;
  for (const match of clean.matchAll(URL_RUNS)) {
    out += escapeSegment(clean.slice(last, match.index), last === 0, last > 0);
    out += addressRun(match[0]);
    last = match.index + match[0].length;
  }
  out += escapeSegment(clean.slice(last), last === 0, last > 0);
  out = neutralizeEveryone(out);
  return out.endsWith('@') ? `${out}${ZWSP}` : out;
}

/**
 * Untrusted text for the inside of a code span or code block, where Discord shows backslashes as they are:
 * cleaned, mentions broken with a zero-width space. Backticks are left to the caller (a span cannot hold
 * one; a block must not hold three in a row).
 */
export function escapeCode(text: string): string {
  return neutralizeEveryone(cleanText(text).replace(ANGLE_FORM, `<${ZWSP}`));
}

/** One line of a code block: no run of backticks that could end the block. */
export function escapeCodeLine(line: string): string {
  return escapeCode(line).replace(/`(?=`)/g, `\`${ZWSP}`);
}

/** Inline code for untrusted text on one line: backticks, which would end it, become `'`. */
export function inlineCode(text: string): string {
  const inner = escapeCode(text).replace(/`/g, "'");
  return inner.trim() === '' ? escapeMarkdown(text) : `\`${inner}\``;
}

/**
 * A URL as the bot shows or links it, or null when it is not an http(s) URL. Normalized by the WHATWG
 * parser (spaces, `<`, `>` and quotes percent-encoded), without user name and password (which would show
 * before the real host), and with what Discord would read as markup or the end of the address
 * percent-encoded: `( ) [ ] \ @` and trailing punctuation. It shows as itself, and goes there.
 */
export function linkTarget(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(cleanLine(url));
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  parsed.username = '';
  parsed.password = '';
  const origin = `${parsed.protocol}//${parsed.host}`;
  let rest = parsed.href.slice(origin.length).replace(/[()[\]\\@]/g, percentEncode);
  const tail = /[.,:;'"]+$/.exec(rest)?.[0] ?? '';
  rest = rest.slice(0, rest.length - tail.length) + tail.replace(/./g, percentEncode);
  return origin + rest;
}

/** Top-level domains common enough that `name.tld` in a label reads as a web address. */
const COMMON_TLDS =
  'com|org|net|edu|gov|mil|int|io|ai|app|dev|co|me|info|biz|xyz|uk|us|de|fr|jp|cn|ru|in|eu|ca|au|ch|nl|se|it|es|br|kr';
const HOST_IN_TEXT = new RegExp(
  `(?:https?://([a-z0-9.-]+))|\\b((?:www\\.)?(?:[a-z0-9-]+\\.)+(?:${COMMON_TLDS}))\\b`,
  'gi',
);

function bareHost(host: string): string {
  return host.toLowerCase().replace(/^www\./, '');
}

/**
 * Whether a label names a web address on another host than `url`'s (`arxiv.org/abs/…` on a link to
 * another site): such a label must not be a link's text, or it could pose as another destination.
 */
export function namesOtherHost(label: string, url: string): boolean {
  let host: string;
  try {
    host = bareHost(new URL(url).hostname);
  } catch {
    return true;
  }
  return [...label.matchAll(HOST_IN_TEXT)]
    .map((match) => bareHost(match[1] ?? match[2] ?? ''))
    .some((named) => named !== host && !host.endsWith(`.${named}`));
}

/** Longer labels are shown beside their address rather than as a link, so that they can be split. */
const MAX_LABEL = 1000;

/**
 * A link the bot builds itself (an arXiv abstract or PDF page): `[label](url)` with the label escaped. A URL
 * that is not http(s) is shown as plain text after the label; a label that names another host or holds a
 * web address is shown as text followed by the real address; an empty label, or one that is the URL, gives
 * the bare address. `style` wraps the label's Markdown (bold, say) and never the address: Discord would
 * read a marker right after a bare address as part of it.
 */
export function maskedLink(
  label: string,
  url: string,
  style: (markdown: string) => string = (m) => m,
): string {
  const shownLabel = cleanLine(label);
  const shownUrl = cleanLine(url);
  const target = linkTarget(url);
  if (target === null) {
    if (shownLabel === '' || shownLabel === shownUrl) return style(escapeMarkdown(shownUrl));
    return `${style(escapeMarkdown(shownLabel))} (${escapeMarkdown(shownUrl)})`;
  }
  if (shownLabel === '' || shownLabel === shownUrl || shownLabel === target) return target;
  const unmaskable =
    shownLabel.length > MAX_LABEL || /https?:\/\//i.test(shownLabel) || namesOtherHost(shownLabel, target);
  if (unmaskable) return `${style(escapeMarkdown(shownLabel))} (${target})`;
  return `[${style(escapeMarkdown(shownLabel))}](${target})`;
}

/** Whether Markdown ends with a bare web address, which would take a marker written right after it. */
export function endsWithAddress(markdown: string): boolean {
  return /https?:\/\/[^\s<]+$/i.test(markdown);
}

/**
 * Pieces of Markdown (spans, inline tokens) joined in order. Discord reads everything after a bare address
 * up to a space or `<` as part of it (a last run of `.,:;"')]` left out), so a piece glued to an address
 * that ends the one before would be swallowed, its escapes and the opening of a code span with it, and what
 * follows read anew (a masked link inside that code span came back to life). Such a piece is set apart by
 * a space.
 */
export function joinMarkdown(pieces: readonly string[]): string {
  let out = '';
  for (const piece of pieces) {
    const glued = endsWithAddress(out) && !/^[.,:;"')\]]*(?:$|[\s<])/.test(piece);
    out += glued ? ` ${piece}` : piece;
  }
  return out;
}
