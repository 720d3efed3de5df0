import { editDistance } from '../../text/edit-distance.ts';

/*
 * Mistyped subcommand names: `/arxiv subscibe LLM`, `/arxiv lsit`. The grammar reads a first word that is no
 * command name as the start of a search, so a typo would quietly search arXiv for "subscibe LLM"; a word
 * taken for a typo is answered, privately, with "did you mean" and the way to search anyway.
 *
 * The rule must never take a real search for a typo, and real words crowd around the names: `research`,
 * `scheduler`, `lists`, `digests` hold a name; `last`, `lost`, `lisp`, `lint` are one letter from `list`;
 * `fed`, `need`, `seed` from `feed`; `held`, `hell`, `heap` from `help`; `summer` and `summand` two from
 * `summary`. Without a dictionary, the rule keeps to what typing slips look like. A first word is taken
 * for a typo of the name N when all of these hold:
 *
 * 1. It is letters only (`GPT-4`, `ti:x`, `C++` are searches), and not N itself.
 * 2. It does not contain N, unless only by a doubled letter (summaryy). A word built on a name (research,
 *    scheduler, lists, digests, subscribed) was typed whole on purpose: a slip drops, swaps or changes
 *    letters, it does not add a suffix.
 * 3. It is within edit distance 2 of N (Levenshtein, src/text/edit-distance.ts).
 * 4. The difference is made of slips, counted by `slips` below: a letter left out, a letter doubled or a
 *    neighbouring key hit with it, a neighbouring key hit instead, two neighbouring letters swapped. Hitting a
 *    key far away is not a slip, and it is how most real words differ (starch/search, summer/summary).
 *    How many slips are allowed grows with the name, since a longer name has fewer real words near it:
 *    - names of 4 letters (list, feed, help): only two letters swapped (lsit, lits, hlep, fede); every other
 *      one-letter change of them is too often a word;
 *    - names of 5 or 6 letters (search, digest, public): one slip (seach, serach, digets, pubilc);
 *    - longer names (summary, schedule, subscribe, categories, unsubscribe): two slips (sumary, shcedule,
 *      subsribe, catgories, unsubcribe).
 * 5. It is not one of the few real words that still pass (NEAR_WORDS): by the letters alone, `divest` is a
 *    slip of digest and `categorise` one of categories. They were found by running the rule over every
 *    one-slip spelling of each name and over the 25,000 words of the recorded arXiv data in ../shared/fixtures
 *    (test/unit/bot/typos.test.ts keeps checking the latter). `pubic` and `summery` are left as slips: no one
 *    searches arXiv for them, and `/arxiv pubic on` meant public.
 *
 * `me` is left out: every word of one to four letters is within distance 2 of it.
 */

/** Real words that look like slips of a name; searched for, never taken for a typo. */
const NEAR_WORDS = new Set(['divest', 'categorise', 'categorises', 'categorize']);

const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** Each letter's neighbours on a QWERTY keyboard: left and right, and the touching keys above and below. */
const NEIGHBOURS: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const map = new Map<string, Set<string>>();
  ROWS.forEach((row, r) => {
    [...row].forEach((key, c) => {
      const near = new Set<string>();
      const add = (rowIndex: number, column: number) => {
        const letter = ROWS[rowIndex]?.[column];
        if (letter !== undefined && column >= 0) near.add(letter);
      };
      add(r, c - 1);
      add(r, c + 1);
      add(r - 1, c);
      add(r - 1, c + 1);
      add(r + 1, c - 1);
      add(r + 1, c);
      map.set(key, near);
    });
  });
  return map;
})();

const near = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && (a === b || (NEIGHBOURS.get(a)?.has(b) ?? false));

/** What does not count as a slip costs this much, more than any allowance. */
const FAR = 3;

/**
 * The fewest slips that turn the name `intended` into the `typed` word (optimal string alignment, with the
 * costs above): 0 for the same word, FAR or more when it takes more than slips.
 */
export function slips(typed: string, intended: string): number {
  const rows = typed.length + 1;
  const columns = intended.length + 1;
  const cost: number[][] = Array.from({ length: rows }, () => new Array<number>(columns).fill(0));
  const at = (i: number, j: number) => cost[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      if (i === 0 && j === 0) continue;
      const t = typed[i - 1];
      const n = intended[j - 1];
      let best = Number.POSITIVE_INFINITY;
      // A letter of the name left out.
      if (j > 0) best = Math.min(best, at(i, j - 1) + 1);
      // A letter typed that the name does not have: a slip when it doubles or neighbours a letter beside it.
      if (i > 0) {
        const slip = near(t, typed[i - 2]) || near(t, typed[i]);
        best = Math.min(best, at(i - 1, j) + (slip ? 1 : FAR));
      }
      // The same letter, a neighbouring key, or a key far away.
      if (i > 0 && j > 0) best = Math.min(best, at(i - 1, j - 1) + (t === n ? 0 : near(t, n) ? 1 : FAR));
      // Two neighbouring letters swapped.
      if (i > 1 && j > 1 && t === intended[j - 2] && typed[i - 2] === n && t !== n) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      const row = cost[i];
      if (row) row[j] = best;
    }
  }
  return at(typed.length, intended.length);
}

/** The word with each run of one letter written once: `summaryy` and `summary` are both `sumary`. */
function squeezed(word: string): string {
  return word.replace(/(\p{L})\1+/gu, '$1');
}

/** The two letters at `index` and `index + 1` swapped. */
function swapped(word: string, index: number): string {
  return word.slice(0, index) + (word[index + 1] ?? '') + (word[index] ?? '') + word.slice(index + 2);
}

/** Whether `word` is a slip of `name` under the rule above. */
export function isSlipOf(word: string, name: string): boolean {
  if (word === name || !/^\p{L}+$/u.test(word) || NEAR_WORDS.has(word)) return false;
  if (word.includes(name) && squeezed(word) !== squeezed(name)) return false;
  if (editDistance(word, name) > 2) return false;
  if (name.length <= 4) {
    return word.length === name.length && [...name].some((_, i) => swapped(name, i) === word);
  }
  return slips(word, name) <= (name.length <= 6 ? 1 : 2);
}

/**
 * The command name that `word` (already lower-cased, as `keyword` gives it) is a slip of, or null. When it
 * could be a slip of two names, the closer one; a tie is no guess at all.
 */
export function mistypedName(word: string, names: readonly string[]): string | null {
  // A name is no slip of another: `follow` is two letters short of `unfollow`.
  if (names.includes(word)) return null;
  const candidates = names
    .filter((name) => name !== 'me' && isSlipOf(word, name))
    .map((name) => ({ name, distance: editDistance(word, name) }))
    .sort((a, b) => a.distance - b.distance);
  const [first, second] = candidates;
  if (!first || (second && second.distance === first.distance)) return null;
  return first.name;
}
