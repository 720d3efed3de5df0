import type { Paper } from '../arxiv/paper.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { PaperSummary } from '../summarize/types.ts';
import { compareIdsNewestFirst } from './id-order.ts';
import type { KeywordQuery, QueryTerm } from './query.ts';
import { findPaper, type Hits, SubstringMatcher, type TermMatcher, WordMatcher } from './term-hits.ts';
import { TopKeys } from './top-keys.ts';

/**
 * "word": word boundaries, tolerated plural, phrases (text.ts). "substring": the classic script's test,
 * `term.lower() in title.lower()` (or the abstract), kept for users migrating from it.
 */
export type MatchMode = 'word' | 'substring';

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
}

export interface RankOptions {
  /** Keep the best this many; all by default. */
  maxPapers?: number;
  /** Drop papers scoring below this; 0 by default. A paper matching no term never appears. */
  minScore?: number;
  /**
   * Consider only papers in one of these categories; an archive (`cs`, `astro-ph`) stands for all of its
   * categories. Empty or absent: every paper.
   */
  categories?: readonly string[];
}

/** Matched terms are tracked as bits for the first 31 terms (an Int32 without its sign bit), looked up after. */
const MASK_BITS = 31;

function matchesCategory(paper: Paper, wanted: readonly string[]): boolean {
  return paper.categories.some((category) =>
    wanted.some((entry) => category === entry || category.startsWith(`${entry}.`)),
  );
}

/**
 * One day's listing, analysed once and ranked against any number of keyword queries.
 *
 * Each paper's text is analysed when the index is built (term-hits.ts). A query then costs the hits of its
 * terms: each distinct term is evaluated once per index and cached, so subscriptions sharing terms share
 * the work, and scoring walks only the papers those hits name.
 *
 * Scoring is the classic script's; order is score, then title hits, then newer id (all descending).
 */
export class ListingIndex {
  readonly mode: MatchMode;
  readonly papers: readonly Paper[];
  /** The newest announcement date among the papers, or null when none has one. */
  readonly announced: string | null;

  readonly #matcher: TermMatcher;
  readonly #categoryFilters = new Map<string, Uint8Array>();
  /** Each paper's position in newest-first id order, and the papers in that order. */
  readonly #ageRank: Int32Array;
  readonly #newestFirst: Int32Array;
  // Scratch space for rank(), valid for the entries stamped with the current generation.
  readonly #seenAt: Int32Array;
  readonly #excludedAt: Int32Array;
  readonly #termHits: Int32Array;
  readonly #titleHits: Int32Array;
  /** Which of the first MASK_BITS terms each paper holds. */
  readonly #matchedMask: Int32Array;
  readonly #touched: Int32Array;
  #generation = 0;

