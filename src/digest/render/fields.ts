import type { Paper } from '../../arxiv/paper.ts';
import type { PaperSummary } from '../../summarize/types.ts';

/**
 * The text of a paper's fields as every renderer shows them, before each escapes it for its markup.
 */

/** Cuts text to at most `max` characters at a word boundary, with an ellipsis when anything was cut. */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = Math.max(0, max - 1);
  const lastSpace = text.lastIndexOf(' ', room);
  let cut = lastSpace > 0 ? text.slice(0, lastSpace) : text.slice(0, room);
  // Never end on half of a surrogate pair (an emoji or a rare letter cut in two).
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.replace(/[\s,;:]+$/, '')}…`;
}

/** The authors, the first `max` of them when there are more, with how many there are in all. */
export function authorList(paper: Paper, max: number): string {
  if (paper.authors.length <= max) return paper.authors.join(', ');
  return `${paper.authors.slice(0, max).join(', ')} et al. (${paper.authors.length} authors)`;
}

/** The date shown for a paper: when version 1 was submitted, else when it was announced, else null. */
export function paperDate(paper: Paper): string | null {
  return paper.published?.slice(0, 10) ?? paper.announced;
}

/** What a summary is called, which says whether a model wrote it or it was cut from the abstract. */
export function summaryLabel(summary: PaperSummary): string {
  return summary.source === 'model' ? 'AI summary' : 'Summary (from the abstract)';
}

/** `2024-11-28 14:47 UTC` for an ISO timestamp. */
export function utcMinute(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
