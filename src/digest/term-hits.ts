import { readVarints, VarintWriter } from './packed.ts';
import type { QueryTerm } from './query.ts';
import { words, wordVariants } from './text.ts';
import type { Vocabulary } from './vocabulary.ts';

/**
 * Which papers of a listing hold a term, in either matching mode. Each matcher analyses the papers once,
 * when it is made, and evaluates each distinct term once, caching the result (within a budget) for later
 * queries.
 */

/**
 * A term's hits over the listing, one entry per paper holding the term, in paper order, each entry
 * `paperIndex * 2 + (1 if the title holds it)`. Shared between queries, so never mutated.
 */
export type Hits = Int32Array;

const NO_HITS: Hits = new Int32Array(0);
const NO_POSITIONS = new Float64Array(0);

export interface TermMatcher {
  hits(term: QueryTerm): Hits;
}

/** The text a matcher reads of each paper. */
export interface PaperText {
  title: string;
  abstract: string;
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
 * The word-mode analysis of a listing: where each of its words occurs. An occurrence is the number
 * `paper * stride + position`, where a paper's title takes positions 0 to titleLength - 1, one position is
 * left empty (so no phrase runs from the title into the abstract), and the abstract follows. Each word's
 * occurrences, ascending, are packed as varint gaps (packed.ts) into one byte array for the whole listing:
 * a day of 1,500 papers is one typed array of about a megabyte rather than tens of thousands of small
 * JavaScript arrays. Which papers hold a word (and whether in the title) is read from the same list, so
 * there are no separate postings to keep.
 */
export interface WordPositions {
  stride: number;
  titleLengths: Int32Array;
  /** The vocabulary ids of the listing's words, ascending. */
  ids: Int32Array;
  /**
   * Where word `k` (of `ids`) is in `data`: entry `j = slots[k]` (`k` when null) of `offsets`, its bytes
   * being `data[offsets[j]..offsets[j + 1])`. An index read back from the store keeps its bytes in the
   * stored order rather than copy them into the order of this process's ids.
   */
  slots: Int32Array | null;
  offsets: Uint32Array;
  data: Uint8Array;
}

/** Analyses the papers' words, numbering new words in `vocabulary`. */
export function analyseWords(papers: readonly PaperText[], vocabulary: Vocabulary): WordPositions {
  const titleLengths = new Int32Array(papers.length);
  const lengths = new Int32Array(papers.length);
  let stream = new Int32Array(1 << 16);
  let tokens = 0;
  const push = (word: string) => {
    if (tokens === stream.length) {
      const grown = new Int32Array(stream.length * 2);
      grown.set(stream);
      stream = grown;
    }
    stream[tokens++] = vocabulary.add(word);
  };
  papers.forEach((paper, index) => {
    const title = words(paper.title);
    const abstract = words(paper.abstract);
    titleLengths[index] = title.length;
    lengths[index] = title.length + abstract.length;
    for (const word of title) push(word);
    for (const word of abstract) push(word);
  });
  let stride = 1;
  for (let paper = 0; paper < papers.length; paper++)
    stride = Math.max(stride, (lengths[paper] as number) + 2);

  // A counting sort of the occurrences by word id; ids in ascending order are the listing's words.
  const next = new Int32Array(vocabulary.size);
  for (let at = 0; at < tokens; at++) next[stream[at] as number] = (next[stream[at] as number] as number) + 1;
  const used: number[] = [];
  let total = 0;
  for (let id = 0; id < next.length; id++) {
    const count = next[id] as number;
    if (count === 0) continue;
    used.push(id);
    next[id] = total;
    total += count;
  }
  const occurrences = new Float64Array(tokens);
  let at = 0;
  for (let paper = 0; paper < papers.length; paper++) {
    const title = titleLengths[paper] as number;
    const end = at + (lengths[paper] as number);
    for (let position = 0; at < end; at++, position++) {
      const id = stream[at] as number;
      const slot = next[id] as number;
      next[id] = slot + 1;
      // Abstract words sit one past the empty position after the title.
      occurrences[slot] = paper * stride + (position < title ? position : position + 1);
    }
  }

  const ids = Int32Array.from(used);
  const offsets = new Uint32Array(ids.length + 1);
  const writer = new VarintWriter();
  let start = 0;
  ids.forEach((id, k) => {
    // After the fill, next[id] is where the word's occurrences end.
    const end = next[id] as number;
    offsets[k] = writer.length;
    let previous = 0;
    for (let slot = start; slot < end; slot++) {
      writer.write((occurrences[slot] as number) - previous);
      previous = occurrences[slot] as number;
    }
    start = end;
  });
  offsets[ids.length] = writer.length;
  return { stride, titleLengths, ids, slots: null, offsets, data: writer.finish() };
}

/** Merges ascending lists of distinct numbers (the positions of a word's spellings). */
function mergePositions(a: Float64Array, b: Float64Array): Float64Array {
  const merged = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length)
    merged[k++] = (a[i] as number) < (b[j] as number) ? (a[i++] as number) : (b[j++] as number);
  while (i < a.length) merged[k++] = a[i++] as number;
  while (j < b.length) merged[k++] = b[j++] as number;
  return merged;
}

