import { absUrlFor, normalizeWhitespace, versionedId } from '../../arxiv/paper.ts';
import {
  AUTHORS_SHOWN,
  authorLine,
  categoryLine,
  digestCategories,
  formatScore,
  matchedLine,
  paperAbstract,
  paperTitle,
  summaryLabel,
} from '../../chat/present.ts';
import type { PaperSummary } from '../../summarize/types.ts';
import type { Digest } from '../digest.ts';
import type { RankedPaper } from '../listing-index.ts';
import { formatTerm, type QueryTerm } from '../query.ts';
import { escapeHtml, escapeMarkdownInline, guardLineStart, neutralizeMentions } from './escape.ts';
import { cutAtWord, paperDate, utcMinute } from './fields.ts';
import { type Block, parseSummaryBody, type Span } from './summary-body.ts';

export interface MarkdownOptions {
  /** Characters of each abstract shown, cut at a word boundary; default 600. Infinity shows it whole. */
  abstractLength?: number;
  /** Authors listed before "et al."; default AUTHORS_SHOWN.page (10). */
  maxAuthors?: number;
}

/**
 * The classic digest page in GitHub-flavoured Markdown: a statistics header, the numbered papers, then the
 * keywords. Everything from arXiv or a model is escaped (escape.ts); only the structure is ours.
 */
export function renderMarkdown(digest: Digest, options: MarkdownOptions = {}): string {
  const abstractLength = options.abstractLength ?? 600;
  const maxAuthors = options.maxAuthors ?? AUTHORS_SHOWN.page;
  const lines: string[] = [`# ${escapeMarkdownInline(digest.title)}`, ''];

  lines.push('## Statistics', '');
  lines.push(`- **Last update:** ${utcMinute(digest.generatedAt)}`);
  if (digest.announced) lines.push(`- **Announced:** ${digest.announced}`);
  lines.push(`- **Papers:** ${digest.papers.length} of ${digest.listed} listed`);
  lines.push(`- **Categories:** ${escapeMarkdownInline(digestCategories(digest.categories))}`, '');

  lines.push('## Papers', '');
  if (digest.papers.length === 0) lines.push('No paper of this listing matched the keywords.', '');
  digest.papers.forEach((ranked, index) => {
    lines.push(...renderPaper(ranked, index + 1, abstractLength, maxAuthors), '---', '');
  });

  lines.push('## Keywords', '');
  lines.push(`- **Terms:** ${escapeMarkdownInline(termList(digest.query.terms))}`);
  if (digest.query.exclude.length > 0) {
    lines.push(`- **Excluded:** ${escapeMarkdownInline(termList(digest.query.exclude))}`);
  }
  return `${lines.join('\n')}\n`;
}

function termList(terms: readonly QueryTerm[]): string {
  return terms.map(formatTerm).join(', ');
}

function renderPaper(
  ranked: RankedPaper,
  number: number,
  abstractLength: number,
  maxAuthors: number,
): string[] {
  const { paper } = ranked;
  const lines = [
    `### ${number}. [${escapeMarkdownInline(paperTitle(paper.title))}](${absUrlFor(paper.id)})`,
    '',
  ];
  lines.push(`- **Authors:** ${escapeMarkdownInline(authorLine(paper.authors, { max: maxAuthors }))}`);
  lines.push(`- **Categories:** ${escapeMarkdownInline(categoryLine(paper))}`);
  const date = paperDate(paper);
  if (date) lines.push(`- **${paper.published ? 'Published' : 'Announced'}:** ${date}`);
  const matched = escapeMarkdownInline(matchedLine(ranked.matchedTerms));
  lines.push(`- **Score:** ${formatScore(ranked.score)} (${matched})`);
  if (paper.announceType) lines.push(`- **Announce type:** ${paper.announceType}`);
  lines.push(`- **arXiv:** ${escapeMarkdownInline(versionedId(paper))}`, '');
  const abstract = paperAbstract(paper.abstract);
  if (abstractLength > 0 && abstract !== '') {
    lines.push(`**Abstract:** ${escapeMarkdownInline(cutAtWord(abstract, abstractLength))}`, '');
  }
  if (ranked.summary) lines.push(...renderSummary(ranked.summary));
  return lines;
}

/** The summary in a `<details>` block: the TL;DR visible in `<summary>`, the structured body inside. */
function renderSummary(summary: PaperSummary): string[] {
  const tldr = summary.tldr ? ` ${htmlText(normalizeWhitespace(summary.tldr))}` : '';
  const lines = ['<details>', `<summary><strong>${summaryLabel(summary)}:</strong>${tldr}</summary>`, ''];
  // The blank lines around the body let GitHub read Markdown inside the HTML block.
  for (const block of parseSummaryBody(summary.body ?? '')) lines.push(...renderBlock(block), '');
  if (summary.model) lines.push(`<sub>${htmlText(summary.model)}</sub>`, '');
  lines.push('</details>', '');
  return lines;
}

/** Text inside the page's HTML lines: HTML-escaped, brackets as entities too, mentions broken. */
function htmlText(text: string): string {
  return neutralizeMentions(escapeHtml(text)).replace(/\[/g, '&#91;').replace(/\]/g, '&#93;');
}

function renderSpans(spans: readonly Span[]): string {
  return spans
    .map((span) => {
      const text = escapeMarkdownInline(span.text);
      if (!span.bold || text.trim() === '') return text;
      // Spaces just inside ** would stop it from bolding; keep them outside.
      const [, before, inner, after] = /^( ?)(.*?)( ?)$/.exec(text) as RegExpExecArray;
      return `${before}**${inner}**${after}`;
    })
    .join('')
    .trim();
}

function renderBlock(block: Block): string[] {
  switch (block.kind) {
    case 'heading':
      return [`**${escapeMarkdownInline(block.spans.map((span) => span.text).join('')).trim()}**`];
    case 'paragraph':
      return [guardLineStart(renderSpans(block.spans))];
    case 'bullets':
      return block.items.map((item) => `- ${guardLineStart(renderSpans(item))}`);
    case 'numbered':
      return block.items.map((item, index) => `${index + 1}. ${guardLineStart(renderSpans(item))}`);
  }
}
