/**
 * The core's messages as platform-neutral blocks (src/chat/types.ts). Adapters render and escape them; here
 * nothing is escaped, and every piece of text from arXiv, a user or a model stays in a span or block of its
 * own so an adapter can tell it apart from the bot's own words. How a paper and a digest are shown (counts,
 * categories, the TL;DR label; a paper block's lines) comes from src/chat/present.ts.
 */

import { type CitationFormat, citation } from '../arxiv/cite.ts';
import type { Paper } from '../arxiv/paper.ts';
import {
  digestOverview,
  oneLine,
  type PaperBlock,
  paperCount,
  paperTitle,
  TLDR_LABEL,
} from '../chat/present.ts';
import type { Block, OutboundMessage, Span } from '../chat/types.ts';
import type { Digest, DigestPaper } from '../digest/digest.ts';
import { formatKeywordQuery, type KeywordQuery } from '../digest/query.ts';
import type { PaperSummary } from '../summarize/types.ts';
import { emojiText } from './emoji.ts';

const text = (...spans: Span[]): Block => ({ kind: 'text', spans });
const context = (...spans: Span[]): Block => ({ kind: 'context', spans });

export function plainMessage(message: string): OutboundMessage {
  return { text: message, blocks: [text({ text: message })] };
}

/** A user mistake or a failure, in the words of the error's userMessage. */
export function problemMessage(message: string): OutboundMessage {
  return { text: message, blocks: [text({ text: message })] };
}

// Progress notes of commands whose work takes long (src/bot/commands/progress.ts).

/** A digest's first stage: the day's listing is being fetched. */
export function listingProgressMessage(categories: readonly string[]): OutboundMessage {
  return plainMessage(`Fetching the arXiv listing for ${categories.join(', ')}…`);
}

export interface DigestProgress {
  /** The announcement date. */
  announced: string;
  /** Papers in the listing, in the digest's categories. */
  listed: number;
  /** Papers the digest will hold. */
  matched: number;
  /** Whether the model summarizes them (a TL;DR each, the top ones in full). */
  summarizing: boolean;
}

/** A digest's second stage: ranked, and being summarized. */
export function digestProgressMessage(progress: DigestProgress): OutboundMessage {
  const { announced, listed, matched, summarizing } = progress;
  const work = summarizing ? `summarizing the top ${matched}` : `posting the ${matched} that match`;
  return plainMessage(
    `Preparing the digest of ${announced}: ${listed.toLocaleString('en-US')} papers in the listing, ${work}…`,
  );
}

/** A search waiting for arXiv's API. */
export function searchProgressMessage(query: string): OutboundMessage {
  return {
    text: `Searching arXiv for ${query}…`,
    blocks: [text({ text: 'Searching arXiv for ' }, { text: query, code: true }, { text: '…' })],
  };
}

/** A summary being made. */
export function summaryProgressMessage(id: string, version: number | null): OutboundMessage {
  return plainMessage(`Summarizing arXiv:${id}${version === null ? '' : `v${version}`}…`);
}

/**
 * In a paper's thread, after a reaction whose summary could not be made: why (`problem`, with its closing
 * advice), for the paper `id`.
 */
export function summaryFailedMessage(id: string, problem: string): OutboundMessage {
  const message = `Could not make the summary of arXiv:${id}: ${problem}`;
  return { text: message, blocks: [text({ text: message })] };
}

/** The root message of a daily digest; the papers follow as thread replies. */
export function digestRootMessage(digest: Digest, emoji: string): OutboundMessage {
  const { date, papers, listed, categories, terms } = digestOverview(digest);
  return {
    text: `arXiv digest for ${date}: ${papers} matching ${terms}`,
    blocks: [
      { kind: 'header', text: `arXiv digest · ${date}` },
      text(
        { text: papers, bold: true },
        { text: ` of ${listed} new in ${categories}, matching ` },
        { text: terms, code: true },
      ),
      context({
        text: `Papers are in the thread, best first. React with ${emojiText(emoji)} on one to get its summary.`,
      }),
    ],
  };
}

/** One paper of a digest, as a thread reply. */
export function digestPaperMessage(ranked: DigestPaper, rank: number): OutboundMessage {
  const block = paperBlock(ranked.paper, rank, ranked.score, ranked.matchedTerms, ranked.summary);
  return {
    text: `${rank}. ${paperTitle(ranked.paper.title)} ${ranked.paper.absUrl}`,
    blocks: [
      {
        ...block,
        ...(ranked.followed && ranked.followed.length > 0 ? { followed: [...ranked.followed] } : {}),
        ...(ranked.reasons ? { reasons: ranked.reasons } : {}),
      },
    ],
  };
}

function paperBlock(
  paper: Paper,
  rank: number | null,
  score: number | null,
  matchedTerms: string[],
  summary: PaperSummary | null,
): PaperBlock {
  return { kind: 'paper', paper, rank, score, matchedTerms, tldr: summary?.tldr ?? null };
}

