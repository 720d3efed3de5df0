import { type Logger, silentLogger } from '../log.ts';
import type { PaperSummary } from '../summarize/types.ts';
import type { ListingIndex, RankedPaper } from './listing-index.ts';
import type { KeywordQuery } from './query.ts';

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
  /** Best first. */
  papers: RankedPaper[];
}

export interface BuildDigestOptions {
  /** The day's listing, indexed once and shared by every digest made from it. */
  listing: ListingIndex;
  query: KeywordQuery;
  /** The target's categories: only papers in them are ranked. Empty: every paper of the listing. */
  categories: readonly string[];
  maxPapers?: number;
  minScore?: number;
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
  const ranked = listing.rank(query, {
    maxPapers: options.maxPapers,
    minScore: options.minScore,
    categories,
  });
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