/**
 * A cache of arrays holding at most `budget` elements in all (an entry counts its length plus one),
 * dropping the least recently used first: a long-running bot searches its kept days with ever new terms,
 * and what they found must not pile up.
 */
class BoundedCache<V extends { readonly length: number }> {
  readonly #entries = new Map<string, V>();
  readonly #budget: number;
  #size = 0;

  constructor(budget: number) {
    this.#budget = budget;
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (value.length + 1 > this.#budget || this.#entries.has(key)) return;
    this.#entries.set(key, value);
    this.#size += value.length + 1;
    for (const [oldest, dropped] of this.#entries) {
      if (this.#size <= this.#budget) break;
      this.#entries.delete(oldest);
      this.#size -= dropped.length + 1;
    }
  }
}

/**
 * Word mode (text.ts): a term is the occurrences of its spellings, merged; a phrase is a walk over its
 * words' occurrences. Results are cached by the term's folded words, so spellings of the same term (`LLM`,
 * `llm`) share them, and the words of phrases are shared with single-word terms.
 */
export class WordMatcher implements TermMatcher {
  readonly #words: WordPositions;
  #vocabulary: Vocabulary;
  readonly #hitsByText: BoundedCache<Hits>;
  readonly #hitsByWords: BoundedCache<Hits>;
  readonly #positionsByWord: BoundedCache<Float64Array>;

  constructor(vocabulary: Vocabulary, analysis: WordPositions, cacheLists: number) {
    this.#vocabulary = vocabulary;
    this.#words = analysis;
    // Each cache holds at most as many elements as `cacheLists` lists naming every paper.
    const budget = Math.max(1 << 12, cacheLists * analysis.titleLengths.length);
    this.#hitsByText = new BoundedCache(budget);
    this.#hitsByWords = new BoundedCache(budget);
    this.#positionsByWord = new BoundedCache(budget);
  }

  get analysis(): WordPositions {
    return this.#words;
  }

  /** Moves the matcher to a compacted vocabulary; `ids` maps the old ids to the new (order kept). */
  remap(vocabulary: Vocabulary, ids: Int32Array): void {
    const own = this.#words.ids;
    for (let k = 0; k < own.length; k++) own[k] = ids[own[k] as number] as number;
    this.#vocabulary = vocabulary;
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

  /** Where word `k` of the listing occurs. */
  #occurrences(k: number): Float64Array {
    const { data, offsets, slots } = this.#words;
    const j = slots ? (slots[k] as number) : k;
    return readVarints(data, offsets[j] as number, offsets[j + 1] as number, true);
  }

  /** The listing's index of a vocabulary id, or -1. */
  #local(id: number): number {
    const ids = this.#words.ids;
    let low = 0;
    let high = ids.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const found = ids[middle] as number;
      if (found === id) return middle;
      if (found < id) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Where one word occurs in any of its spellings. */
  #spellingPositions(word: string, exact: boolean): Float64Array {
    let merged: Float64Array = NO_POSITIONS;
    for (const variant of wordVariants(word, exact)) {
      const id = this.#vocabulary.id(variant);
      const k = id === -1 ? -1 : this.#local(id);
      if (k !== -1)
        merged = merged.length === 0 ? this.#occurrences(k) : mergePositions(merged, this.#occurrences(k));
    }
    return merged;
  }

  /** The papers holding one word in any of its spellings; phrases check these first. */
  #oneWordHits(word: string, exact: boolean): Hits {
    const key = `${exact ? '=' : '~'}${word}`;
    let hits = this.#hitsByWords.get(key);
    if (!hits) {
      hits = this.#papersOf(this.#spellingPositions(word, exact));
      this.#hitsByWords.set(key, hits);
    }
    return hits;
  }

