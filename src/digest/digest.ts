import type { Paper } from '../arxiv/paper.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { PaperSummary } from '../summarize/types.ts';
import { AuthorIndex } from './authors.ts';
import { compareIdsNewestFirst } from './id-order.ts';
import type { ListingIndex, RankedPaper } from './listing-index.ts';
import type { KeywordQuery } from './query.ts';

/** Why a paper is in a digest beyond its keyword score, from the target's learned ranking. */
export interface PaperReasons {
  /** Like a paper the target voted for. */
  like?: { id: string; title: string };
  /** Recommended by the learned ranking without one paper to name. */
  recommended?: boolean;
}

/** A paper of a digest: ranked by the keywords, and what else put it there. */
export interface DigestPaper extends RankedPaper {
  /** Its authors whom the target follows, as the paper writes them; absent or empty when none. */
  followed?: string[];
  reasons?: PaperReasons;
}

/** One target's digest of one announcement: what the renderers turn into Markdown, RSS, JSON or chat. */
export interface Digest {
  title: string;
  /** The chat target or output it is for, or null for a digest made on the command line. */
  target: string | null;
  /** The announcement date `YYYY-MM-DD` of the listing, or null when unknown. */
  announced: string | null;
  /** When the digest was made, ISO 8601 in UTC. */
  generatedAt: string;
  categories: string[];
  query: KeywordQuery;
  /** How many papers of the listing were considered (those in the categories). */
  listed: number;
  /** Best first: the papers of followed authors, then the others. */
  papers: DigestPaper[];
}

export interface BuildDigestOptions {
  /** The day's listing, indexed once and shared by every digest made from it. */
  listing: ListingIndex;
  query: KeywordQuery;
  /** The target's categories: only papers in them are ranked. Empty: every paper of the listing. */
  categories: readonly string[];
  maxPapers?: number;
  minScore?: number;
  /**
   * Followed authors' names as users typed them (src/digest/authors.ts). Their papers in the categories
   * join the digest whatever their keyword score (an excluded term still drops them), first.
   */
  authors?: readonly string[];
  /**
   * The ranking to show instead of the keyword one: the learned ranking of the target's votes
   * (src/rank/learned.ts), already cut to maxPapers. Followed authors' papers still come first.
   */
  ranked?: readonly DigestPaper[];
  /** Default "arXiv digest". */
  title?: string;
  target?: string | null;
  /** Default: the newest announcement date in the listing. */
  announced?: string | null;
  /** Summaries by paper id, where already made; attachSummaries adds more later. */
  summaries?: ReadonlyMap<string, PaperSummary>;
  /** The clock, for tests. */
  now?: Date;
  logger?: Logger;
}

export function buildDigest(options: BuildDigestOptions): Digest {
  const { listing, query } = options;
  const categories = [...options.categories];
  const ranked = withFollowed(
    listing,
    query,
    categories,
    options.ranked ??
      listing.rank(query, { maxPapers: options.maxPapers, minScore: options.minScore, categories }),
    options.authors ?? [],
  );
  const digest: Digest = {
    title: options.title ?? 'arXiv digest',
    target: options.target ?? null,
    announced: options.announced === undefined ? listing.announced : options.announced,
    generatedAt: (options.now ?? new Date()).toISOString(),
    categories,
    query,
    listed: listing.count(categories),
    papers: ranked,
  };
  (options.logger ?? silentLogger).debug(
    { target: digest.target, announced: digest.announced, listed: digest.listed, papers: ranked.length },
    'digest built',
  );
  return options.summaries ? attachSummaries(digest, options.summaries) : digest;
}

/**
 * The papers the learned ranking may recommend (src/rank/learned.ts): those of the listing in the categories
 * without any keyword hit (a paper under minScore was left out on purpose) and without an excluded term.
 */
export function unrankedPapers(
  listing: ListingIndex,
  query: KeywordQuery,
  categories: readonly string[],
): Paper[] {
  const hit = new Set(listing.rank(query, { categories }).map((entry) => entry.paper.id));
  if (query.exclude.length > 0) {
    for (const entry of listing.rank({ terms: query.exclude, exclude: [] }, { categories })) {
      hit.add(entry.paper.id);
    }
  }
  return listing.papers.filter((paper) => !hit.has(paper.id) && inCategories(paper, categories));
}

function inCategories(paper: Paper, wanted: readonly string[]): boolean {
  return (
    wanted.length === 0 ||
    paper.categories.some((category) =>
      wanted.some((entry) => category === entry || category.startsWith(`${entry}.`)),
    )
  );
}

/** Each listing's authors, read the first time a digest of it follows someone (listings are shared for a day). */
const authorIndexes = new WeakMap<ListingIndex, AuthorIndex>();

/** The ranked papers with every followed author's paper marked, and those the ranking left out added. */
function withFollowed(
  listing: ListingIndex,
  query: KeywordQuery,
  categories: readonly string[],
  ranked: readonly RankedPaper[],
  authors: readonly string[],
): DigestPaper[] {
  if (authors.length === 0) return [...ranked];
  let index = authorIndexes.get(listing);
  if (!index) {
    index = new AuthorIndex(listing.papers);
    authorIndexes.set(listing, index);
  }
  const followed: { paper: Paper; authors: string[] }[] = [];
  for (const [at, names] of index.find(authors)) {
    const paper = listing.papers[at];
    if (paper && inCategories(paper, categories)) followed.push({ paper, authors: names });
  }
  if (followed.length === 0) return [...ranked];
  // The index says which papers hold a term (ranking the exclusions as terms), and what a paper scores.
  const excluded = new Set(
    query.exclude.length > 0
      ? listing.rank({ terms: query.exclude, exclude: [] }, { categories }).map((hit) => hit.paper.id)
      : [],
  );
  const scored = new Map(listing.rank(query, { categories }).map((hit) => [hit.paper.id, hit]));
  const first: DigestPaper[] = [];
  for (const { paper, authors: names } of followed) {
    if (excluded.has(paper.id)) continue;
    const hit = scored.get(paper.id) ?? { paper, score: 0, titleHits: 0, matchedTerms: [], summary: null };
    first.push({ ...hit, followed: names });
  }
  // In the order the index ranks (score, title hits, newer id); those without a keyword hit after, newest first.
  const rankOf = new Map([...scored.keys()].map((id, index) => [id, index]));
  const position = (id: string) => rankOf.get(id) ?? rankOf.size;
  first.sort(
    (a, b) => position(a.paper.id) - position(b.paper.id) || compareIdsNewestFirst(a.paper.id, b.paper.id),
  );
  const shown = new Set(first.map((entry) => entry.paper.id));
  return [...first, ...ranked.filter((entry) => !shown.has(entry.paper.id))];
}

/**
 * A copy of the digest with the given summaries attached to their papers. A summary of another version
 * than the listed one (a paper replaced since it was summarized) is not attached; a summary or paper
 * without a version matches any.
 */
export function attachSummaries(digest: Digest, summaries: ReadonlyMap<string, PaperSummary>): Digest {
  return {
    ...digest,
    papers: digest.papers.map((ranked) => {
      const summary = summaries.get(ranked.paper.id);
      const sameVersion =
        summary !== undefined &&
        (summary.version === null ||
          ranked.paper.version === null ||
          summary.version === ranked.paper.version);
      return sameVersion ? { ...ranked, summary } : ranked;
    }),
  };
}
