/**
 * How a paper and a digest look, decided once for every medium: the author line and its "et al.", the
 * score, the categories, the matched terms and why else a paper is there, the TL;DR label, the parts of a paper block and of a digest's
 * root message. Everything here is plain text on one line, with control characters removed (src/text/
 * control.ts) and nothing escaped. The renderers (Markdown, RSS, the archive page, the model prompt, the
 * CLI) and the chat adapters (Slack blocks, the shell) only escape and style these strings for their
 * markup; none of them decides again what is shown.
 */
import type { Paper } from '../arxiv/paper.ts';
import type { Digest, PaperReasons } from '../digest/digest.ts';
import { formatKeywordQuery } from '../digest/query.ts';
import type { PaperSummary } from '../summarize/types.ts';
import { stripControls } from '../text/control.ts';
import { texToText } from '../text/tex.ts';
import type { Block } from './types.ts';

/**
 * How many authors each medium names before "et al.". A chat message or a terminal line shows a paper
 * among many, so three names; a page or a feed item has room for more; the model gets enough to know the
 * group without spending tokens on a long list.
 */
export const AUTHORS_SHOWN = {
  chat: 3,
  page: 10,
  feed: 20,
  prompt: 10,
} as const;

/** Between the parts of one line: `authors · categories`, `score 2.5 · matched: x`. */
export const SEPARATOR = ' · ';

/** What a paper's one- or two-sentence summary is called. */
export const TLDR_LABEL = 'TL;DR';

/** Untrusted text on one line: controls and escape sequences removed, line breaks as spaces, trimmed. */
export function oneLine(text: string): string {
  return stripControls(text, { lineBreaks: 'space' }).trim();
}

/**
 * A paper's title as shown: on one line, TeX accents and escapes as characters, math as it is:
 * `Schr\"odinger on $\mathbb{R}^3$` is `Schrödinger on $\mathbb{R}^3$`.
 */
export function paperTitle(title: string): string {
  return oneLine(texToText(title));
}

/** A paper's abstract as shown: as paperTitle shows a title (renderers cut and escape it). */
export function paperAbstract(abstract: string): string {
  return oneLine(texToText(abstract));
}

/** An author's name as shown: `Zlatko Te\v{s}anovi\'c` is `Zlatko Tešanović`. */
export function authorName(name: string): string {
  return oneLine(texToText(name));
}

/**
 * The authors as one line (each as authorName shows it): all of them when there are at most `max`, else the first `max` (at least one)
 * and "et al.": `Ada Lovelace, Alan Turing, Grace Hopper et al.`. A name left empty by cleaning is skipped.
 */
export function authorLine(authors: readonly string[], options: { max: number }): string {
  const names = authors.map(authorName).filter((name) => name !== '');
  if (names.length <= options.max) return names.join(', ');
  return `${names.slice(0, Math.max(1, options.max)).join(', ')} et al.`;
}

/** A score with at most two decimals, an integer without any: `2.5`, `1.33`, `3`. */
export function formatScore(score: number): string {
  return String(Number(score.toFixed(2)));
}

/** A paper's categories, primary first as arXiv lists them: `cs.LG, cs.AI`. */
export function categoryLine(paper: Pick<Paper, 'categories'>): string {
  return paper.categories.map(oneLine).join(', ');
}

/** The terms that matched, as written in the query: `transformer, diffusion`. */
export function matchedLine(terms: readonly string[]): string {
  return terms.map(oneLine).join(', ');
}

/** Authors and categories: `Ada Lovelace, Alan Turing et al. · cs.LG, cs.AI`; either may be missing. */
export function paperByline(
  paper: Pick<Paper, 'authors' | 'categories'>,
  options: { maxAuthors: number },
): string {
  return [authorLine(paper.authors, { max: options.maxAuthors }), categoryLine(paper)]
    .filter((part) => part !== '')
    .join(SEPARATOR);
}

/** What else put a paper in a digest than its terms (DigestPaper): followed authors, the learned ranking. */
export interface PaperWhy {
  /** The paper's followed authors, as the paper writes them. */
  followed?: readonly string[] | undefined;
  reasons?: PaperReasons | undefined;
}

