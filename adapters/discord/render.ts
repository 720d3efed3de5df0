/**
 * The core's OutboundMessage as Discord message payloads (content and embeds), within Discord's limits.
 * Pure translation: no network. Every piece of untrusted text is escaped (escape.ts, markdown.ts).
 *
 * Layout:
 * - A `header` is an embed's title; the text, context (as `-#` subtext lines) and markdown blocks after it
 *   are that embed's description, until the next header, paper or divider, which starts a new embed.
 * - A `paper` is an embed of its own: `rank. title` linking to the abstract page, then the byline, the
 *   scoring as subtext and `**TL;DR** …` (src/chat/present.ts decides what these say).
 * - A message of papers (a digest, search results) whose other blocks are only short text and context
 *   lines puts those lines in the first part's `content`, above the paper embeds, so that ten papers fit
 *   in one Discord message of ten embeds.
 * - A message that renders to nothing shows its fallback `text`.
 * Every embed has the bot's accent colour. The renderer never sets a footer: the poster adds one of up to
 * FOOTER_RESERVE characters to each part's last embed, and every part leaves that room in its 6,000.
 *
 * What does not fit one embed or one message is split, never refused: a long description is cut into
 * several embeds, and embeds are grouped into several messages, in order. A description is cut at a block
 * or markdown section boundary first, then at a paragraph, a line, a word, and as a last resort anywhere,
 * but never inside an escape, a code span, a link or a bare address if it can be helped; a style, a
 * subtext line or a code fence cut in two is closed at the end of the first piece and reopened in the next.
 * A title is clipped to 256 characters with an ellipsis, as are a paper's byline, scoring and TL;DR to
 * their share of the embed.
 */
import { type PaperBlock, paperParts, TLDR_LABEL } from '../../src/chat/present.ts';
import type { Block, OutboundMessage, Span } from '../../src/chat/types.ts';
import {
  cleanLine,
  cleanText,
  endsWithAddress,
  escapeMarkdown,
  inlineCode,
  joinMarkdown,
  linkTarget,
  maskedLink,
  namesOtherHost,
  URL_AT,
} from './escape.ts';
import { markdownToDiscord } from './markdown.ts';

export const DISCORD_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  /** Titles, descriptions, field names and values, footers and author names of all a message's embeds. */
  totalPerMessage: 6000,
} as const;

/** The characters of footer the poster may add to each part's last embed; every part leaves them free. */
export const FOOTER_RESERVE = 64;

/** arXiv red. */
export const ACCENT_COLOR = 0xb31b1b;

/** An embed URL longer than this is refused by Discord. */
const MAX_URL = 2048;

export interface DiscordEmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

/** The part of Discord's embed object the bot uses. */
export interface DiscordEmbed {
  title?: string;
  url?: string;
  description?: string;
  color?: number;
  fields?: DiscordEmbedField[];
  author?: { name: string; url?: string; icon_url?: string };
  /** Set only by the poster (see FOOTER_RESERVE), never by the renderer. */
  footer?: { text: string; icon_url?: string };
}

/** One Discord message: optional content (Discord Markdown) and the embeds, at least one of the two. */
export interface DiscordMessagePart {
  content?: string;
  embeds: DiscordEmbed[];
}

/** The characters an embed counts toward a message's 6,000. */
export function embedLength(embed: DiscordEmbed): number {
  let length = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  for (const field of embed.fields ?? []) length += field.name.length + field.value.length;
  return length + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
}

/** What the embeds of one part may hold, the poster's footer left out. */
const EMBED_BUDGET = DISCORD_LIMITS.totalPerMessage - FOOTER_RESERVE;

// ---------------------------------------------------------------------------------------------------------
// Cutting Discord Markdown
// ---------------------------------------------------------------------------------------------------------

const FENCE = '```';
/**
 * What a piece may open with and then reopens when it is cut: a fence, a line's subtext, quote or list
 * mark, styles, a code span. A cut falls after it, so that every piece shows something and cutting makes
 * progress.
 */
