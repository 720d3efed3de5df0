import type { Paper } from '../arxiv/paper.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { PaperSummary } from '../summarize/types.ts';
import { compareIdsNewestFirst } from './id-order.ts';
import type { KeywordQuery, QueryTerm } from './query.ts';
import { words, wordVariants } from './text.ts';

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

/**
 * A term's hits over the listing, one entry per paper holding the term, in paper order, each entry
 * `paperIndex * 2 + (1 if the title holds it)`. Shared between queries, so never mutated.
 */
type Hits = readonly number[];

const NO_HITS: Hits = [];

/** The word-mode analysis: every paper's words, numbered, with a postings list per word. */
interface WordAnalysis {
  vocabulary: Map<string, number>;
  /** Per word id, the papers holding it (Hits encoding). */
  postings: number[][];
  titles: Int32Array[];
  abstracts: Int32Array[];
}

/** The substring-mode analysis: the lower-cased texts the classic script tested. */
interface SubstringAnalysis {
  titles: string[];
  abstracts: string[];
}

function analyseWords(papers: readonly Paper[]): WordAnalysis {
  const vocabulary = new Map<string, number>();
  const postings: number[][] = [];
  const lastPaper: number[] = [];
  const encode = (paperIndex: number, text: string, inTitle: number): Int32Array => {
    const folded = words(text);
    const ids = new Int32Array(folded.length);
    for (let position = 0; position < folded.length; position++) {
      const word = folded[position] as string;
      let id = vocabulary.get(word);
      if (id === undefined) {
        id = postings.length;
        vocabulary.set(word, id);
        postings.push([]);
        lastPaper.push(-1);
      }
      ids[position] = id;
      // Title words come first, so a paper's entry carries the title bit when its title holds the word.
      if (lastPaper[id] !== paperIndex) {
        lastPaper[id] = paperIndex;
        (postings[id] as number[]).push(paperIndex * 2 + inTitle);
      }
    }
    return ids;
  };
  const titles: Int32Array[] = [];
  const abstracts: Int32Array[] = [];
  papers.forEach((paper, index) => {
    titles.push(encode(index, paper.title, 1));
    abstracts.push(encode(index, paper.abstract, 0));
  });
  return { vocabulary, postings, titles, abstracts };
}

/** Merges hit lists of the same term's spellings: one entry per paper, title bits combined. */
function union(lists: readonly Hits[]): Hits {
  if (lists.length === 1) return lists[0] as Hits;
  const byPaper = new Map<number, number>();
  for (const list of lists) {
    for (const entry of list) {
      const paper = entry >> 1;
      byPaper.set(paper, (byPaper.get(paper) ?? 0) | (entry & 1));
    }
  }
  return [...byPaper.entries()].sort((a, b) => a[0] - b[0]).map(([paper, inTitle]) => paper * 2 + inTitle);
}

