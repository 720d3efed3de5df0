import { absUrlFor, type Paper, versionedId } from '../../arxiv/paper.ts';
import {
  AUTHORS_SHOWN,
  authorLine,
  formatScore,
  matchedLine,
  paperAbstract,
  paperTitle,
  summaryLabel,
  TLDR_LABEL,
  whyLine,
} from '../../chat/present.ts';
import { addDays, scheduledInstant } from '../../schedule/calendar.ts';
import type { PaperSummary } from '../../summarize/types.ts';
import type { Digest, DigestPaper } from '../digest.ts';
import { escapeHtml, escapeXml } from './escape.ts';
import { cutAtWord } from './fields.ts';
import { type Block, parseSummaryBody, type Span } from './summary-body.ts';

export interface RssChannel {
  title: string;
  /** The site the feed belongs to (an archive page, or arXiv's listing). */
  link: string;
  description: string;
  /**
   * Where the feed itself is served (its public http(s) URL), for `atom:link rel="self"`. Null, or anything
   * but an absolute http(s) URL (a file:// path, a relative one), leaves the self link out: feed readers and
   * the W3C validator take a wrong self link for the feed's address, and a missing one is only a hint.
   */
  selfUrl?: string | null;
  /** Default "en". */
  language?: string;
}

export interface RssOptions {
  /**
   * Characters of each abstract, cut at a word boundary; whole by default; 0 leaves it out. A summary cut
   * from the abstract (no model answered) is shown only when the abstract is not, so it is never shown twice.
   */
  abstractLength?: number;
  /** Authors listed before "et al."; default AUTHORS_SHOWN.feed (20). */
  maxAuthors?: number;
  /** lastBuildDate of a feed without digests; the newest digest's time otherwise. Default: now. */
  now?: Date;
}

/**
 * An RSS 2.0 feed of one or more digests (a target's recent days), newest digest first, each digest's
 * papers in rank order. A paper in several digests appears once, with its newest one.
 *
 * Each item's guid is the paper's abstract page (a permalink). Its pubDate is when arXiv announced the paper
 * (see announcedAt), not when the digest or the file was made, so a feed rebuilt later dates nothing anew.
 * The description is HTML (authors, scores, abstract, summary) built from escaped text and then escaped
 * once more as XML element text, which is how RSS carries HTML: readers get the HTML back, and the text
 * inside it is escaped exactly once.
 */
export function renderRss(digests: readonly Digest[], channel: RssChannel, options: RssOptions = {}): string {
  const ordered = [...digests].sort((a, b) => Date.parse(b.generatedAt) - Date.parse(a.generatedAt));
  const newest = ordered[0];
  const lastBuild = newest ? new Date(newest.generatedAt) : (options.now ?? new Date());
  const seen = new Set<string>();
  const items: string[] = [];
  for (const digest of ordered) {
    for (const ranked of digest.papers) {
      if (seen.has(ranked.paper.id)) continue;
      seen.add(ranked.paper.id);
      items.push(renderItem(ranked, digest, options));
    }
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '  <channel>',
    `    <title>${escapeXml(channel.title)}</title>`,
    `    <link>${escapeXml(channel.link)}</link>`,
    `    <description>${escapeXml(channel.description)}</description>`,
    ...(isHttpUrl(channel.selfUrl)
      ? [`    <atom:link href="${escapeXml(channel.selfUrl)}" rel="self" type="application/rss+xml"/>`]
      : []),
    `    <language>${escapeXml(channel.language ?? 'en')}</language>`,
    `    <lastBuildDate>${rfc822(lastBuild)}</lastBuildDate>`,
    '    <generator>arxiv-digest</generator>',
    '    <docs>https://www.rssboard.org/rss-specification</docs>',
    ...items,
    '  </channel>',
    '</rss>',
    '',
  ].join('\n');
}

