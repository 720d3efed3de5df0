/*
 * Cleaning the raw text of a command before it is parsed, and the chat markup it may carry.
 *
 * Decisions:
 * - Invisible characters are removed, not refused: text pasted from a PDF or a web page carries them and the
 *   user cannot see them to fix them. That is every control character (C0, C1: escape sequences lose their
 *   ESC and become harmless text) and every format character (bidi overrides, zero-width space, soft hyphen,
 *   BOM) except the zero-width joiner and non-joiner, which some scripts need. Tabs become spaces; the line
 *   separators become `\n`, which separates subscription terms like a comma.
 * - Lone surrogates become U+FFFD; text is NFC-normalized. Words of any script are kept as typed.
 * - Link markup (Slack `<https://x|label>`, Discord's embed-suppressing `<https://x>`) becomes the label the
 *   user typed, or the URL when there is none.
 * - Mentions and other chat markup stay in the text: a search removes them (`removeMarkup`), subscription
 *   terms refuse them (`findMarkup`).
 * - Typographic quotes count as quotes, in every command: phone and macOS keyboards turn a typed " into “ or ”
 *   (and „ “ in German), so `subscribe “mixture of experts”` means the quoted phrase. “ ” „ ‟ and the
 *   full-width ＂ become ". Single quotes ‘ ’ only as a pair around words (`‘mixture of experts’`): a lone ’
 *   is an apostrophe (`Hopfield’s`, `experts’`) and stays as typed.
 */

import { UserError } from '../../errors.ts';
import { stripControls } from '../../text/control.ts';

/** The longest command text accepted, in UTF-16 code units, checked before anything else. */
export const MAX_COMMAND_LENGTH = 2000;

const LINE_BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;
const SPACING_CONTROLS = /[\t\v\f]/g;
const LINK = /<((?:https?|mailto):[^\s<>|]{1,2000})(?:\|([^<>]{0,2000}))?>/giu;
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u201f\uff02]/gu;
/**
 * ‘…’ around words: the ‘ opens a word (after the start, a space, a comma, "-" or "("), the ’ closes one (before
 * the end, a space or punctuation); a ’ followed by a letter inside is an apostrophe (`‘Hopfield’s nets’`).
 */
const SINGLE_QUOTED = /(^|[\s,(-])\u2018((?:[^\u2018\u2019\n]|\u2019(?=\p{L}))*)\u2019(?=$|[\s,.;:!?)])/gu;

/**
 * Mentions and markup that would ping, link or render if echoed: Slack `<@U1>`, `<@U1|ann>`, `<#C1|general>`,
 * `<!channel>`, `<!subteam^S1|@team>`; Discord `<@1>`, `<@!1>`, `<@&1>`, `<#1>`, `</cmd:1>`, `<:emoji:1>`,
 * `<t:1700000000:R>`; and plain `@everyone`, `@here`, `@channel`.
 */
const MARKUP =
  /<[@#!][^<>]{0,200}>|<\/[^\s<>:]{1,100}:\d{1,25}>|<a?:\w{1,100}:\d{1,25}>|<t:-?\d{1,20}(?::[a-zA-Z])?>|(?<![\p{L}\p{N}_@])@(?:everyone|here|channel)(?![\p{L}\p{N}_])/giu;

/** Refuses a command of `length` characters when that is over MAX_COMMAND_LENGTH. */
export function refuseOverlong(length: number): void {
  if (length > MAX_COMMAND_LENGTH) {
    throw new UserError(
      'LIMIT_EXCEEDED',
      `That command is ${length.toLocaleString('en-US')} characters long; the limit is ${MAX_COMMAND_LENGTH.toLocaleString('en-US')}. Shorten it, or split it into several commands.`,
    );
  }
}

/** The start of a text, cut to `max` characters with an ellipsis, for quoting the user's input in a reply. */
export function clip(text: string, max = 40): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The text with invisible characters removed, line breaks unified, link markup resolved, quotes made plain (see above). */
export function cleanText(text: string): string {
  const spaced = text.toWellFormed().replace(LINE_BREAKS, '\n').replace(SPACING_CONTROLS, ' ');
  // The core's control remover with the command rule: controls but `\n`, and every format character but
  // ZWNJ and ZWJ; an escape sequence loses its ESC and stays as harmless text.
  return stripControls(spaced, { sequences: 'keep-text', format: 'all' })
    .normalize('NFC')
    .replace(LINK, (_link, url: string, label: string | undefined) => label?.trim() || url)
    .replace(DOUBLE_QUOTES, '"')
    .replace(SINGLE_QUOTED, (_quoted, before: string, inside: string) => `${before}"${inside}"`);
}

const FIRST_MARKUP = new RegExp(MARKUP.source, 'iu');

/** The first piece of chat markup in the text, or null. */
export function findMarkup(text: string): string | null {
  return FIRST_MARKUP.exec(text)?.[0] ?? null;
}

/**
 * The text with chat markup replaced by the words a reader sees: `<#C1|general>` -> `general`,
 * `<!here>` and `@here` -> `here`, `<:tada:1>` -> `tada`; a bare user, role or channel id goes away.
 */
export function removeMarkup(text: string): string {
  return text.replace(MARKUP, (markup) => {
    const label =
      /^<[^<>|]*\|([^<>]*)>$/.exec(markup)?.[1] ??
      /^<(?:!(\w+)|a?:(\w+):\d+)>$/.exec(markup)?.slice(1).find(Boolean);
    if (label !== undefined) return ` ${label.replace(/^[@#]/, '')} `;
    return markup.startsWith('@') ? ` ${markup.slice(1)} ` : ' ';
  });
}

const BOT_MENTION = /^<@!?[\w-]{1,40}(?:\|[^<>]{0,80})?>\s*/u;
const COMMAND_NAME = /^\/?arxiv(?:\s+|$)/iu;

/**
 * Drops what some adapters pass before the command itself: a mention of the bot (`<@U123>`, `<@!123>`),
 * then `/arxiv` or `arxiv`. Only one of each: `/arxiv arxiv` leaves `arxiv`.
 */
export function stripCommandPrefix(text: string): string {
  return text.trimStart().replace(BOT_MENTION, '').replace(COMMAND_NAME, '');
}