/** How many followed authors the why line names, and how much of a liked paper's title. */
const WHY_AUTHORS = 2;
const WHY_TITLE = 60;

function clipped(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/**
 * Why a paper is there beyond its terms, short: `followed: Yann LeCun · like: Attention Is All You Need`,
 * or `recommended`; empty when nothing else put it there.
 */
export function whyLine(why: PaperWhy): string {
  const parts: string[] = [];
  const followed = why.followed ?? [];
  if (followed.length > 0) parts.push(`followed: ${authorLine(followed, { max: WHY_AUTHORS })}`);
  const like = why.reasons?.like;
  if (like) parts.push(`like: ${clipped(paperTitle(like.title), WHY_TITLE) || oneLine(like.id)}`);
  else if (why.reasons?.recommended) parts.push('recommended');
  return parts.join(SEPARATOR);
}

/**
 * Why a paper is there, on one line: `score 2.5 · matched: transformer, diffusion · followed: Yann LeCun`
 * (whyLine after the terms); empty when nothing is known.
 */
export function scoringLine(score: number | null, terms: readonly string[], why: PaperWhy = {}): string {
  const parts: string[] = [];
  if (score !== null) parts.push(`score ${formatScore(score)}`);
  if (terms.length > 0) parts.push(`matched: ${matchedLine(terms)}`);
  const more = whyLine(why);
  if (more !== '') parts.push(more);
  return parts.join(SEPARATOR);
}

export type PaperBlock = Extract<Block, { kind: 'paper' }>;

/** The lines of a paper block, each plain text on one line; an empty string is a line not shown. */
export interface PaperParts {
  /** `3. ` for a paper with a rank, empty for one shown alone. */
  rank: string;
  title: string;
  /** See paperByline. */
  byline: string;
  /** See scoringLine. */
  scoring: string;
  /** The TL;DR's text, without its label (TLDR_LABEL): an adapter styles the label its own way. */
  tldr: string;
  /** The abstract page, which the title links to. */
  url: string;
}

/** What a chat adapter shows of a paper block, in this order. */
export function paperParts(
  block: Omit<PaperBlock, 'kind'>,
  options: { maxAuthors?: number } = {},
): PaperParts {
  return {
    rank: block.rank === null ? '' : `${block.rank}. `,
    title: paperTitle(block.paper.title),
    byline: paperByline(block.paper, { maxAuthors: options.maxAuthors ?? AUTHORS_SHOWN.chat }),
    scoring: scoringLine(block.score, block.matchedTerms, block),
    tldr: block.tldr === null ? '' : oneLine(block.tldr),
    url: oneLine(block.paper.absUrl),
  };
}

/** `1 paper`, `12 papers`. */
export function paperCount(count: number): string {
  return `${count} paper${count === 1 ? '' : 's'}`;
}

/** A digest's categories, or what an empty list means: every category of the listing. */
export function digestCategories(categories: readonly string[]): string {
  return categories.length > 0 ? categories.map(oneLine).join(', ') : 'all categories';
}

/** The date a digest is for: its announcement, else the day it was made. */
export function digestDate(digest: Pick<Digest, 'announced' | 'generatedAt'>): string {
  return digest.announced ?? digest.generatedAt.slice(0, 10);
}

/** What the root message of a digest says about it. */
export interface DigestOverview {
  /** See digestDate. */
  date: string;
  /** See paperCount. */
  papers: string;
  /** How many papers of the listing were considered. */
  listed: number;
  /** See digestCategories. */
  categories: string;
  /** The query in the keyword language, e.g. `transformer, "speculative decoding", -survey`. */
  terms: string;
}

export function digestOverview(digest: Digest): DigestOverview {
  return {
    date: digestDate(digest),
    papers: paperCount(digest.papers.length),
    listed: digest.listed,
    categories: digestCategories(digest.categories),
    terms: formatKeywordQuery(digest.query),
  };
}

/** What a summary is called, which says whether a model wrote it or it was cut from the abstract. */
export function summaryLabel(summary: Pick<PaperSummary, 'source'>): string {
  return summary.source === 'model' ? 'AI summary' : 'Summary (from the abstract)';
}
