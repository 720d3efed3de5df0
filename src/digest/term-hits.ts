import type { Paper } from '../arxiv/paper.ts';
import type { QueryTerm } from './query.ts';
import { words, wordVariants } from './text.ts';

/**
 * Which papers of a listing hold a term, in either matching mode. Each matcher analyses the papers once,
 * when it is made, and evaluates each distinct term once, caching the result for every later query.
 */

/**
 * A term's hits over the listing, one entry per paper holding the term, in paper order, each entry
 * `paperIndex * 2 + (1 if the title holds it)`. Shared between queries, so never mutated.
 */
export type Hits = readonly number[];

const NO_HITS: Hits = [];

export interface TermMatcher {
  hits(term: QueryTerm): Hits;
}

/** Index in `hits` of the entry for `paper`, or -1. */
export function findPaper(hits: Hits, paper: number): number {
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

/**
 * The word-mode analysis: every word of the listing numbered, with two lists per word. `postings` says
 * which papers hold it (Hits encoding), for single-word terms. `positions` says where, for phrases: each
 * occurrence as `paper * stride + position`, ascending, where a paper's title takes positions 0 to
 * titleLength - 1, one position is left empty (so no phrase runs from the title into the abstract), and
 * the abstract follows.
 */
interface WordAnalysis {
  vocabulary: Map<string, number>;
  postings: number[][];
  positions: number[][];
  stride: number;
  titleLengths: Int32Array;
}

function analyseWords(papers: readonly Paper[]): WordAnalysis {
  const folded = papers.map((paper) => ({ title: words(paper.title), abstract: words(paper.abstract) }));
  const stride =
    folded.reduce((most, paper) => Math.max(most, paper.title.length + 1 + paper.abstract.length), 0) + 1;
  const vocabulary = new Map<string, number>();
  const postings: number[][] = [];
  const positions: number[][] = [];
  const lastPaper: number[] = [];
  const add = (paper: number, word: string, position: number, inTitle: number) => {
    let id = vocabulary.get(word);
    if (id === undefined) {
      id = postings.length;
      vocabulary.set(word, id);
      postings.push([]);
      positions.push([]);
      lastPaper.push(-1);
    }
    (positions[id] as number[]).push(paper * stride + position);
    // Title words come first, so a paper's entry carries the title bit when its title holds the word.
    if (lastPaper[id] !== paper) {
      lastPaper[id] = paper;
      (postings[id] as number[]).push(paper * 2 + inTitle);
    }
  };
  const titleLengths = new Int32Array(papers.length);
  folded.forEach(({ title, abstract }, paper) => {
    titleLengths[paper] = title.length;
    for (let position = 0; position < title.length; position++)
      add(paper, title[position] as string, position, 1);
    for (let position = 0; position < abstract.length; position++) {
      add(paper, abstract[position] as string, title.length + 1 + position, 0);
    }
  });
  return { vocabulary, postings, positions, stride, titleLengths };
}

/** Merges ascending lists of distinct numbers (the positions of a word's spellings). */
function mergePositions(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length)
    merged.push((a[i] as number) < (b[j] as number) ? (a[i++] as number) : (b[j++] as number));
  while (i < a.length) merged.push(a[i++] as number);
  while (j < b.length) merged.push(b[j++] as number);
  return merged;
}

/** Merges two hit lists: one entry per paper, title bits combined. */
function merge(a: Hits, b: Hits): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x >> 1 === y >> 1) {
      // Same paper: 2p | bit | bit keeps the paper and ORs the title bits.
      merged.push(x | y);
      i++;
      j++;
    } else if (x >> 1 < y >> 1) {
      merged.push(x);
      i++;
    } else {
      merged.push(y);
      j++;
    }
  }
  while (i < a.length) merged.push(a[i++] as number);
  while (j < b.length) merged.push(b[j++] as number);
  return merged;
}

/**
 * Word mode (text.ts): a term is a postings look-up and a merge of its spellings; a phrase is a walk over
 * its words' positions. Results are cached by the term's folded words, so spellings of the same term
 * (`LLM`, `llm`) share them, and the words of phrases are shared with single-word terms.
 */
export class WordMatcher implements TermMatcher {
  readonly vocabularySize: number;
  readonly #analysis: WordAnalysis;
  readonly #hitsByText = new Map<string, Hits>();
  readonly #hitsByWords = new Map<string, Hits>();
  readonly #positionsByWord = new Map<string, readonly number[]>();

  constructor(papers: readonly Paper[]) {
    this.#analysis = analyseWords(papers);
    this.vocabularySize = this.#analysis.vocabulary.size;
  }

  hits(term: QueryTerm): Hits {
    const textKey = `${term.exact ? '=' : '~'}${term.text}`;
    let hits = this.#hitsByText.get(textKey);
    if (!hits) {
      hits = this.#evaluate(term);
      this.#hitsByText.set(textKey, hits);
    }
    return hits;
  }

