/**
 * How text is cut into words for keyword matching ("word" mode). The same rules apply to a paper's title and
 * abstract and to the terms of a query, so a term matches exactly when its words appear in the text in order.
 *
 * - Case and accents: text is folded with NFKD, combining marks are dropped and letters lower-cased, so
 *   `Schrödinger` matches `schrodinger`, `ﬁne` (ligature) matches `fine`, and `LLM` matches `llm`.
 * - A word is a run of letters and digits in any script. Everything else separates words, so hyphens,
 *   slashes, dots, apostrophes and line breaks are all word boundaries: `mixture-of-experts` and
 *   `mixture of\nexperts` are the same three words, `GPT-3.5` is `gpt 3 5`, `LLM's` is `llm s`.
 *   Hyphenated and joined spellings differ: `fine-tuning` does not match `finetuning`.
 * - A run of `+` or `#` right after a word belongs to it when no letter or digit follows, so `C++` and `C#`
 *   are words of their own: the term `C++` does not match `C`, and `C` does not match `C++`. In `a+b` the
 *   `+` is a separator.
 * - Scripts written without spaces (Chinese, Japanese) form one word per run, so a term there matches only
 *   a whole run. arXiv listings are nearly all English.
 * - Plural tolerance: a word of a term also matches the same word with one `s` added (`LLM` matches `LLMs`),
 *   and a word ending in a single `s` (4 letters or more, not `ss`) also matches it without the `s`
 *   (`agents` matches `agent`). Nothing else: `query` does not match `queries`, nor `process` `processes`.
 *   The price: `news` also matches `new`; quote a term (exact matching) to switch tolerance off.
 */

/**
 * The version of the rules above that cut text into words. Indexes persisted in the store (day-index.ts)
 * record it: change how `words` cuts or folds text and bump it, and stored indexes are rebuilt rather than
 * read with the old words. (Plural tolerance applies to queries only and needs no bump.)
 */
export const WORD_RULES_VERSION = 1;

const WORD = /[\p{L}\p{N}]+(?:[+#]+(?![+#\p{L}\p{N}]))?/gu;
const COMBINING_MARKS = /\p{M}/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const ENDS_WITH_LETTER = /\p{L}$/u;

/** Case- and accent-folds text for word matching. */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();
}

/** The folded words of a text, in order. */
export function words(text: string): string[] {
  return foldText(text).match(WORD) ?? [];
}

/** Whether a text holds at least one letter or digit, that is, at least one word. */
export function hasWord(text: string): boolean {
  return LETTER_OR_DIGIT.test(text);
}

/**
 * The spellings of the text that a folded word of a term matches: the word itself and, unless the term is
 * exact, its tolerated plural or singular (see the rules above).
 */
export function wordVariants(word: string, exact: boolean): string[] {
  if (exact || !ENDS_WITH_LETTER.test(word)) return [word];
  const variants = [word, `${word}s`];
  if (word.length >= 4 && word.endsWith('s') && !word.endsWith('ss')) variants.push(word.slice(0, -1));
  return variants;
}
