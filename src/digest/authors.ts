import { UserError } from '../errors.ts';
import { texToText } from '../text/tex.ts';
import { foldText } from './text.ts';

/**
 * Followed authors (issue 13): a name as a user types it matched against the author names of arXiv's
 * listings, which are written as their authors typed them (`Yann LeCun`, `Y. LeCun`, `Zlatko
 * Te\v{s}anovi\'c`, `Wilke van der Schee`, `P. -J. Chiu`, `Joao Bachiega Jr`).
 *
 * A name is read into a surname and given names, each compared folded:
 * - TeX escapes as characters (src/text/tex.ts), then case and accents folded as keyword matching folds them
 *   (foldText), and the letters NFKD leaves whole spelled in ASCII (`ø` o, `ł` l, `æ` ae, `ß` ss), so
 *   `Przemys{\l}aw` is `Przemysław` is `Przemyslaw`. Apostrophes and other marks inside a word go (`O'Brien`
 *   is `obrien`).
 * - `Last, First` is read as `First Last`; a suffix (Jr, Sr, II, III, IV) is dropped.
 * - The surname is the last word, with the particles just before it dropped (`van der Schee` is `schee`,
 *   `Hugo Van hamme` is `hamme`), so the particle may be written or not, in any case.
 * - A given name is a word; a hyphenated one (`Jean-Pierre`, `J.-P.`, `Xiao-Ping`) stays one name of several
 *   parts; a dot separates initials (`J.P.` is `J. P.`).
 *
 * Two names are the same author when the surnames are equal, the first given names agree, and the middle
 * names that both have agree in order (extra middle names on either side are allowed: `Yann A. LeCun` is
 * `Yann LeCun`). Given names agree when equal, when one is the initial of the other (`Y.` and `Yann`), part by
 * part for hyphenated ones (`J.-P.` and `Jean-Pierre`; `J.` alone too), or written joined (`Xiaoping` and
 * `Xiao-Ping`). So a surname alone never matches: `Yann LeCun` is not `Zhang LeCun`, nor `Jean Dupont`
 * `Jean-Pierre Dupont`. Followed names need a given name for the same reason (followName refuses a surname
 * alone, which would also refuse a one-word name such as `Arvind`). Word order without a comma is taken as
 * written: `Zhang Wei` and `Wei Zhang` are different names.
 */

export interface AuthorName {
  /** The surname, folded; hyphenated parts kept with their hyphen (`martinez-rau`). */
  readonly surname: string;
  /** The given names in order, each as its folded parts: `Jean-Pierre A.` is `[['jean', 'pierre'], ['a']]`. */
  readonly given: readonly (readonly string[])[];
}

/** Lowercase particles of surnames, dropped before the surname and between given names. */
const PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'del',
  'della',
  'des',
  'da',
  'das',
  'do',
  'dos',
  'du',
  'di',
  'la',
  'le',
  'ter',
  'ten',
  'zu',
]);

const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv']);

/** Letters NFKD does not take apart, as they are spelled without their mark. */
const LETTERS: Readonly<Record<string, string>> = {
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  ħ: 'h',
  ı: 'i',
  ŀ: 'l',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  þ: 'th',
};

const SPECIAL_LETTERS = new RegExp(`[${Object.keys(LETTERS).join('')}]`, 'gu');

function fold(text: string): string {
  return foldText(texToText(text)).replace(SPECIAL_LETTERS, (letter) => LETTERS[letter] ?? letter);
}

/** The words of a name in `First Last` order, each as its folded parts, suffixes dropped. */
function nameWords(name: string): string[][] | null {
  const segments = fold(name)
    .split(',')
    .map((segment) => segment.trim())
    .filter((segment) => segment !== '' && !SUFFIXES.has(segment.replace(/\./gu, '').trim()));
  if (segments.length > 2) return null;
  const natural = segments.length === 2 ? `${segments[1]} ${segments[0]}` : (segments[0] ?? '');
  const words = natural
    .replace(/\./gu, ' ')
    .replace(/\s*[-‐‑–]\s*/gu, '-')
    .split(/\s+/u)
    .map((word) =>
      word
        .split('-')
        .map((part) => part.replace(/[^\p{L}\p{N}]/gu, ''))
        .filter((part) => part !== ''),
    )
    .filter((parts) => parts.length > 0);
  while (words.length > 2 && SUFFIXES.has((words.at(-1) ?? []).join('-'))) words.pop();
  return words;
}

const isParticle = (word: readonly string[]) => word.length === 1 && PARTICLES.has(word[0] ?? '');

/** A name read as the rules above say; null when it has no surname and given name (`LeCun`, `Arvind`, ``). */
export function parseAuthorName(name: string): AuthorName | null {
  const words = nameWords(name);
  const last = words?.pop();
  if (!words || !last) return null;
  // Particles before the surname go, but never the first given name (`Van Tran`: Van is his name).
  while (words.length > 1 && isParticle(words.at(-1) ?? [])) words.pop();
  const given = words.filter((word, index) => index === 0 || !isParticle(word));
  if (given.length === 0) return null;
  return { surname: last.join('-'), given };
}