  #evaluate(term: QueryTerm): Hits {
    const termWords = words(term.text);
    // A term of no words (only marks or punctuation, say a lone combining accent) matches nothing.
    if (termWords.length === 0) return NO_HITS;
    if (termWords.length === 1) return this.#oneWordHits(termWords[0] as string, term.exact);
    const phraseKey = `${term.exact ? '=' : '~'}${termWords.join(' ')}`;
    let hits = this.#hitsByWords.get(phraseKey);
    if (!hits) {
      const present = termWords.every((word) => this.#oneWordHits(word, term.exact).length > 0);
      hits = present ? this.#phraseHits(termWords, term.exact) : NO_HITS;
      this.#hitsByWords.set(phraseKey, hits);
    }
    return hits;
  }

  /** The ids of a word's spellings that occur in the listing. */
  #spellingIds(word: string, exact: boolean): number[] {
    return wordVariants(word, exact).flatMap((variant) => {
      const id = this.#analysis.vocabulary.get(variant);
      return id === undefined ? [] : [id];
    });
  }

  /** The papers holding one word in any of its spellings; phrases check these first. */
  #oneWordHits(word: string, exact: boolean): Hits {
    const key = `${exact ? '=' : '~'}${word}`;
    let hits = this.#hitsByWords.get(key);
    if (!hits) {
      const lists = this.#spellingIds(word, exact).map((id) => this.#analysis.postings[id] as Hits);
      hits = lists.length === 0 ? NO_HITS : lists.reduce(merge);
      this.#hitsByWords.set(key, hits);
    }
    return hits;
  }

  /** Where one word occurs in any of its spellings (see WordAnalysis), shared by the phrases holding it. */
  #oneWordPositions(word: string, exact: boolean): readonly number[] {
    const key = `${exact ? '=' : '~'}${word}`;
    let positions = this.#positionsByWord.get(key);
    if (!positions) {
      const lists = this.#spellingIds(word, exact).map((id) => this.#analysis.positions[id] as number[]);
      positions = lists.length === 0 ? [] : lists.reduce(mergePositions);
      this.#positionsByWord.set(key, positions);
    }
    return positions;
  }

  /**
   * The papers where the words occur at consecutive positions. Walks the occurrences of the rarest word
   * and looks for the others at their offsets with one forward-moving cursor per word, so the cost is the
   * number of occurrences of the phrase's words.
   */
  #phraseHits(termWords: readonly string[], exact: boolean): Hits {
    const lists = termWords.map((word) => this.#oneWordPositions(word, exact));
    const rarest = lists.reduce(
      (best, list, index) => (list.length < (lists[best] as number[]).length ? index : best),
      0,
    );
    const cursors = new Int32Array(lists.length);
    const { stride, titleLengths } = this.#analysis;
    const hits: number[] = [];
    occurrences: for (const occurrence of lists[rarest] as number[]) {
      const start = occurrence - rarest;
      const paper = Math.floor(occurrence / stride);
      // Too near its paper's start to be word `rarest` of the phrase. (A phrase cannot run past a paper's
      // end or its title's either: the positions there are always empty.)
      if (occurrence % stride < rarest) continue;
      for (let offset = 0; offset < lists.length; offset++) {
        if (offset === rarest) continue;
        const list = lists[offset] as number[];
        let cursor = cursors[offset] as number;
        while (cursor < list.length && (list[cursor] as number) < start + offset) cursor++;
        cursors[offset] = cursor;
        if (list[cursor] !== start + offset) continue occurrences;
      }
      const inTitle = (start % stride) + lists.length <= (titleLengths[paper] as number) ? 1 : 0;
      const last = hits.length - 1;
      if (last >= 0 && (hits[last] as number) >> 1 === paper) hits[last] = (hits[last] as number) | inTitle;
      else hits.push(paper * 2 + inTitle);
    }
    return hits;
  }
}

/** Substring mode: the classic script's test, `term.lower() in title.lower()` (or the abstract). */
export class SubstringMatcher implements TermMatcher {
  readonly #titles: string[];
  readonly #abstracts: string[];
  readonly #hitsByText = new Map<string, Hits>();

  constructor(papers: readonly Paper[]) {
    this.#titles = papers.map((paper) => paper.title.toLowerCase());
    this.#abstracts = papers.map((paper) => paper.abstract.toLowerCase());
  }

  /** One scan of the listing's lower-cased text per distinct term. */
  hits(term: QueryTerm): Hits {
    const needle = term.text.toLowerCase();
    let hits = this.#hitsByText.get(needle);
    if (!hits) {
      const found: number[] = [];
      for (let paper = 0; paper < this.#titles.length; paper++) {
        const inTitle = (this.#titles[paper] as string).includes(needle);
        if (inTitle || (this.#abstracts[paper] as string).includes(needle))
          found.push(paper * 2 + (inTitle ? 1 : 0));
      }
      hits = found;
      this.#hitsByText.set(needle, hits);
    }
    return hits;
  }
}
