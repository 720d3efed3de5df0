import type { Paper } from '../../../src/arxiv/paper.ts';
import { compareIdsNewestFirst } from '../../../src/digest/id-order.ts';
import type { MatchMode, RankedPaper, RankOptions } from '../../../src/digest/listing-index.ts';
import type { KeywordQuery, QueryTerm } from '../../../src/digest/query.ts';
import { foldText, words, wordVariants } from '../../../src/digest/text.ts';

/**
 * The naive way to rank: for every query, scan every paper's text for every term. It shares no code with
 * ListingIndex beyond the word rules of text.ts (each term becomes a regular expression over the folded
 * text), so the tests use it as an independent reference and the matching benchmark as its baseline.
 * Each paper's text is folded once up front, each term's regular expression is compiled once, and a
 * substring search screens each term before its regular expression runs; that much any implementation
 * would do. What it never does is share a term's result between queries or index the text.
 */

const LN = '\\p{L}\\p{N}';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regular expression finding the term's words as whole words, in order, with only separators between. */
export function termRegExp(term: QueryTerm): RegExp {
  const parts = words(term.text).map((word) => {
    const spellings = wordVariants(word, term.exact).map(escapeRegExp).join('|');
    // A word ends where the tokenizer ends it: `c++` must not run on into `+` or a letter; `llm` must not
    // run on into a letter, nor into a `+`/`#` run that would belong to it.
    const end = /[+#]$/.test(word) ? `(?![+#${LN}])` : `(?![${LN}]|[+#]+(?![+#${LN}]))`;
    return `(?:${spellings})${end}`;
  });
  return new RegExp(`(?<![${LN}])${parts.join(`[^${LN}]+`)}`, 'u');
}

interface Text {
  title: string;
  abstract: string;
}

export class NaiveMatcher {
  readonly #papers: readonly Paper[];
  readonly #mode: MatchMode;
  readonly #texts: Text[];
  /** Each paper's position in newest-first order, so sorting does not parse ids again and again. */
  readonly #age = new Map<Paper, number>();
  readonly #testers = new Map<string, (text: string) => boolean>();

  constructor(papers: readonly Paper[], mode: MatchMode = 'word') {
    this.#papers = papers;
    this.#mode = mode;
    const prepare = mode === 'word' ? foldText : (text: string) => text.toLowerCase();
    this.#texts = papers.map((paper) => ({ title: prepare(paper.title), abstract: prepare(paper.abstract) }));
    [...papers]
      .sort((a, b) => compareIdsNewestFirst(a.id, b.id))
      .forEach((paper, rank) => {
        this.#age.set(paper, rank);
      });
  }

  /** A term's test, compiled once per matcher (the scan itself is never shared). */
  #tester(term: QueryTerm): (text: string) => boolean {
    const key = `${term.exact ? '=' : '~'}${term.text}`;
    let tester = this.#testers.get(key);
    if (!tester) {
      tester = this.#compile(term);
      this.#testers.set(key, tester);
    }
    return tester;
  }

  #compile(term: QueryTerm): (text: string) => boolean {
    if (this.#mode === 'substring') {
      const needle = term.text.toLowerCase();
      return (text) => text.includes(needle);
    }
    const pattern = termRegExp(term);
    // Every spelling of the first word holds its shortest one: a plain substring search rules most
    // papers out before the regular expression runs.
    const first = words(term.text)[0] as string;
    const needle = wordVariants(first, term.exact).reduce((a, b) => (b.length < a.length ? b : a));
    return (text) => text.includes(needle) && pattern.test(text);
  }

  rank(query: KeywordQuery, options: RankOptions = {}): RankedPaper[] {
    const include = query.terms.map((term) => ({ term, test: this.#tester(term) }));
    const exclude = query.exclude.map((term) => this.#tester(term));
    const wanted = options.categories ?? [];
    const results: RankedPaper[] = [];
    this.#papers.forEach((paper, index) => {
      const text = this.#texts[index] as Text;
      if (
        wanted.length > 0 &&
        !paper.categories.some((c) => wanted.some((w) => c === w || c.startsWith(`${w}.`)))
      ) {
        return;
      }
      if (exclude.some((test) => test(text.title) || test(text.abstract))) return;
      let score = 0;
      let titleHits = 0;
      const matchedTerms: string[] = [];
      for (const { term, test } of include) {
        const inTitle = test(text.title);
        if (inTitle || test(text.abstract)) {
          score += 1;
          matchedTerms.push(term.text);
        }
        if (inTitle) {
          score += 0.5;
          titleHits += 1;
        }
      }
      if (score > 0 && score >= (options.minScore ?? 0)) {
        results.push({ paper, score, titleHits, matchedTerms, summary: null });
      }
    });
    results.sort(
      (a, b) =>
        b.score - a.score || b.titleHits - a.titleHits || compareIdsNewestFirst(a.paper.id, b.paper.id),
    );
    return results.slice(0, options.maxPapers ?? results.length);
  }
}