/** The same folded name for every way of writing it the same: `LeCun, Yann` and `Yann LeCun`, not `Y. LeCun`. */
export function authorKey(name: string): string | null {
  const parsed = parseAuthorName(name);
  return parsed ? `${parsed.given.map((word) => word.join('-')).join(' ')} ${parsed.surname}` : null;
}

function samePart(a: string, b: string): boolean {
  return a === b || (a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b));
}

function sameGiven(a: readonly string[], b: readonly string[]): boolean {
  if (a.join('') === b.join('')) return true;
  if (a.length === b.length) return a.every((part, index) => samePart(part, b[index] ?? ''));
  // `J.` for `Jean-Pierre`: one initial stands for the whole name.
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  const initial = short[0] ?? '';
  return short.length === 1 && initial.length === 1 && (long[0] ?? '').startsWith(initial);
}

/** Whether every name of `few` agrees with a name of `many`, in order (taking the earliest is enough). */
function alignsInOrder(few: readonly (readonly string[])[], many: readonly (readonly string[])[]): boolean {
  let next = 0;
  for (const word of few) {
    while (next < many.length && !sameGiven(word, many[next] ?? [])) next++;
    if (next === many.length) return false;
    next++;
  }
  return true;
}

/** The given names with the first `count` joined into one, when each is one word: `Jean Pierre` as `Jean-Pierre`. */
function joined(given: readonly (readonly string[])[], count: number): (readonly string[])[] | null {
  const first = given.slice(0, count);
  if (first.length < count || first.some((word) => word.length !== 1)) return null;
  return [first.flat(), ...given.slice(count)];
}

function givenAgree(a: readonly (readonly string[])[], b: readonly (readonly string[])[]): boolean {
  const [firstA, ...middleA] = a;
  const [firstB, ...middleB] = b;
  if (!firstA || !firstB) return false;
  if (sameGiven(firstA, firstB)) {
    return middleA.length <= middleB.length
      ? alignsInOrder(middleA, middleB)
      : alignsInOrder(middleB, middleA);
  }
  // A hyphenated first name written without its hyphen.
  const merged = firstA.length > 1 && firstB.length === 1 ? joined(b, firstA.length) : null;
  if (merged) return givenAgree(a, merged);
  const mergedA = firstB.length > 1 && firstA.length === 1 ? joined(a, firstB.length) : null;
  return mergedA !== null && givenAgree(mergedA, b);
}

export function sameAuthor(a: AuthorName, b: AuthorName): boolean {
  return a.surname === b.surname && givenAgree(a.given, b.given);
}

/** How many authors one target may follow. */
export const MAX_FOLLOWED = 50;
const MAX_NAME_LENGTH = 100;

/**
 * A name a user asks to follow, checked: a surname alone is refused, since it would match other people who
 * share it (and so is a one-word name). Throws UserError INPUT_INVALID saying what to type instead.
 */
export function followName(name: string): AuthorName {
  if (name.length > MAX_NAME_LENGTH) {
    throw new UserError(
      'INPUT_INVALID',
      `An author's name is at most ${MAX_NAME_LENGTH} characters. Give the name as arXiv lists it, such as Yann LeCun.`,
    );
  }
  const parsed = parseAuthorName(name);
  if (!parsed) {
    throw new UserError(
      'INPUT_INVALID',
      name.split(',').length > 2
        ? `"${name.slice(0, 40)}" has more than one comma. Give one name as First Last or Last, First, and separate several with semicolons.`
        : `"${name.slice(0, 40)}" has no given name. A surname alone would match everyone who shares it: give the full name (an initial is enough), such as Yann LeCun, Y. LeCun or LeCun, Yann.`,
    );
  }
  return parsed;
}

/**
 * The authors of one listing by surname, read once and shared by every digest made from it, so a target's
 * followed names cost a look-up each rather than a reading of every author of the day.
 */
export class AuthorIndex {
  readonly #bySurname = new Map<
    string,
    { paper: number; position: number; author: string; name: AuthorName }[]
  >();

  constructor(papers: readonly { readonly authors: readonly string[] }[]) {
    papers.forEach((paper, index) => {
      paper.authors.forEach((author, position) => {
        const name = parseAuthorName(author);
        if (!name) return;
        const same = this.#bySurname.get(name.surname) ?? [];
        same.push({ paper: index, position, author, name });
        this.#bySurname.set(name.surname, same);
      });
    });
  }

  /**
   * The papers (by their index in the listing) with a followed author, each with those authors as the paper
   * writes them, in its order. A followed name without a given name and a surname matches nothing.
   */
  find(followed: readonly string[]): Map<number, string[]> {
    const found = new Map<number, { position: number; author: string }[]>();
    for (const wanted of followed) {
      const name = parseAuthorName(wanted);
      if (!name) continue;
      for (const entry of this.#bySurname.get(name.surname) ?? []) {
        if (!sameAuthor(name, entry.name)) continue;
        const authors = found.get(entry.paper) ?? [];
        if (!authors.some((known) => known.position === entry.position)) authors.push(entry);
        found.set(entry.paper, authors);
      }
    }
    return new Map(
      [...found].map(([paper, authors]) => [
        paper,
        authors.sort((a, b) => a.position - b.position).map((entry) => entry.author),
      ]),
    );
  }
}