  constructor(papers: readonly Paper[], options: ListingIndexOptions = {}) {
    const started = performance.now();
    this.mode = options.mode ?? 'word';
    this.papers = papers;
    this.announced = papers.reduce<string | null>(
      (newest, paper) =>
        paper.announced !== null && (newest === null || paper.announced > newest) ? paper.announced : newest,
      null,
    );
    const words = this.mode === 'word' ? new WordMatcher(papers) : null;
    this.#matcher = words ?? new SubstringMatcher(papers);
    this.#newestFirst = Int32Array.from(
      papers
        .map((_, index) => index)
        .sort((a, b) => compareIdsNewestFirst((papers[a] as Paper).id, (papers[b] as Paper).id)),
    );
    this.#ageRank = new Int32Array(papers.length);
    this.#newestFirst.forEach((paper, rank) => {
      this.#ageRank[paper] = rank;
    });
    this.#seenAt = new Int32Array(papers.length);
    this.#excludedAt = new Int32Array(papers.length);
    this.#termHits = new Int32Array(papers.length);
    this.#titleHits = new Int32Array(papers.length);
    this.#matchedMask = new Int32Array(papers.length);
    this.#touched = new Int32Array(papers.length);
    (options.logger ?? silentLogger).debug(
      {
        papers: papers.length,
        mode: this.mode,
        vocabulary: words?.vocabularySize,
        ms: Math.round(performance.now() - started),
      },
      'listing indexed',
    );
  }

  /** How many papers are in the given categories (all of them when none are given). */
  count(categories?: readonly string[]): number {
    const filter = this.#categoryFilter(categories);
    if (!filter) return this.papers.length;
    let count = 0;
    for (const allowed of filter) count += allowed;
    return count;
  }

  /** The papers matching the query, best first. */
  rank(query: KeywordQuery, options: RankOptions = {}): RankedPaper[] {
    const maxPapers = options.maxPapers ?? Number.POSITIVE_INFINITY;
    const minScore = options.minScore ?? 0;
    if (!(maxPapers >= 0) || (Number.isFinite(maxPapers) && !Number.isInteger(maxPapers))) {
      throw new Error(`maxPapers must be a whole number >= 0, got ${maxPapers}`);
    }
    if (!(minScore >= 0) || !Number.isFinite(minScore))
      throw new Error(`minScore must be >= 0, got ${minScore}`);

    const allowed = this.#categoryFilter(options.categories);
    const generation = this.#nextGeneration();
    const seenAt = this.#seenAt;
    const excludedAt = this.#excludedAt;
    const termHits = this.#termHits;
    const titleHits = this.#titleHits;
    const matchedMask = this.#matchedMask;
    const touched = this.#touched;
    let touchedCount = 0;

    for (const term of query.exclude) {
      for (const entry of this.#matcher.hits(term)) excludedAt[entry >> 1] = generation;
    }
    const hitsPerTerm: Hits[] = [];
    for (let termIndex = 0; termIndex < query.terms.length; termIndex++) {
      const hits = this.#matcher.hits(query.terms[termIndex] as QueryTerm);
      hitsPerTerm.push(hits);
      const bit = termIndex < MASK_BITS ? 1 << termIndex : 0;
      for (const entry of hits) {
        const paper = entry >> 1;
        if (excludedAt[paper] === generation || (allowed && allowed[paper] === 0)) continue;
        if (seenAt[paper] !== generation) {
          seenAt[paper] = generation;
          termHits[paper] = 0;
          titleHits[paper] = 0;
          matchedMask[paper] = 0;
          touched[touchedCount++] = paper;
        }
        termHits[paper] = (termHits[paper] as number) + 1;
        titleHits[paper] = (titleHits[paper] as number) + (entry & 1);
        matchedMask[paper] = (matchedMask[paper] as number) | bit;
      }
    }

    // Each candidate gets one number that sorts it: its score in half points (exact), then its title
    // hits, then its age rank, bigger is better. The best maxPapers are kept in a bounded heap.
    const n = this.papers.length;
    const titleRange = query.terms.length + 1;
    const ageRank = this.#ageRank;
    const best = new TopKeys(Math.min(maxPapers, touchedCount));
    for (let i = 0; i < touchedCount; i++) {
      const paper = touched[i] as number;
      const halfPoints = 2 * (termHits[paper] as number) + (titleHits[paper] as number);
      if (halfPoints < 2 * minScore) continue;
      best.offer(
        (halfPoints * titleRange + (titleHits[paper] as number)) * n + (n - 1 - (ageRank[paper] as number)),
      );
    }

    const ranked: RankedPaper[] = [];
    for (const key of best.sortedDescending()) {
      const paper = this.#newestFirst[n - 1 - (key % n)] as number;
      const mask = matchedMask[paper] as number;
      const matchedTerms: string[] = [];
      for (let k = 0; k < query.terms.length; k++) {
        const found =
          k < MASK_BITS ? (mask & (1 << k)) !== 0 : findPaper(hitsPerTerm[k] as Hits, paper) !== -1;
        if (found) matchedTerms.push((query.terms[k] as QueryTerm).text);
      }
      ranked.push({
        paper: this.papers[paper] as Paper,
        score: (2 * (termHits[paper] as number) + (titleHits[paper] as number)) / 2,
        titleHits: titleHits[paper] as number,
        matchedTerms,
        summary: null,
      });
    }
    return ranked;
  }

  #nextGeneration(): number {
    if (this.#generation === 0x7fffffff) {
      this.#generation = 0;
      this.#seenAt.fill(0);
      this.#excludedAt.fill(0);
    }
    this.#generation += 1;
    return this.#generation;
  }

  #categoryFilter(categories: readonly string[] | undefined): Uint8Array | null {
    if (!categories || categories.length === 0) return null;
    const key = [...categories].sort().join(',');
    let filter = this.#categoryFilters.get(key);
    if (!filter) {
      filter = Uint8Array.from(this.papers, (paper) => (matchesCategory(paper, categories) ? 1 : 0));
      this.#categoryFilters.set(key, filter);
    }
    return filter;
  }
}
