import type { Paper } from '../arxiv/paper.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { PaperSummary } from '../summarize/types.ts';
import { DayIndex, type MatchMode, type RankOptions } from './day-index.ts';
import type { KeywordQuery } from './query.ts';
import { Vocabulary } from './vocabulary.ts';

export type { MatchMode, RankOptions } from './day-index.ts';

export interface RankedPaper {
  paper: Paper;
  /** +1 per term found in the title or abstract, +0.5 more per term found in the title. */
  score: number;
  /** How many terms the title holds. */
  titleHits: number;
  /** The terms found, as written in the query, in query order. */
  matchedTerms: string[];
  summary: PaperSummary | null;
}

export interface ListingIndexOptions {
  mode?: MatchMode;
  logger?: Logger;
  /** Where words are numbered; a vocabulary of its own by default. The recent-paper search shares one. */
  vocabulary?: Vocabulary;
}

/**
 * One listing, analysed once and ranked against any number of keyword queries, with its papers at hand.
 *
 * The analysis and ranking are the day index's (day-index.ts): each distinct term is evaluated once per
 * index and cached, so subscriptions sharing terms share the work, and scoring walks only the papers a
 * term's hits name. Scoring is the classic script's; order is score, then title hits, then newer id.
 */
export class ListingIndex {
  readonly mode: MatchMode;
  readonly papers: readonly Paper[];
  /** The newest announcement date among the papers, or null when none has one. */
  readonly announced: string | null;
  /** The papers' index, which holds no paper: the recent-paper search keeps it without them. */
  readonly day: DayIndex;

  constructor(papers: readonly Paper[], options: ListingIndexOptions = {}) {
    const started = performance.now();
    this.mode = options.mode ?? 'word';
    this.papers = papers;
    this.announced = papers.reduce<string | null>(
      (newest, paper) =>
        paper.announced !== null && (newest === null || paper.announced > newest) ? paper.announced : newest,
      null,
    );
    this.day = DayIndex.fromPapers(papers, this.mode, options.vocabulary ?? new Vocabulary());
    (options.logger ?? silentLogger).debug(
      {
        papers: papers.length,
        mode: this.mode,
        vocabulary: this.day.wordCount,
        ms: Math.round(performance.now() - started),
      },
      'listing indexed',
    );
  }

  /** How many papers are in the given categories (all of them when none are given). */
  count(categories?: readonly string[]): number {
    return this.day.count(categories);
  }

  /** The papers matching the query, best first. */
  rank(query: KeywordQuery, options: RankOptions = {}): RankedPaper[] {
    return this.day.rank(query, options).map((entry) => ({
      paper: this.papers[entry.row] as Paper,
      score: entry.score,
      titleHits: entry.titleHits,
      matchedTerms: entry.matchedTerms,
      summary: null,
    }));
  }
}
