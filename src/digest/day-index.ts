import { crc32 } from 'node:zlib';
import { compareIdsNewestFirst } from './id-order.ts';
import { fromBase64, packNumbers, readVarints, toBase64, VarintWriter } from './packed.ts';
import type { KeywordQuery, QueryTerm } from './query.ts';
import {
  analyseWords,
  findPaper,
  type Hits,
  type PaperText,
  SubstringMatcher,
  type TermMatcher,
  WordMatcher,
  type WordPositions,
} from './term-hits.ts';
import { WORD_RULES_VERSION } from './text.ts';
import { TopKeys } from './top-keys.ts';
import { ownCopy, type Vocabulary } from './vocabulary.ts';

/**
 * "word": word boundaries, tolerated plural, phrases (text.ts). "substring": the classic script's test,
 * `term.lower() in title.lower()` (or the abstract), kept for users migrating from it.
 */
export type MatchMode = 'word' | 'substring';

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

/** A ranked paper, by its row in the day index. */
export interface RankedRow {
  row: number;
  /** +1 per term found in the title or abstract, +0.5 more per term found in the title. */
  score: number;
  /** How many terms the title holds. */
  titleHits: number;
  /** The terms found, as written in the query, in query order. */
  matchedTerms: string[];
}

/** What a day index reads of a paper: its text once, to analyse it; its id and categories for good. */
export interface IndexedPaper extends PaperText {
  id: string;
  categories: readonly string[];
}

export const DAY_INDEX_SCHEMA = 1;

/**
 * The word rules an index was made with: text.ts's version, and the Unicode version that decides what
 * `\p{L}` and NFKD folding do (a Node upgrade can change it).
 */
export const WORD_RULES = `${WORD_RULES_VERSION}/unicode-${process.versions.unicode}`;

/**
 * A word-mode day index as stored (JSON through Keyv): typed arrays as base64 of their varint bytes. The
 * day's words are stored as text, in the order of `lengths`, so the index reads back into any vocabulary
 * (a new process numbers words afresh).
 */
export interface StoredDayIndex {
  schemaVersion: number;
  rules: string;
  /** The papers' ids, by row, separated by spaces (one JSON string: Keyv revives every string it parses). */
  ids: string;
  /** The rows in newest-first id order (the ranking's tie-break), so a restart need not sort the ids. */
  newestFirst: string;
  /** The day's distinct categories. */
  categories: string[];
  /** Per row: how many categories, then their indexes in `categories`. */
  paperCategories: string;
  titleLengths: string;
  stride: number;
  /** The day's words, separated by spaces. */
  words: string;
  /** Per word: how many bytes of `positions` are its. */
  lengths: string;
  /** Per word: its occurrences as varint gaps (term-hits.ts, WordPositions). */
  positions: string;
  /** CRC-32 of the fields above. */
  checksum: number;
}

/** The term caches' sizes (see fromPapers): for a day of 1,500 papers, 32 lists are at most 0.8 MB, 4 are 0.1 MB. */
export const DIGEST_CACHE_LISTS = 32;
export const RECENT_CACHE_LISTS = 4;

/** Slots kept beside ids in one number while sorting: more words than this in one day are refused. */
const SLOT_RANGE = 2 ** 21;

/** Matched terms are tracked as bits for the first 31 terms (an Int32 without its sign bit), looked up after. */
const MASK_BITS = 31;

interface Categories {
  names: string[];
  /** Row `r`'s categories are `list[starts[r]..starts[r + 1])`, indexes into `names`. */
  starts: Uint32Array;
  list: Uint16Array;
}

function categoryTable(lists: readonly (readonly string[])[]): Categories {
  const byName = new Map<string, number>();
  const starts = new Uint32Array(lists.length + 1);
  const list: number[] = [];
  lists.forEach((categories, row) => {
    starts[row] = list.length;
    for (const category of categories) {
      let index = byName.get(category);
      if (index === undefined) {
        index = byName.size;
        byName.set(category, index);
      }
      list.push(index);
    }
  });
  starts[lists.length] = list.length;
  return { names: [...byName.keys()].map(ownCopy), starts, list: Uint16Array.from(list) };
}