const OPENING = /^(?:```\n)?(?: *(?:-#|>|-|\d+\.) )?(?:\*\*|~~|\*)*`?/;
const STYLE_MARKERS = ['**', '~~', '*'] as const;
type StyleMarker = (typeof STYLE_MARKERS)[number];

/** A run a cut should not fall inside: `[start, end, kind]`. */
type Atomic = [number, number, 'escape' | 'code' | 'link' | 'address'];

/** The state of Discord Markdown (as this renderer writes it) at a position. */
interface ScanState {
  /** Ranges a cut should not fall inside: escapes, code spans, masked links, bare addresses. */
  atomic: Atomic[];
  /** Inside a code fence, which was opened by the line starting at `fenceLine`. */
  inFence: boolean;
  fenceLine: number;
  /** Styles open, in the order they were opened. */
  styles: StyleMarker[];
  /** The start of an open code span, or -1. */
  codeSpan: number;
  /** `-# ` or `> ` when the current line is subtext or a quote. */
  linePrefix: string;
}

function isFenceLine(text: string, at: number): boolean {
  return text.startsWith(FENCE, at) && (at + FENCE.length === text.length || text[at + 3] === '\n');
}

/** The end of a masked link `[label](url)` that starts at `at`, or -1. Labels hold only escaped brackets. */
function maskedLinkEnd(text: string, at: number): number {
  let i = at + 1;
  while (i < text.length && text[i] !== '\n') {
    if (text[i] === '\\') i += 2;
    else if (text[i] === ']') break;
    else i++;
  }
  if (text[i] !== ']' || text[i + 1] !== '(') return -1;
  const close = text.indexOf(')', i + 2);
  const newline = text.indexOf('\n', i + 2);
  return close === -1 || (newline !== -1 && newline < close) ? -1 : close + 1;
}

/**
 * Reads the text up to `end` the way Discord reads this renderer's Markdown: fences are whole lines of
 * ```, styles and code spans do not cross lines, every unescaped `*`, `~~` and `[` is the renderer's own.
 */
function scan(text: string, end: number): ScanState {
  const state: ScanState = {
    atomic: [],
    inFence: false,
    fenceLine: -1,
    styles: [],
    codeSpan: -1,
    linePrefix: '',
  };
  let i = 0;
  let lineStart = true;
  while (i < end) {
    if (lineStart) {
      lineStart = false;
      state.styles = [];
      state.linePrefix = '';
      if (isFenceLine(text, i)) {
        state.inFence = !state.inFence;
        if (state.inFence) state.fenceLine = i;
        i += FENCE.length;
        continue;
      }
      if (!state.inFence && (text.startsWith('-# ', i) || text.startsWith('> ', i))) {
        state.linePrefix = text.startsWith('> ', i) ? '> ' : '-# ';
        i += state.linePrefix.length;
        continue;
      }
    }
    const char = text[i];
    if (char === '\n') {
      lineStart = true;
      i++;
    } else if (state.inFence) {
      const newline = text.indexOf('\n', i);
      i = newline === -1 ? text.length : newline;
    } else if (char === '\\') {
      state.atomic.push([i, i + 2, 'escape']);
      i += 2;
    } else if (char === '`') {
      const close = text.indexOf('`', i + 1);
      const newline = text.indexOf('\n', i + 1);
      if (close === -1 || (newline !== -1 && newline < close)) i++;
      else {
        state.atomic.push([i, close + 1, 'code']);
        if (end <= close) state.codeSpan = i;
        i = close + 1;
      }
    } else if (char === '[' && maskedLinkEnd(text, i) !== -1) {
      const close = maskedLinkEnd(text, i);
      state.atomic.push([i, close, 'link']);
      i = close;
    } else if ((char === 'h' || char === 'H') && matchAddress(text, i) > 0) {
      const length = matchAddress(text, i);
      state.atomic.push([i, i + length, 'address']);
      i += length;
    } else {
      const marker = STYLE_MARKERS.find((m) => text.startsWith(m, i));
      if (marker === undefined) i++;
      else {
        const open = state.styles.indexOf(marker);
        if (open === -1) state.styles.push(marker);
        else state.styles.splice(open, 1);
        i += marker.length;
      }
    }
  }
  return state;
}

function matchAddress(text: string, at: number): number {
  URL_AT.lastIndex = at;
  return URL_AT.exec(text)?.[0].length ?? 0;
}

/** Positions strictly inside an atomic range, up to `limit`. */
function blockedPositions(atomic: readonly Atomic[], limit: number): Uint8Array {
  const blocked = new Uint8Array(limit + 1);
  for (const [start, stop] of atomic) blocked.fill(1, start + 1, Math.min(stop, limit + 1));
  return blocked;
}

/** Whether `at` would cut a surrogate pair in two. */
function splitsPair(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  return before >= 0xd800 && before <= 0xdbff;
}

interface CutPoint {
  at: number;
  /** The separator cut at, removed from both pieces: newlines or spaces; '' for a hard cut. */
  separator: 'newline' | 'space' | '';
}

/**
 * The best place at or before `budget` to cut `text`, after `floor`: the last boundary, else a paragraph
 * break or a line break in the second half of the piece, else the last space, else a hard cut.
 */
function cutPoint(text: string, budget: number, floor: number, boundaries: readonly number[]): CutPoint {
  const { atomic } = scan(text, budget + 1);
  const blocked = blockedPositions(atomic, budget);
  const half = Math.max(floor, Math.floor(budget / 2));
  // Sections first: a piece ends at the last boundary that fits, so a section that fits one piece is never cut.
  const boundary = boundaries.filter((at) => at >= floor && at <= budget).at(-1);
  if (boundary !== undefined) return { at: boundary, separator: 'newline' };
  for (const separator of ['\n\n', '\n', ' ']) {
    const lowest = separator === ' ' ? floor : half;
    let at = text.lastIndexOf(separator, budget);
    while (at >= lowest) {
      if (!blocked[at]) return { at, separator: separator === ' ' ? 'space' : 'newline' };
      at = text.lastIndexOf(separator, at - 1);
    }
  }
  // A hard cut: moved back to the start of an escape, span, link or address it would split, unless that
  // starts too early (a code span, link or address longer than a piece is cut inside).
  let at = budget;
  const inside = atomic.find(([start, stop]) => at > start && at < stop);
  if (inside && (inside[0] >= floor || inside[2] === 'escape')) at = inside[0];
  if (splitsPair(text, at)) at--;
  return { at: Math.max(at, floor), separator: '' };
}

/** At the start of a piece cut mid-line, what would read as a heading, quote, list or subtext. */
function escapeLineStart(text: string): string {
  return text.replace(/^(?:([#>+-])|(\d+)\.)/, (_, mark: string | undefined, digits: string | undefined) =>
    mark !== undefined ? `\\${mark}` : `${digits}\\.`,
  );
}

interface Cut {
  piece: string;
  rest: string;
  /** `rest` is `text.slice(from)` with `added` characters put before it: boundaries move by `added - from`. */
  from: number;
  added: number;
}

/**
 * Cuts the first piece of at most `max` characters off Discord Markdown (see the file's comment), ending
 * it with `ellipsis` when given. The rest is what remains, with what was closed reopened.
 */
function cutOnce(text: string, max: number, boundaries: readonly number[] = [], ellipsis = ''): Cut {
  // What closes the piece is known only once the cut is chosen: cut again a little earlier until it fits.
  let budget = max - ellipsis.length;
  for (;;) {
    const cut = cutAt(text, budget, boundaries, ellipsis);
    if (cut.piece.length <= max || budget <= 1) return cut;
    budget -= cut.piece.length - max;
  }
}

function cutAt(text: string, budget: number, boundaries: readonly number[], ellipsis: string): Cut {
  const floor = Math.min((OPENING.exec(text)?.[0].length ?? 0) + 1, budget);
  let { at, separator } = cutPoint(text, budget, floor, boundaries);
  let state = scan(text, at);
  if (state.codeSpan !== -1 && text[at] === '`') {
    // Cut just before a code span's closing backtick: take the backtick, nothing is left open.
    at++;
    separator = '';
    state = scan(text, at);
  }
  // A fence cut right after its opening line leaves it empty: cut before that line instead.
  if (
    state.inFence &&
    state.fenceLine >= floor &&
    text.slice(state.fenceLine + FENCE.length, at).trim() === ''
  ) {
    at = state.fenceLine;
    separator = 'newline';
    state = scan(text, at);
  }
  const head = separator === '' ? text.slice(0, at) : text.slice(0, at).trimEnd();
  let from = at;
  if (separator === 'newline') while (text[from] === '\n') from++;
  else if (separator === 'space') while (text[from] === ' ') from++;

  const midLine = separator !== 'newline' && text[from - 1] !== '\n';
  let closers = state.codeSpan !== -1 ? '`' : '';
  closers += [...state.styles].reverse().join('');
  let reopen = '';
  if (state.inFence) {
    closers += `\n${FENCE}`;
    if (isFenceLine(text, from)) {
      // The fence closes right here: the piece's closer is the one it had.
      from += FENCE.length;
      while (text[from] === '\n') from++;
    } else reopen = `${FENCE}\n`;
  }
  if (midLine && !state.inFence) reopen += state.linePrefix + state.styles.join('');
  if (state.codeSpan !== -1) reopen += '`';
  let rest = text.slice(from);
  let added = reopen.length;
  const address = state.atomic.find(([start, stop, kind]) => kind === 'address' && start < at && at < stop);
  if (address !== undefined) {
    // An address longer than a piece, cut in two: what follows the cut is no address any more, but text.
    const tail = text.slice(from, address[1]);
    const escaped = escapeMarkdown(tail);
    added += escaped.length - tail.length;
    rest = escaped + text.slice(address[1]);
  }
  if (midLine && !state.inFence && state.styles.length === 0 && state.codeSpan === -1) {
    // Text from the middle of a line now starts one: what would read as a heading or a list is escaped.
    const escaped = escapeLineStart(rest);
    added += escaped.length - rest.length;
    rest = escaped;
  }
  rest = rest === '' ? '' : reopen + rest;
  return { piece: head + ellipsis + closers, rest, from, added };
}

/**
 * Splits Discord Markdown into pieces of at most `max` characters (see the file's comment); `boundaries`
 * are the positions (each the start of the newlines between two sections) where a cut is best made.
 */
export function splitMarkdown(text: string, max: number, boundaries: readonly number[] = []): string[] {
  const pieces: string[] = [];
  let rest = text;
  let marks = [...boundaries];
  while (rest.length > max) {
    const cut = cutOnce(rest, max, marks);
    if (cut.piece.trim() !== '') pieces.push(cut.piece);
    rest = cut.rest;
    marks = marks.filter((at) => at > cut.from).map((at) => at - cut.from + cut.added);
  }
  if (rest.trim() !== '') pieces.push(rest);
  return pieces;
}

/** Discord Markdown cut to at most `max` characters, marked with an ellipsis when cut. */
export function clipMarkdown(text: string, max: number): string {
  if (text.length <= max) return text;
  return cutOnce(text, max, [], '…').piece;
}

/** Plain text cut to `max` characters, with an ellipsis when cut; never splits a surrogate pair. */
function clipPlain(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (splitsPair(text, end)) end--;
  return `${text.slice(0, end)}…`;
}

// ---------------------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------------------

/** Untrusted text is cut to this before it is escaped (escaping can triple it; the result is clipped again). */
const PLAIN_CAP = 20_000;

/** How much of a paper embed's description each line may take. */
const PAPER_SHARE = { url: 600, byline: 900, scoring: 500, tldr: 2000 } as const;

/** Wraps each line's Markdown in a style marker, leaving the spaces around it outside. */
function styleLines(markdown: string, marker: '**' | '*'): string {
  return markdown
    .split('\n')
    .map((line) => {
      const [, before = '', inner = '', after = ''] = /^(\s*)(.*?)(\s*)$/.exec(line) ?? [];
      if (inner === '') return line;
      if (!endsWithAddress(inner)) return `${before}${marker}${inner}${marker}${after}`;
      // A marker right after a bare address would be read as part of it.
      return marker === '*' ? line : `${before}${marker}${inner} ${marker}${after}`;
    })
    .join('\n');
}

function spanMarkdown(span: Span): string {
  const style = (markdown: string): string => {
    let out = markdown;
    if (span.italic) out = styleLines(out, '*');
    if (span.bold) out = styleLines(out, '**');
    return out;
  };
  if (span.link !== undefined) return maskedLink(span.text, span.link, style);
  const text = cleanText(span.text);
  if (span.code) return style(text.split('\n').map(inlineCode).join('\n'));
  return style(escapeMarkdown(text));
}

function spansMarkdown(spans: readonly Span[]): string {
  return joinMarkdown(spans.map(spanMarkdown));
}

/** Lines as Discord subtext, blank ones dropped. */
function subtext(markdown: string): string {
  return markdown
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => `-# ${line.trim()}`)
    .join('\n');
}

/** A paper as the core presents it (src/chat/present.ts), styled: a linked title, subtext for scoring. */
function paperEmbed(block: PaperBlock): DiscordEmbed {
  const parts = paperParts(block);
  const title = cleanLine(parts.title) || cleanLine(block.paper.id) || parts.url;
  const shownTitle = clipMarkdown(
    `${parts.rank}${escapeMarkdown(clipPlain(title, DISCORD_LIMITS.title))}`,
    DISCORD_LIMITS.title,
  );
  const target = linkTarget(parts.url);
  // A title that names another site is not made a link to arXiv's page: the address is shown instead.
  const linked = target !== null && target.length <= MAX_URL && !namesOtherHost(title, target);
  const lines: string[] = [];
  if (!linked && parts.url !== '') {
    lines.push(clipMarkdown(target ?? escapeMarkdown(clipPlain(parts.url, PLAIN_CAP)), PAPER_SHARE.url));
  }
  const clipped = (text: string, share: number) =>
    clipMarkdown(escapeMarkdown(clipPlain(cleanLine(text), PLAIN_CAP)), share);
  if (parts.byline !== '') lines.push(clipped(parts.byline, PAPER_SHARE.byline));
  if (parts.scoring !== '') lines.push(`-# ${clipped(parts.scoring, PAPER_SHARE.scoring)}`);
  if (parts.tldr !== '') lines.push(`**${TLDR_LABEL}** ${clipped(parts.tldr, PAPER_SHARE.tldr)}`);
  const embed: DiscordEmbed = { title: shownTitle };
  if (linked) embed.url = target;
  const description = lines.filter((text) => text.trim() !== '').join('\n');
  if (description !== '') embed.description = clipMarkdown(description, DISCORD_LIMITS.description);
  embed.color = ACCENT_COLOR;
  return embed;
}

/** A run of description: its Markdown and whether a blank line sets it apart from what comes before. */
interface Chunk {
  markdown: string;
  paragraph: boolean;
}

/** An embed before it is cut to fit: a title and the chunks of its description. */
interface TextDraft {
  kind: 'text';
  title?: string;
  chunks: Chunk[];
}

type Draft = TextDraft | { kind: 'paper'; embed: DiscordEmbed };

function headerTitle(text: string): string {
  return clipMarkdown(escapeMarkdown(clipPlain(cleanLine(text), DISCORD_LIMITS.title)), DISCORD_LIMITS.title);
}

/** The chunks of a text, context or markdown block; none when it shows nothing. */
function blockChunks(block: Block): Chunk[] {
  switch (block.kind) {
    case 'text': {
      const markdown = spansMarkdown(block.spans);
      return markdown.trim() === '' ? [] : [{ markdown, paragraph: false }];
    }
    case 'context': {
      const markdown = subtext(spansMarkdown(block.spans));
      return markdown === '' ? [] : [{ markdown, paragraph: false }];
    }
    case 'markdown':
      return markdownToDiscord(block.text).map((markdown) => ({ markdown, paragraph: true }));
    default:
      return [];
  }
}

/** The blocks as drafts of embeds, in order. */
function drafts(blocks: readonly Block[]): Draft[] {
  const out: Draft[] = [];
  let current: TextDraft | null = null;
  const close = () => {
    if (current !== null && (current.title !== undefined || current.chunks.length > 0)) out.push(current);
    current = null;
  };
  for (const block of blocks) {
    if (block.kind === 'header') {
      const title = headerTitle(block.text);
      if (title === '') continue;
      close();
      current = { kind: 'text', title, chunks: [] };
    } else if (block.kind === 'paper') {
      close();
      out.push({ kind: 'paper', embed: paperEmbed(block) });
    } else if (block.kind === 'divider') {
      close();
    } else {
      current ??= { kind: 'text', chunks: [] };
      current.chunks.push(...blockChunks(block));
    }
  }
  close();
  return out;
}

/** A draft's description and the positions between its chunks, where a cut is best made. */
function description(chunks: readonly Chunk[]): { text: string; boundaries: number[] } {
  let text = '';
  const boundaries: number[] = [];
  let previousParagraph = false;
  for (const chunk of chunks) {
    if (text !== '') {
      boundaries.push(text.length);
      text += chunk.paragraph || previousParagraph ? '\n\n' : '\n';
    }
    text += chunk.markdown;
    previousParagraph = chunk.paragraph;
  }
  return { text, boundaries };
}

/** Groups embeds into parts within the embed count and the 6,000 characters (less the footer's room). */
class Packer {
  readonly parts: DiscordEmbed[][] = [];
  #current: DiscordEmbed[] = [];
  #used = 0;

  /** Room left in the current part, for an embed with a title of `titleLength`. */
  room(titleLength: number): number {
    if (this.#current.length >= DISCORD_LIMITS.embedsPerMessage) return 0;
    return Math.min(DISCORD_LIMITS.description, EMBED_BUDGET - this.#used - titleLength);
  }

  get empty(): boolean {
    return this.#current.length === 0;
  }

  next(): void {
    if (this.#current.length > 0) this.parts.push(this.#current);
    this.#current = [];
    this.#used = 0;
  }

  add(embed: DiscordEmbed): void {
    const length = embedLength(embed);
    if (this.#current.length >= DISCORD_LIMITS.embedsPerMessage || this.#used + length > EMBED_BUDGET) {
      this.next();
    }
    this.#current.push(embed);
    this.#used += length;
  }

  finish(): DiscordEmbed[][] {
    this.next();
    return this.parts;
  }
}

/** Below this much room left in a part, a long description starts a new part rather than a small embed. */
const MIN_FILL = 1000;

function placeText(packer: Packer, draft: TextDraft): void {
  let title = draft.title;
  let { text: rest, boundaries } = description(draft.chunks);
  if (rest === '') {
    packer.add({ title: title ?? '', color: ACCENT_COLOR });
    return;
  }
  while (rest !== '') {
    const titleLength = title?.length ?? 0;
    let room = packer.room(titleLength);
    if (rest.length > room && room < MIN_FILL && !packer.empty) {
      packer.next();
      room = packer.room(titleLength);
    }
    let piece = rest;
    if (rest.length > room) {
      const cut = cutOnce(rest, room, boundaries);
      piece = cut.piece;
      boundaries = boundaries.filter((at) => at > cut.from).map((at) => at - cut.from + cut.added);
      rest = cut.rest;
    } else rest = '';
    const embed: DiscordEmbed = {};
    if (title !== undefined) embed.title = title;
    embed.description = piece;
    embed.color = ACCENT_COLOR;
    packer.add(embed);
    title = undefined;
  }
}

/**
 * In a message of papers, the other blocks as the first part's content, when they are only text and context
 * lines and fit; null otherwise.
 */
function paperMessageContent(blocks: readonly Block[]): string | null {
  if (!blocks.some((block) => block.kind === 'paper')) return null;
  const lines: string[] = [];
  for (const block of blocks) {
    if (block.kind === 'paper' || block.kind === 'divider') continue;
    if (block.kind !== 'text' && block.kind !== 'context') return null;
    lines.push(...blockChunks(block).map((chunk) => chunk.markdown));
  }
  const content = lines.join('\n');
  return content.length <= DISCORD_LIMITS.content ? content : null;
}

/**
 * The message as one or more Discord messages, in posting order. Each has at least one embed; the first may
 * have content (see the file's comment). The poster sends them with `allowed_mentions: { parse: [] }` as well.
 */
export function renderMessage(message: OutboundMessage): DiscordMessagePart[] {
  const content = paperMessageContent(message.blocks);
  const blocks = content === null ? message.blocks : message.blocks.filter((block) => block.kind === 'paper');
  let planned = drafts(blocks);
  if (planned.length === 0) {
    const fallback = escapeMarkdown(message.text.trim());
    planned = [{ kind: 'text', chunks: [{ markdown: fallback === '' ? '…' : fallback, paragraph: false }] }];
  }
  const packer = new Packer();
  for (const draft of planned) {
    if (draft.kind === 'paper') packer.add(draft.embed);
    else placeText(packer, draft);
  }
  const parts: DiscordMessagePart[] = packer.finish().map((embeds) => ({ embeds }));
  const first = parts[0];
  if (first !== undefined && content !== null && content.trim() !== '') first.content = content;
  return parts;
}