export interface SearchResult {
  paper: Paper;
  score: number | null;
  matchedTerms: string[];
}

export function searchResultsMessage(
  query: string,
  results: SearchResult[],
  note: string | null,
): OutboundMessage {
  const notes = note ? [context({ text: note })] : [];
  if (results.length === 0) {
    return {
      text: `No papers found for ${query}`,
      blocks: [text({ text: 'No papers found for ' }, { text: query, code: true }), ...notes],
    };
  }
  return {
    text: `${paperCount(results.length)} for ${query}`,
    blocks: [
      text({ text: `${paperCount(results.length)} for ` }, { text: query, code: true }),
      ...results.map((result, index) =>
        paperBlock(result.paper, index + 1, result.score, result.matchedTerms, null),
      ),
      ...notes,
    ],
  };
}

/** A paper's summary, posted in a thread or as a command's answer. */
export function summaryMessage(paper: Paper, summary: PaperSummary): OutboundMessage {
  const blocks: Block[] = [
    { kind: 'header', text: paperTitle(paper.title) },
    text({ text: paper.absUrl, link: paper.absUrl }),
  ];
  if (summary.tldr) blocks.push(text({ text: `${TLDR_LABEL}: `, bold: true }, { text: summary.tldr }));
  if (summary.body) blocks.push({ kind: 'markdown', text: summary.body });
  blocks.push(
    context({
      text:
        summary.source === 'model'
          ? `Summary by ${summary.model ?? 'the model'}; check the paper before citing it.`
          : 'Extractive summary cut from the abstract: no model answered.',
    }),
  );
  return { text: `Summary of ${paperTitle(paper.title)}: ${summary.tldr ?? paper.absUrl}`, blocks };
}

/**
 * A paper's citation as a code block (a fenced block of a markdown block, which each adapter writes as its
 * platform's code block, escaped: no mention inside it pings anyone), under the paper's title.
 */
export function citationMessage(paper: Paper, format: CitationFormat): OutboundMessage {
  const name = format === 'ris' ? 'RIS' : 'BibTeX';
  const cited = citation(paper, format);
  return {
    text: `${name} of ${paperTitle(paper.title)} (arXiv:${paper.id})`,
    blocks: [
      text({ text: `${name} of ` }, { text: paperTitle(paper.title), link: paper.absUrl, bold: true }),
      { kind: 'markdown', text: `\`\`\`\n${cited}\n\`\`\`` },
    ],
  };
}

/** Posting a citation for a reaction failed. */
export function citationFailedMessage(id: string, problem: string): OutboundMessage {
  const message = `Could not make the citation of arXiv:${id}: ${problem}`;
  return { text: message, blocks: [text({ text: message })] };
}

export interface SettingsView {
  scope: 'channel' | 'user';
  query: KeywordQuery | null;
  categories: string[];
  time: string;
  timeZone: string;
  nextRun: Date | null;
  public: boolean;
  /** Followed authors, as typed. */
  authors: readonly string[];
  /** The weekly rollup's day and time (in `timeZone`), or null when off. */
  weekly?: { day: string; time: string } | null;
}

/** When a weekly rollup comes: `Mondays at 09:00 Europe/Berlin`. */
export function weeklyWhen(weekly: { day: string; time: string }, timeZone: string): string {
  return `${weekly.day.slice(0, 1).toUpperCase()}${weekly.day.slice(1)}s at ${weekly.time} ${timeZone}`;
}

export function settingsMessage(view: SettingsView): OutboundMessage {
  const whose = view.scope === 'channel' ? 'This channel' : 'Your own digest';
  const terms = view.query ? formatKeywordQuery(view.query) : null;
  const next = view.nextRun
    ? ` (next: ${view.nextRun.toISOString().slice(0, 16).replace('T', ' ')} UTC)`
    : '';
  const lines: Block[] = [
    text(
      { text: `${whose} follows `, bold: false },
      terms ? { text: terms, code: true } : { text: 'no terms yet' },
    ),
    ...(view.authors.length > 0
      ? [text({ text: 'Authors followed: ' }, { text: view.authors.map(oneLine).join('; ') })]
      : []),
    text({ text: `Categories: ${view.categories.join(', ')}` }),
    text({ text: `Daily at ${view.time} ${view.timeZone}${next}` }),
    text({ text: `Weekly rollup: ${view.weekly ? weeklyWhen(view.weekly, view.timeZone) : 'off'}` }),
  ];
  if (view.scope === 'channel') {
    lines.push(text({ text: `Public archive page: ${view.public ? 'listed' : 'not listed'}` }));
  }
  if (!terms) {
    const prefix = view.scope === 'channel' ? '/arxiv' : '/arxiv me';
    lines.push(
      context({
        text: `Nothing is delivered until you subscribe: ${prefix} subscribe LLM, "speculative decoding"`,
      }),
    );
  }
  return { text: `${whose} follows ${terms ?? 'no terms yet'}`, blocks: lines };
}