function isHttpUrl(url: string | null | undefined): url is string {
  if (!url) return false;
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** RFC 822 date-time as RSS 2.0 wants it (four-digit year, GMT): `Thu, 28 Nov 2024 14:47:20 GMT`. */
function rfc822(date: Date): string {
  return date.toUTCString();
}

/** arXiv releases a listing at 20:00 US Eastern on the evening before the date the listing carries. */
const RELEASE = { time: '20:00', timeZone: 'America/New_York' } as const;

/**
 * When a paper was announced: the instant arXiv released the listing it came in, 20:00 US Eastern the evening
 * before the listing's date (Paper.announced, else the digest's), e.g. Thu, 28 Nov 2024 01:00:00 GMT for the
 * listing of Thursday 2024-11-28. That is when the paper became public, the same for every reader and every
 * rebuild of the feed. A paper known only from arXiv's API (no listing) is dated by its first version; a
 * digest without either, by when it was made.
 */
export function announcedAt(paper: Pick<Paper, 'announced' | 'published'>, digest: Digest): Date {
  const listed = paper.announced ?? digest.announced;
  if (listed) return scheduledInstant(addDays(listed, -1), RELEASE);
  const published = paper.published ? new Date(paper.published) : null;
  if (published && Number.isFinite(published.getTime())) return published;
  return new Date(digest.generatedAt);
}

function renderItem(ranked: DigestPaper, digest: Digest, options: RssOptions): string {
  const { paper } = ranked;
  const url = escapeXml(absUrlFor(paper.id));
  return [
    '    <item>',
    `      <title>${escapeXml(paperTitle(paper.title))}</title>`,
    `      <link>${url}</link>`,
    `      <guid isPermaLink="true">${url}</guid>`,
    `      <pubDate>${rfc822(announcedAt(paper, digest))}</pubDate>`,
    ...paper.categories.map((category) => `      <category>${escapeXml(category)}</category>`),
    `      <description>${escapeXml(describe(ranked, options))}</description>`,
    '    </item>',
  ].join('\n');
}

/** The item's description as HTML. */
function describe(ranked: DigestPaper, options: RssOptions): string {
  const { paper } = ranked;
  const facts = [
    `<strong>Score:</strong> ${formatScore(ranked.score)}`,
    `<strong>Matched:</strong> ${escapeHtml(matchedLine(ranked.matchedTerms))}`,
    ...(whyLine(ranked) !== '' ? [`<strong>Why:</strong> ${escapeHtml(whyLine(ranked))}`] : []),
    ...(paper.announceType ? [`<strong>Announce type:</strong> ${paper.announceType}`] : []),
    `<strong>arXiv:</strong> ${escapeHtml(versionedId(paper))}`,
  ];
  const abstract = paperAbstract(paper.abstract);
  const abstractLength = options.abstractLength ?? Number.POSITIVE_INFINITY;
  const showAbstract = abstract !== '' && abstractLength > 0;
  const parts = [
    `<p><strong>Authors:</strong> ${escapeHtml(authorLine(paper.authors, { max: options.maxAuthors ?? AUTHORS_SHOWN.feed }))}</p>`,
    `<p>${facts.join(' · ')}</p>`,
  ];
  if (showAbstract) parts.push(`<p>${escapeHtml(cutAtWord(abstract, abstractLength))}</p>`);
  // An extractive summary is the abstract's own sentences: beside the abstract it would show it twice.
  const summary = ranked.summary;
  if (summary && !(showAbstract && summary.source === 'extractive')) parts.push(...summaryHtml(summary));
  return parts.join('\n');
}

function summaryHtml(summary: PaperSummary): string[] {
  const parts = [`<h4>${summaryLabel(summary)}</h4>`];
  if (summary.tldr) parts.push(`<p><strong>${TLDR_LABEL}:</strong> ${escapeHtml(summary.tldr)}</p>`);
  for (const block of parseSummaryBody(summary.body ?? '')) parts.push(blockHtml(block));
  if (summary.model) parts.push(`<p><small>${escapeHtml(summary.model)}</small></p>`);
  return parts;
}

function spansHtml(spans: readonly Span[]): string {
  return spans
    .map((span) => (span.bold ? `<strong>${escapeHtml(span.text)}</strong>` : escapeHtml(span.text)))
    .join('');
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `<p><strong>${spansHtml(block.spans)}</strong></p>`;
    case 'paragraph':
      return `<p>${spansHtml(block.spans)}</p>`;
    case 'bullets':
      return `<ul>${block.items.map((item) => `<li>${spansHtml(item)}</li>`).join('')}</ul>`;
    case 'numbered':
      return `<ol>${block.items.map((item) => `<li>${spansHtml(item)}</li>`).join('')}</ol>`;
  }
}
