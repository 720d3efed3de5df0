/** How a paper appeared in a daily announcement; null for papers that come from a search. */
export type AnnounceType = 'new' | 'cross' | 'replace' | 'replace-cross';

export const ANNOUNCE_TYPES: readonly AnnounceType[] = ['new', 'cross', 'replace', 'replace-cross'];

/**
 * One arXiv paper, whichever feed it came from. Whitespace is normalized (runs collapsed, ends trimmed);
 * the text is otherwise as arXiv gave it. Dates are ISO 8601 strings.
 */
export interface Paper {
  /** Without version: `2602.06063`, or old style `hep-th/9504118`. */
  id: string;
  /** The version number (2 for `v2`), or null where the source does not say. */
  version: number | null;
  title: string;
  authors: string[];
  abstract: string;
  /** Every category, primary first, without duplicates. */
  categories: string[];
  primaryCategory: string;
  announceType: AnnounceType | null;
  /** When version 1 was submitted (API), or null where the source does not say (RSS). */
  published: string | null;
  /** When this version was submitted (API), or null. */
  updated: string | null;
  /** The announcement date `YYYY-MM-DD` of a daily listing, or null for search results. */
  announced: string | null;
  absUrl: string;
  pdfUrl: string;
  doi: string | null;
  journalRef: string | null;
  comment: string | null;
}

/** New-style ids (`2602.06063`, `0704.0001`) and old-style ids (`hep-th/9504118`, `math.GT/0309136`). */
const ID_PATTERN = /^(?<id>\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7})(?:v(?<version>\d+))?$/;

export interface ParsedId {
  id: string;
  version: number | null;
}

/** Parses an arXiv id with or without a version; null if the text is not an id. */
export function parseArxivId(text: string): ParsedId | null {
  const match = ID_PATTERN.exec(text.trim());
  if (!match?.groups?.id) return null;
  const version = match.groups.version;
  return { id: match.groups.id, version: version === undefined ? null : Number(version) };
}

/**
 * Finds an arXiv id in free text: a bare id, `arXiv:` prefixed, or an arxiv.org abs/pdf/html URL.
 * Returns the first one found.
 */
export function findArxivId(text: string): ParsedId | null {
  const url =
    /arxiv\.org\/(?:abs|pdf|html)\/(\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7}(?:v\d+)?)/i.exec(
      text,
    );
  if (url?.[1]) return parseArxivId(url[1]);
  const bare =
    /(?:^|[\s(<[:])(?:arxiv:)?(\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7}(?:v\d+)?)(?=$|[\s)>\].,;:!?])/i.exec(
      text,
    );
  return bare?.[1] ? parseArxivId(bare[1]) : null;
}

export function versionedId(paper: Pick<Paper, 'id' | 'version'>): string {
  return paper.version === null ? paper.id : `${paper.id}v${paper.version}`;
}

export function absUrlFor(id: string): string {
  return `https://arxiv.org/abs/${id}`;
}

export function pdfUrlFor(id: string): string {
  return `https://arxiv.org/pdf/${id}`;
}

/**
 * Runs of whitespace (JavaScript's \s: newlines and Unicode spaces included) as one space, ends trimmed.
 * Written to leave the many single spaces alone rather than replace each one, and with \s spelled out,
 * which makes it several times faster on abstracts than /\s+/g (the parsers call it for every field).
 */
const WHITESPACE_TO_COLLAPSE =
  /[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]{2,}|[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/g;

export function normalizeWhitespace(text: string): string {
  return text.replace(WHITESPACE_TO_COLLAPSE, ' ').trim();
}