  /** Hits from occurrences: each paper once, with the title bit when one of its occurrences is there. */
  #papersOf(positions: Float64Array): Hits {
    if (positions.length === 0) return NO_HITS;
    const { stride, titleLengths } = this.#words;
    const hits = new Int32Array(positions.length);
    let count = 0;
    let last = -1;
    for (const occurrence of positions) {
      const paper = Math.floor(occurrence / stride);
      const inTitle = occurrence - paper * stride < (titleLengths[paper] as number) ? 1 : 0;
      if (paper === last) hits[count - 1] = (hits[count - 1] as number) | inTitle;
      else {
        hits[count++] = paper * 2 + inTitle;
        last = paper;
      }
    }
    return hits.slice(0, count);
  }

  /** Where one word occurs in any of its spellings, shared by the phrases holding it. */
  #oneWordPositions(word: string, exact: boolean): Float64Array {
    const key = `${exact ? '=' : '~'}${word}`;
    let positions = this.#positionsByWord.get(key);
    if (!positions) {
      positions = this.#spellingPositions(word, exact);
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
      (best, list, index) => (list.length < (lists[best] as Float64Array).length ? index : best),
      0,
    );
    const cursors = new Int32Array(lists.length);
    const { stride, titleLengths } = this.#words;
    const rare = lists[rarest] as Float64Array;
    const hits = new Int32Array(rare.length);
    let count = 0;
    occurrences: for (const occurrence of rare) {
      const start = occurrence - rarest;
      const paper = Math.floor(occurrence / stride);
      // Too near its paper's start to be word `rarest` of the phrase. (A phrase cannot run past a paper's
      // end or its title's either: the positions there are always empty.)
      if (occurrence - paper * stride < rarest) continue;
      for (let offset = 0; offset < lists.length; offset++) {
        if (offset === rarest) continue;
        const list = lists[offset] as Float64Array;
        let cursor = cursors[offset] as number;
        while (cursor < list.length && (list[cursor] as number) < start + offset) cursor++;
        cursors[offset] = cursor;
        if (list[cursor] !== start + offset) continue occurrences;
      }
      const inTitle = start - paper * stride + lists.length <= (titleLengths[paper] as number) ? 1 : 0;
      if (count > 0 && (hits[count - 1] as number) >> 1 === paper)
        hits[count - 1] = (hits[count - 1] as number) | inTitle;
      else hits[count++] = paper * 2 + inTitle;
    }
    return hits.slice(0, count);
  }
}

/** Substring mode: the classic script's test, `term.lower() in title.lower()` (or the abstract). */
export class SubstringMatcher implements TermMatcher {
  readonly #titles: string[];
  readonly #abstracts: string[];
  readonly #hitsByText: BoundedCache<Hits>;

  constructor(papers: readonly PaperText[]) {
    this.#titles = papers.map((paper) => paper.title.toLowerCase());
    this.#abstracts = papers.map((paper) => paper.abstract.toLowerCase());
    this.#hitsByText = new BoundedCache(Math.max(1 << 12, 64 * papers.length));
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
      hits = Int32Array.from(found);
      this.#hitsByText.set(needle, hits);
    }
    return hits;
  }
}