/** Index in `hits` of the entry for `paper`, or -1. */
function findPaper(hits: Hits, paper: number): number {
  let low = 0;
  let high = hits.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const found = (hits[middle] as number) >> 1;
    if (found === paper) return middle;
    if (found < paper) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** Whether `tokens` holds the phrase: a run of words, each one of its spellings' ids. */
function holdsPhrase(tokens: Int32Array, phrase: readonly (readonly number[])[]): boolean {
  const last = tokens.length - phrase.length;
  outer: for (let start = 0; start <= last; start++) {
    for (let offset = 0; offset < phrase.length; offset++) {
      if (!(phrase[offset] as readonly number[]).includes(tokens[start + offset] as number)) continue outer;
    }
    return true;
  }
  return false;
}

/** Keeps the `capacity` biggest numbers offered, in a min-heap. */
class TopKeys {
  readonly #heap: Float64Array;
  #size = 0;

  constructor(capacity: number) {
    this.#heap = new Float64Array(capacity);
  }

  offer(key: number): void {
    const heap = this.#heap;
    if (this.#size < heap.length) {
      let child = this.#size++;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if ((heap[parent] as number) <= key) break;
        heap[child] = heap[parent] as number;
        child = parent;
      }
      heap[child] = key;
    } else if (heap.length > 0 && key > (heap[0] as number)) {
      // Replace the smallest and sift down.
      let parent = 0;
      for (;;) {
        let child = 2 * parent + 1;
        if (child >= heap.length) break;
        if (child + 1 < heap.length && (heap[child + 1] as number) < (heap[child] as number)) child += 1;
        if ((heap[child] as number) >= key) break;
        heap[parent] = heap[child] as number;
        parent = child;
      }
      heap[parent] = key;
    }
  }

  sortedDescending(): number[] {
    return Array.from(this.#heap.subarray(0, this.#size).sort().reverse());
  }
}

function matchesCategory(paper: Paper, wanted: readonly string[]): boolean {
  return paper.categories.some((category) =>
    wanted.some((entry) => category === entry || category.startsWith(`${entry}.`)),
  );
}

/**
 * One day's listing, analysed once and ranked against any number of keyword queries.
 *
 * Each paper's text is tokenized and indexed when the index is built. A query then costs the hits of its
 * terms: a term is evaluated once per index (a postings look-up, a merge of its spellings, for a phrase an
 * intersection and a check of the candidate papers only) and its hits are cached, so subscriptions sharing
 * terms share the work. In substring mode a term costs one scan of the listing's lower-cased text, also
 * cached.
 *
 * Scoring is the classic script's; order is score, then title hits, then newer id (all descending).
 */
export class ListingIndex {
  readonly mode: MatchMode;
  readonly papers: readonly Paper[];
  /** The newest announcement date among the papers, or null when none has one. */
  readonly announced: string | null;

  readonly #words: WordAnalysis | null;
  readonly #substrings: SubstringAnalysis | null;
  /** Hits by the term as written, then by its folded words (word mode), so spellings share the work. */
  readonly #hitsByText = new Map<string, Hits>();
  readonly #hitsByWords = new Map<string, Hits>();
  readonly #categoryFilters = new Map<string, Uint8Array>();
  /** Each paper's position in newest-first id order, and the papers in that order. */
  readonly #ageRank: Int32Array;
  readonly #newestFirst: Int32Array;
  // Scratch space for rank(), valid for the entries stamped with the current generation.
  readonly #seenAt: Int32Array;
  readonly #excludedAt: Int32Array;
  readonly #termHits: Int32Array;
  readonly #titleHits: Int32Array;
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
    this.#words = this.mode === 'word' ? analyseWords(papers) : null;
    this.#substrings =
      this.mode === 'substring'
        ? {
            titles: papers.map((p) => p.title.toLowerCase()),
            abstracts: papers.map((p) => p.abstract.toLowerCase()),
          }
        : null;
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
    (options.logger ?? silentLogger).debug(
      {
        papers: papers.length,
        mode: this.mode,
        vocabulary: this.#words?.vocabulary.size,
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

    for (const term of query.exclude) {
      for (const entry of this.#hits(term)) excludedAt[entry >> 1] = generation;
    }
    const hitsPerTerm = query.terms.map((term) => this.#hits(term));
    const touched: number[] = [];
    for (const hits of hitsPerTerm) {
      for (const entry of hits) {
        const paper = entry >> 1;
        if (excludedAt[paper] === generation || (allowed && allowed[paper] === 0)) continue;
        if (seenAt[paper] !== generation) {
          seenAt[paper] = generation;
          termHits[paper] = 0;
          titleHits[paper] = 0;
          touched.push(paper);
        }
        termHits[paper] = (termHits[paper] as number) + 1;
        titleHits[paper] = (titleHits[paper] as number) + (entry & 1);
      }
    }

    // Each candidate gets one number that sorts it: its score in half points (exact), then its title
    // hits, then its age rank, bigger is better. The best maxPapers are kept in a bounded heap.
    const n = this.papers.length;
    const titleRange = query.terms.length + 1;
    const newest = this.#newestFirst;
    const ageRank = this.#ageRank;
    const best = new TopKeys(Math.min(maxPapers, touched.length));
    for (const paper of touched) {
      const halfPoints = 2 * (termHits[paper] as number) + (titleHits[paper] as number);
      if (halfPoints < 2 * minScore) continue;
      best.offer(
        (halfPoints * titleRange + (titleHits[paper] as number)) * n + (n - 1 - (ageRank[paper] as number)),
      );
    }

    return best.sortedDescending().map((key) => {
      const paper = newest[n - 1 - (key % n)] as number;
      return {
        paper: this.papers[paper] as Paper,
        score: (2 * (termHits[paper] as number) + (titleHits[paper] as number)) / 2,
        titleHits: titleHits[paper] as number,
        matchedTerms: query.terms
          .filter((_, index) => findPaper(hitsPerTerm[index] as Hits, paper) !== -1)
          .map((term) => term.text),
        summary: null,
      };
    });
  }

  /** rank() for each query with the same options; term hits are shared between them. */
  rankMany(queries: readonly KeywordQuery[], options: RankOptions = {}): RankedPaper[][] {
    return queries.map((query) => this.rank(query, options));
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

  #hits(term: QueryTerm): Hits {
    const textKey = `${term.exact ? '=' : '~'}${term.text}`;
    let hits = this.#hitsByText.get(textKey);
    if (!hits) {
      hits = this.#words ? this.#wordHits(term, this.#words) : this.#substringHits(term);
      this.#hitsByText.set(textKey, hits);
    }
    return hits;
  }

  #wordHits(term: QueryTerm, analysis: WordAnalysis): Hits {
    const termWords = words(term.text);
    const wordsKey = `${term.exact ? '=' : '~'}${termWords.join(' ')}`;
    const known = this.#hitsByWords.get(wordsKey);
    if (known) return known;

    const spellings = termWords.map((word) =>
      wordVariants(word, term.exact).flatMap((variant) => {
        const id = analysis.vocabulary.get(variant);
        return id === undefined ? [] : [id];
      }),
    );
    let hits: Hits = NO_HITS;
    if (spellings.length > 0 && spellings.every((ids) => ids.length > 0)) {
      const perWord = spellings.map((ids) => union(ids.map((id) => analysis.postings[id] as number[])));
      hits = perWord.length === 1 ? (perWord[0] as Hits) : this.#phraseHits(spellings, perWord, analysis);
    }
    this.#hitsByWords.set(wordsKey, hits);
    return hits;
  }

  /** Checks the phrase only in papers holding all of its words, rarest word first. */
  #phraseHits(spellings: readonly number[][], perWord: readonly Hits[], analysis: WordAnalysis): Hits {
    const [rarest, ...others] = [...perWord].sort((a, b) => a.length - b.length) as [Hits, ...Hits[]];
    const hits: number[] = [];
    for (const entry of rarest) {
      const paper = entry >> 1;
      if (!others.every((list) => findPaper(list, paper) !== -1)) continue;
      const inTitle = holdsPhrase(analysis.titles[paper] as Int32Array, spellings);
      if (inTitle || holdsPhrase(analysis.abstracts[paper] as Int32Array, spellings)) {
        hits.push(paper * 2 + (inTitle ? 1 : 0));
      }
    }
    return hits;
  }

  #substringHits(term: QueryTerm): Hits {
    const { titles, abstracts } = this.#substrings as SubstringAnalysis;
    const needle = term.text.toLowerCase();
    const hits: number[] = [];
    for (let paper = 0; paper < titles.length; paper++) {
      const inTitle = (titles[paper] as string).includes(needle);
      if (inTitle || (abstracts[paper] as string).includes(needle)) hits.push(paper * 2 + (inTitle ? 1 : 0));
    }
    return hits;
  }
}