/** The checksum of a stored index; the occurrences are taken as bytes (a string's would be copied first). */
function storedChecksum(stored: Omit<StoredDayIndex, 'checksum'>, positions: Uint8Array): number {
  let crc = crc32(positions);
  for (const piece of [
    stored.rules,
    stored.ids,
    stored.newestFirst,
    stored.categories.join(' '),
    stored.paperCategories,
    stored.titleLengths,
    String(stored.stride),
    stored.words,
    stored.lengths,
  ]) {
    crc = crc32(piece, crc);
    crc = crc32('\n', crc);
  }
  return crc;
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((entry) => typeof entry === 'string');

/**
 * One day's papers, analysed once and ranked against any number of keyword queries, holding per paper only
 * what ranking needs: its id (for the newest-first tie-break and to read the paper back) and categories.
 * A word-mode index numbers its words in a vocabulary that other days may share, and keeps their
 * occurrences packed (term-hits.ts); it can be stored and read back (`toStored`, `restore`) instead of
 * analysed again. A substring-mode index keeps the lower-cased texts.
 *
 * Scoring is the classic script's; order is score, then title hits, then newer id (all descending).
 */
export class DayIndex {
  readonly mode: MatchMode;
  /** The papers' ids by row, separated by spaces: one string a day rather than a string a paper. */
  readonly #ids: string;
  /** Row `r`'s id is `#ids[idStarts[r]..idStarts[r + 1] - 1)`. */
  readonly #idStarts: Uint32Array;
  readonly #matcher: TermMatcher;
  readonly #words: WordMatcher | null;
  #vocabulary: Vocabulary | null;
  readonly #categories: Categories;
  readonly #categoryFilters = new Map<string, Uint8Array>();
  /** Each row's position in newest-first id order, and the rows in that order. */
  readonly #ageRank: Int32Array;
  readonly #newestFirst: Int32Array;
  // Scratch space for rank(), valid for the entries stamped with the current generation.
  readonly #seenAt: Int32Array;
  readonly #excludedAt: Int32Array;
  readonly #termHits: Int32Array;
  readonly #titleHits: Int32Array;
  /** Which of the first MASK_BITS terms each row holds. */
  readonly #matchedMask: Int32Array;
  readonly #touched: Int32Array;
  #generation = 0;

  constructor(parts: {
    /** The ids joined by spaces. */
    ids: string;
    /** The rows in newest-first id order, when known (a stored index keeps it); sorted from the ids if not. */
    newestFirst: Int32Array | null;
    categories: Categories;
    words: { vocabulary: Vocabulary; analysis: WordPositions } | null;
    texts: readonly PaperText[] | null;
    cacheLists: number;
  }) {
    this.#ids = parts.ids;
    const starts = [0];
    for (let at = this.#ids.indexOf(' '); at !== -1; at = this.#ids.indexOf(' ', at + 1)) starts.push(at + 1);
    if (this.#ids !== '') starts.push(this.#ids.length + 1);
    this.#idStarts = Uint32Array.from(starts);
    const n = this.size;
    this.#categories = parts.categories;
    this.#vocabulary = parts.words?.vocabulary ?? null;
    this.#words = parts.words
      ? new WordMatcher(parts.words.vocabulary, parts.words.analysis, parts.cacheLists)
      : null;
    this.mode = this.#words ? 'word' : 'substring';
    this.#matcher = this.#words ?? new SubstringMatcher(parts.texts ?? []);
    this.#newestFirst =
      parts.newestFirst ??
      Int32Array.from(
        Array.from({ length: n }, (_, row) => row).sort((a, b) =>
          compareIdsNewestFirst(this.id(a), this.id(b)),
        ),
      );
    this.#ageRank = new Int32Array(n);
    this.#newestFirst.forEach((row, rank) => {
      this.#ageRank[row] = rank;
    });
    this.#seenAt = new Int32Array(n);
    this.#excludedAt = new Int32Array(n);
    this.#termHits = new Int32Array(n);
    this.#titleHits = new Int32Array(n);
    this.#matchedMask = new Int32Array(n);
    this.#touched = new Int32Array(n);
  }

  /**
   * Analyses the papers: in word mode, numbering their words in `vocabulary`. `cacheLists` bounds each cache
   * of evaluated terms to the size of that many hit lists naming every paper: a day's digests, ranking
   * thousands of subscriptions once, gain from a large one; the recent days searched now and then keep
   * small ones (RECENT_CACHE_LISTS).
   */
  static fromPapers(
    papers: readonly IndexedPaper[],
    mode: MatchMode,
    vocabulary: Vocabulary,
    cacheLists = DIGEST_CACHE_LISTS,
  ): DayIndex {
    const ids = papers.map((paper) => paper.id);
    if (ids.some((id) => id === '' || id.includes(' ')))
      throw new Error('a paper id is empty or holds a space');
    return new DayIndex({
      ids: ids.join(' '),
      newestFirst: null,
      categories: categoryTable(papers.map((paper) => paper.categories)),
      words: mode === 'word' ? { vocabulary, analysis: analyseWords(papers, vocabulary) } : null,
      texts: mode === 'word' ? null : papers,
      cacheLists,
    });
  }

  /**
   * Reads a stored word-mode index back, its words numbered in `vocabulary`. `ids` are the papers the index
   * must cover (its announcement's, in any order). Gives the reason instead when the record cannot serve:
   * missing, of another schema or word rules, of other papers, or damaged.
   */
  static restore(
    raw: unknown,
    ids: readonly string[],
    vocabulary: Vocabulary,
    cacheLists = RECENT_CACHE_LISTS,
  ): DayIndex | string {
    if (raw === undefined || raw === null) return 'no stored index';
    const stored = raw as Partial<StoredDayIndex>;
    if (stored.schemaVersion !== DAY_INDEX_SCHEMA)
      return `stored index of schema ${String(stored.schemaVersion)}, not ${DAY_INDEX_SCHEMA}`;
    if (stored.rules !== WORD_RULES)
      return `stored index made with word rules ${String(stored.rules)}, not ${WORD_RULES}`;
    if (
      typeof stored.ids !== 'string' ||
      typeof stored.newestFirst !== 'string' ||
      !isStringArray(stored.categories) ||
      typeof stored.words !== 'string' ||
      typeof stored.paperCategories !== 'string' ||
      typeof stored.titleLengths !== 'string' ||
      typeof stored.lengths !== 'string' ||
      typeof stored.positions !== 'string' ||
      typeof stored.stride !== 'number' ||
      typeof stored.checksum !== 'number'
    )
      return 'stored index incomplete';
    const complete = stored as StoredDayIndex;
    const positions = fromBase64(complete.positions);
    if (storedChecksum(complete, positions) !== complete.checksum) return 'stored index damaged (checksum)';
    const rows = complete.ids === '' ? [] : complete.ids.split(' ');
    const wanted = new Set(ids);
    if (rows.length !== wanted.size || !rows.every((id) => wanted.has(id)))
      return "stored index covers other papers than the announcement's";
    try {
      return DayIndex.#decode(complete, rows, positions, vocabulary, cacheLists);
    } catch (error) {
      return `stored index unreadable: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  static #decode(
    stored: StoredDayIndex,
    rows: readonly string[],
    data: Uint8Array,
    vocabulary: Vocabulary,
    cacheLists: number,
  ): DayIndex {
    const n = rows.length;
    const packedTitles = fromBase64(stored.titleLengths);
    const titleLengths = Int32Array.from(readVarints(packedTitles, 0, packedTitles.length, false));
    if (titleLengths.length !== n) throw new RangeError('title lengths do not match the papers');
    const packedCategories = fromBase64(stored.paperCategories);
    const flat = readVarints(packedCategories, 0, packedCategories.length, false);
    const starts = new Uint32Array(n + 1);
    const list: number[] = [];
    let at = 0;
    for (let row = 0; row < n; row++) {
      starts[row] = list.length;
      const count = flat[at++];
      if (count === undefined || at + count > flat.length) throw new RangeError('categories cut short');
      for (let k = 0; k < count; k++) {
        const index = flat[at++] as number;
        if (index >= stored.categories.length) throw new RangeError('unknown category');
        list.push(index);
      }
    }
    starts[n] = list.length;
    const lengths = fromBase64(stored.lengths);
    const byteCounts = readVarints(lengths, 0, lengths.length, false);
    const count = byteCounts.length;
    if (count >= SLOT_RANGE) throw new RangeError('too many words');
    const offsets = new Uint32Array(count + 1);
    for (let j = 0; j < count; j++) offsets[j + 1] = (offsets[j] as number) + (byteCounts[j] as number);
    if (offsets[count] !== data.length) throw new RangeError('word lengths do not match the positions');

    // Number the words in this vocabulary, one at a time (an array of them all would live through garbage
    // collections and make the young generation grow); then order them by id, each with its slot in the
    // low 21 bits, as plain numbers (a native sort, no comparator).
    const keys = new Float64Array(count);
    let from = 0;
    for (let j = 0; j < count; j++) {
      const end = j === count - 1 ? stored.words.length : stored.words.indexOf(' ', from);
      if (end === -1 || end === from) throw new RangeError('word lengths do not match the words');
      keys[j] = vocabulary.add(stored.words.slice(from, end)) * SLOT_RANGE + j;
      from = end + 1;
    }
    if (from !== stored.words.length + 1 && count > 0)
      throw new RangeError('word lengths do not match the words');
    keys.sort();
    const ids = new Int32Array(count);
    const slots = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      ids[k] = Math.floor((keys[k] as number) / SLOT_RANGE);
      slots[k] = (keys[k] as number) % SLOT_RANGE;
      if (k > 0 && ids[k] === ids[k - 1]) throw new RangeError('a word twice');
    }
    const packedOrder = fromBase64(stored.newestFirst);
    const newestFirst = Int32Array.from(readVarints(packedOrder, 0, packedOrder.length, false));
    const placed = new Uint8Array(n);
    for (const row of newestFirst) {
      if (row >= n || placed[row]) throw new RangeError('the newest-first order is not one of the papers');
      placed[row] = 1;
    }
    if (newestFirst.length !== n) throw new RangeError('the newest-first order is not one of the papers');
    return new DayIndex({
      ids: stored.ids,
      newestFirst,
      categories: { names: stored.categories.map(ownCopy), starts, list: Uint16Array.from(list) },
      words: {
        vocabulary,
        analysis: { stride: stored.stride, titleLengths, ids, slots, offsets, data },
      },
      texts: null,
      cacheLists,
    });
  }

  /** The stored form of a word-mode index; null in substring mode, which keeps texts and stores nothing. */
  toStored(): StoredDayIndex | null {
    if (!this.#words || !this.#vocabulary) return null;
    const vocabulary = this.#vocabulary;
    const { stride, titleLengths, ids, slots, offsets, data } = this.#words.analysis;
    const { names, starts, list } = this.#categories;
    const order = new Int32Array(ids.length);
    for (let k = 0; k < ids.length; k++) order[slots ? (slots[k] as number) : k] = k;
    const categories = new VarintWriter();
    for (let row = 0; row < this.size; row++) {
      const end = starts[row + 1] as number;
      categories.write(end - (starts[row] as number));
      for (let at = starts[row] as number; at < end; at++) categories.write(list[at] as number);
    }
    const stored: Omit<StoredDayIndex, 'checksum'> = {
      schemaVersion: DAY_INDEX_SCHEMA,
      rules: WORD_RULES,
      ids: this.#ids,
      newestFirst: toBase64(packNumbers(this.#newestFirst)),
      categories: [...names],
      paperCategories: toBase64(categories.finish()),
      titleLengths: toBase64(packNumbers(titleLengths)),
      stride,
      // In the order of the bytes: entry j of offsets is word slots[k] = j.
      words: Array.from(ids, (_, j) => vocabulary.word(ids[order[j] as number] as number)).join(' '),
      lengths: toBase64(
        packNumbers(Array.from(ids, (_, j) => (offsets[j + 1] as number) - (offsets[j] as number))),
      ),
      positions: toBase64(data),
    };
    return { ...stored, checksum: storedChecksum(stored, data) };
  }

  get size(): number {
    return this.#idStarts.length - 1;
  }

  /** The id of the paper in row `row`. */
  id(row: number): string {
    return this.#ids.slice(this.#idStarts[row], (this.#idStarts[row + 1] as number) - 1);
  }

  /** How many distinct words the day holds (0 in substring mode). */
  get wordCount(): number {
    return this.#words?.analysis.ids.length ?? 0;
  }

  /** Marks, by id, the vocabulary words this day uses. */
  markWords(used: Uint8Array): void {
    for (const id of this.#words?.analysis.ids ?? []) used[id] = 1;
  }

  /** Moves the index to a compacted vocabulary (Vocabulary.compact); `ids` maps old ids to new. */
  remap(vocabulary: Vocabulary, ids: Int32Array): void {
    if (!this.#words) return;
    this.#words.remap(vocabulary, ids);
    this.#vocabulary = vocabulary;
  }

  /** How many papers are in the given categories (all of them when none are given). */
  count(categories?: readonly string[]): number {
    const filter = this.#categoryFilter(categories);
    if (!filter) return this.size;
    let count = 0;
    for (const allowed of filter) count += allowed;
    return count;
  }

  /** The rows matching the query, best first. Rows marked in `skip` are left out. */
  rank(query: KeywordQuery, options: RankOptions = {}, skip: Uint8Array | null = null): RankedRow[] {
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
        const row = entry >> 1;
        if (excludedAt[row] === generation || (allowed && allowed[row] === 0) || (skip && skip[row] === 1))
          continue;
        if (seenAt[row] !== generation) {
          seenAt[row] = generation;
          termHits[row] = 0;
          titleHits[row] = 0;
          matchedMask[row] = 0;
          touched[touchedCount++] = row;
        }
        termHits[row] = (termHits[row] as number) + 1;
        titleHits[row] = (titleHits[row] as number) + (entry & 1);
        matchedMask[row] = (matchedMask[row] as number) | bit;
      }
    }

    // Each candidate gets one number that sorts it: its score in half points (exact), then its title
    // hits, then its age rank, bigger is better. The best maxPapers are kept in a bounded heap.
    const n = this.size;
    const titleRange = query.terms.length + 1;
    const ageRank = this.#ageRank;
    const best = new TopKeys(Math.min(maxPapers, touchedCount));
    for (let i = 0; i < touchedCount; i++) {
      const row = touched[i] as number;
      const halfPoints = 2 * (termHits[row] as number) + (titleHits[row] as number);
      if (halfPoints < 2 * minScore) continue;
      best.offer(
        (halfPoints * titleRange + (titleHits[row] as number)) * n + (n - 1 - (ageRank[row] as number)),
      );
    }

    const ranked: RankedRow[] = [];
    for (const key of best.sortedDescending()) {
      const row = this.#newestFirst[n - 1 - (key % n)] as number;
      const mask = matchedMask[row] as number;
      const matchedTerms: string[] = [];
      for (let k = 0; k < query.terms.length; k++) {
        const found = k < MASK_BITS ? (mask & (1 << k)) !== 0 : findPaper(hitsPerTerm[k] as Hits, row) !== -1;
        if (found) matchedTerms.push((query.terms[k] as QueryTerm).text);
      }
      ranked.push({
        row,
        score: (2 * (termHits[row] as number) + (titleHits[row] as number)) / 2,
        titleHits: titleHits[row] as number,
        matchedTerms,
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
      const { names, starts, list } = this.#categories;
      const wanted = names.map((name) =>
        categories.some((entry) => name === entry || name.startsWith(`${entry}.`)),
      );
      filter = new Uint8Array(this.size);
      for (let row = 0; row < this.size; row++) {
        for (let at = starts[row] as number; at < (starts[row + 1] as number); at++) {
          if (wanted[list[at] as number]) {
            filter[row] = 1;
            break;
          }
        }
      }
      this.#categoryFilters.set(key, filter);
    }
    return filter;
  }
}
