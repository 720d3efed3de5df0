import type { Paper } from '../../arxiv/paper.ts';
import type { PaperSummary } from '../../summarize/types.ts';
import type { Digest, DigestPaper, PaperReasons } from '../digest.ts';
import { formatKeywordQuery, type QueryTerm } from '../query.ts';

/**
 * The JSON form of a digest, for `digest --format json`, archives and other programs. The shape is a
 * contract: fields are only ever added within a version; renaming or removing one raises `version`.
 *
 * {
 *   "format": "arxiv-digest/digest", "version": 1,
 *   "title", "target" (string|null), "announced" ("YYYY-MM-DD"|null), "generatedAt" (ISO 8601, UTC),
 *   "categories": [string], "listed": number of papers considered,
 *   "query": { "text": the query written back in the keyword language (formatKeywordQuery; parseKeywordQuery
 *              reads it to the same query, though not always to the text as typed),
 *              "terms": [{ "text", "exact" }], "exclude": [{ "text", "exact" }] },
 *   "papers": [{ "rank" (1-based), "score", "titleHits", "matchedTerms": [string],
 *                "paper": { "id", "version", "title", "authors", "abstract", "categories", "primaryCategory",
 *                           "announceType", "published", "updated", "announced", "absUrl", "pdfUrl",
 *                           "doi", "journalRef", "comment" },
 *                "summary": null | { "paperId", "version", "tldr", "body", "source", "model", "language" },
 *                "followed": [string] (only when the paper has followed authors, as the paper writes them),
 *                "reasons": { "like"?: { "id", "title" }, "recommended"?: boolean } (only when set) }]
 * }
 */
export const DIGEST_JSON_FORMAT = 'arxiv-digest/digest';
export const DIGEST_JSON_VERSION = 1;

export interface DigestJson {
  format: typeof DIGEST_JSON_FORMAT;
  version: typeof DIGEST_JSON_VERSION;
  title: string;
  target: string | null;
  announced: string | null;
  generatedAt: string;
  categories: string[];
  listed: number;
  query: { text: string; terms: QueryTerm[]; exclude: QueryTerm[] };
  papers: {
    rank: number;
    score: number;
    titleHits: number;
    matchedTerms: string[];
    paper: Paper;
    summary: PaperSummary | null;
    followed?: string[];
    reasons?: PaperReasons;
  }[];
}

// Built field by field, in the documented order, so the output does not depend on how objects were made.
function paperJson(paper: Paper): Paper {
  return {
    id: paper.id,
    version: paper.version,
    title: paper.title,
    authors: [...paper.authors],
    abstract: paper.abstract,
    categories: [...paper.categories],
    primaryCategory: paper.primaryCategory,
    announceType: paper.announceType,
    published: paper.published,
    updated: paper.updated,
    announced: paper.announced,
    absUrl: paper.absUrl,
    pdfUrl: paper.pdfUrl,
    doi: paper.doi,
    journalRef: paper.journalRef,
    comment: paper.comment,
  };
}

function summaryJson(summary: PaperSummary): PaperSummary {
  return {
    paperId: summary.paperId,
    version: summary.version,
    tldr: summary.tldr,
    body: summary.body,
    source: summary.source,
    model: summary.model,
    language: summary.language,
  };
}

const termJson = (term: QueryTerm): QueryTerm => ({ text: term.text, exact: term.exact });

function reasonsJson(reasons: PaperReasons): PaperReasons {
  return {
    ...(reasons.like ? { like: { id: reasons.like.id, title: reasons.like.title } } : {}),
    ...(reasons.recommended !== undefined ? { recommended: reasons.recommended } : {}),
  };
}

/** What else put a paper in the digest: absent when nothing did, so older digests read the same. */
function whyJson(
  entry: Pick<DigestPaper, 'followed' | 'reasons'>,
): Pick<DigestPaper, 'followed' | 'reasons'> {
  return {
    ...(entry.followed && entry.followed.length > 0 ? { followed: [...entry.followed] } : {}),
    ...(entry.reasons ? { reasons: reasonsJson(entry.reasons) } : {}),
  };
}

export function digestToJson(digest: Digest): DigestJson {
  return {
    format: DIGEST_JSON_FORMAT,
    version: DIGEST_JSON_VERSION,
    title: digest.title,
    target: digest.target,
    announced: digest.announced,
    generatedAt: digest.generatedAt,
    categories: [...digest.categories],
    listed: digest.listed,
    query: {
      text: formatKeywordQuery(digest.query),
      terms: digest.query.terms.map(termJson),
      exclude: digest.query.exclude.map(termJson),
    },
    papers: digest.papers.map((ranked, index) => ({
      rank: index + 1,
      score: ranked.score,
      titleHits: ranked.titleHits,
      matchedTerms: [...ranked.matchedTerms],
      paper: paperJson(ranked.paper),
      summary: ranked.summary ? summaryJson(ranked.summary) : null,
      ...whyJson(ranked),
    })),
  };
}

/** The digest as JSON text, indented (2 spaces by default), ending with a newline. */
export function renderJson(digest: Digest, options: { indent?: number } = {}): string {
  return `${JSON.stringify(digestToJson(digest), null, options.indent ?? 2)}\n`;
}

/** The Digest back from its JSON form (a delivery log keeps digests as JSON). */
export function digestFromJson(json: DigestJson): Digest {
  return {
    title: json.title,
    target: json.target,
    announced: json.announced,
    generatedAt: json.generatedAt,
    categories: [...json.categories],
    listed: json.listed,
    query: { terms: json.query.terms.map(termJson), exclude: json.query.exclude.map(termJson) },
    papers: json.papers.map((entry) => ({
      paper: paperJson(entry.paper),
      score: entry.score,
      titleHits: entry.titleHits,
      matchedTerms: [...entry.matchedTerms],
      summary: entry.summary ? summaryJson(entry.summary) : null,
      ...whyJson(entry),
    })),
  };
}
