import { absUrlFor, normalizeWhitespace, versionedId } from '../../arxiv/paper.ts';
import {
  AUTHORS_SHOWN,
  authorLine,
  categoryLine,
  digestCategories,
  digestDate,
  formatScore,
  matchedLine,
  paperAbstract,
  paperTitle,
  summaryLabel,
  TLDR_LABEL,
  whyLine,
} from '../../chat/present.ts';
import type { PaperSummary } from '../../summarize/types.ts';
import type { Digest, DigestPaper } from '../digest.ts';
import type { RankedPaper } from '../listing-index.ts';
import { formatTerm, type QueryTerm } from '../query.ts';
import { escapeHtml, escapeMarkdownInline, guardLineStart, neutralizeMentions } from './escape.ts';
import { cutAtWord, paperDate, utcMinute } from './fields.ts';
import { type Block, parseSummaryBody, type Span } from './summary-body.ts';

/** The page's layout (config `output.template`): ours, or the classic script's README. */
export type MarkdownTemplate = 'default' | 'classic';

export interface MarkdownOptions {
  /** Default "default". */
  template?: MarkdownTemplate;
  /**
   * Characters of each abstract shown, cut at a word boundary; default 600. Infinity shows it whole. The
   * classic layout always shows the first 300 characters, as the classic script did.
   */
  abstractLength?: number;
  /** Authors listed before "et al."; default AUTHORS_SHOWN.page (10); the classic layout lists them all. */
  maxAuthors?: number;
}

/**
 * The digest page in GitHub-flavoured Markdown: a statistics header, the numbered papers, then the keywords.
 * Everything from arXiv or a model is escaped (escape.ts); only the structure is ours. Each paper's abstract
 * is shown once: a summary cut from the abstract (no model answered) is left out where the abstract is shown.
 */
export function renderMarkdown(digest: Digest, options: MarkdownOptions = {}): string {
  if (options.template === 'classic') return renderClassic(digest, options);
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
  ranked: DigestPaper,
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
  const why = whyLine(ranked);
  if (why !== '') lines.push(`- **Why:** ${escapeMarkdownInline(why)}`);
  if (paper.announceType) lines.push(`- **Announce type:** ${paper.announceType}`);
  lines.push(`- **arXiv:** ${escapeMarkdownInline(versionedId(paper))}`, '');
  const abstract = paperAbstract(paper.abstract);
  const showAbstract = abstractLength > 0 && abstract !== '';
  if (showAbstract) {
    lines.push(`**Abstract:** ${escapeMarkdownInline(cutAtWord(abstract, abstractLength))}`, '');
  }
  // An extractive summary is the abstract's own sentences: beside the abstract it would show it twice.
  const summary = ranked.summary;
  if (summary && !(showAbstract && summary.source === 'extractive')) lines.push(...renderSummary(summary));
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

/*
 * The classic layout: the README the classic "arXiv daily" script wrote (its statistics header, one block of
 * field lines per paper ending with two spaces for a line break, `Score: 8.0` with one decimal, the first 300
 * characters of the abstract under "#### Abstract", the model's summary folded in <details>, and the
 * configuration section with the keywords), for pages and tools built around it. Text is escaped as in our
 * layout; a summary cut from the abstract is not shown (the classic script showed none without a model).
 */
function renderClassic(digest: Digest, options: MarkdownOptions): string {
  const lines: string[] = [`# ${escapeMarkdownInline(digest.title)}`, ''];
  lines.push('## 📊 Statistics', '');
  lines.push(
    `- **Last Updated**: ${new Date(digest.generatedAt).toISOString().slice(0, 19).replace('T', ' ')} UTC`,
  );
  lines.push(`- **Total Papers Found**: ${digest.papers.length}`);
  lines.push(`- **Categories Monitored**: ${escapeMarkdownInline(digestCategories(digest.categories))}`, '');

  lines.push('## 📚 Recent Papers', '');
  if (digest.papers.length === 0) lines.push('No papers matching the criteria were found.', '');
  digest.papers.forEach((ranked, index) => {
    lines.push(...classicPaper(ranked, index + 1, digest, options.maxAuthors), '---', '');
  });

  lines.push('## 🔧 Configuration', '');
  lines.push('This digest looks for papers containing the following keywords:');
  lines.push(`- ${escapeMarkdownInline(termList(digest.query.terms))}`, '');
  lines.push('---', '*Generated automatically by arxiv-digest*');
  return `${lines.join('\n')}\n`;
}

const CLASSIC_ABSTRACT_CHARS = 300;

function classicPaper(ranked: RankedPaper, number: number, digest: Digest, maxAuthors?: number): string[] {
  const { paper } = ranked;
  const field = (name: string, value: string) => `**${name}**: ${value}  `;
  const authors = authorLine(paper.authors, { max: maxAuthors ?? Number.POSITIVE_INFINITY });
  const published = paper.announced ?? paper.published?.slice(0, 10) ?? digestDate(digest);
  const lines = [
    `### ${number}. [${escapeMarkdownInline(paperTitle(paper.title))}](${absUrlFor(paper.id)})`,
    '',
  ];
  lines.push(field('Authors', authors ? escapeMarkdownInline(authors) : 'Unknown'));
  lines.push(field('Category', escapeMarkdownInline(paper.primaryCategory ?? paper.categories[0] ?? '')));
  lines.push(field('Published', published));
  lines.push(field('Score', ranked.score.toFixed(1)));
  if (paper.announceType) lines.push(field('Type', paper.announceType));
  lines.push(field('ArXiv ID', escapeMarkdownInline(versionedId(paper))), '');

  // The first 300 characters (code points, as the classic script counted them), cut where they end.
  const abstract = [...paperAbstract(paper.abstract)];
  if (abstract.length > 0) {
    const shown = abstract.slice(0, CLASSIC_ABSTRACT_CHARS).join('');
    const more = abstract.length > CLASSIC_ABSTRACT_CHARS ? '...' : '';
    lines.push('#### Abstract', `${guardLineStart(escapeMarkdownInline(shown))}${more}`, '');
  }
  const summary = ranked.summary;
  if (summary?.source === 'model' && (summary.tldr || summary.body)) {
    const by = htmlText(summary.model ?? 'AI');
    lines.push(
      '<details>',
      `<summary><strong>🤖 AI Summary (by ${by})</strong> - Click to expand</summary>`,
      '',
    );
    if (summary.tldr) {
      lines.push(`**${TLDR_LABEL}:** ${escapeMarkdownInline(normalizeWhitespace(summary.tldr))}`, '');
    }
    for (const block of parseSummaryBody(summary.body ?? '')) lines.push(...renderBlock(block), '');
    lines.push('</details>', '');
  }
  return lines;
}
