import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../../src/arxiv/feed.ts';
import {
  AuthorIndex,
  authorKey,
  followName,
  parseAuthorName,
  sameAuthor,
} from '../../../src/digest/authors.ts';
import { UserError } from '../../../src/errors.ts';
import { texToText } from '../../../src/text/tex.ts';
import { describeWithSharedFixtures, readSharedFixture } from '../../support/shared-fixtures.ts';

function same(a: string, b: string): boolean {
  const x = parseAuthorName(a);
  const y = parseAuthorName(b);
  return x !== null && y !== null && sameAuthor(x, y);
}

describe('author names', () => {
  it('folds TeX escapes, accents and the letters NFKD keeps whole', () => {
    expect(authorKey("Zlatko Te\\v{s}anovi\\'c")).toBe('zlatko tesanovic');
    expect(authorKey("Benjamin Labb\\'e")).toBe(authorKey('Benjamin Labbé'));
    expect(authorKey('Przemys{\\l}aw Olbratowski')).toBe(authorKey('Przemyslaw Olbratowski'));
    expect(authorKey('Sofie Castro Holb{\\ae}k')).toBe(authorKey('Sofie Castro Holbaek'));
    expect(authorKey("Conan O'Brien")).toBe(authorKey('Conan OBrien'));
  });

  it('reads Last, First, initials, middle names and suffixes', () => {
    for (const form of [
      'Yann LeCun',
      'Y. LeCun',
      'Y LeCun',
      'LeCun, Yann',
      'LeCun, Y.',
      'Yann A. LeCun',
      'YANN LECUN',
    ])
      expect(same('Yann LeCun', form), form).toBe(true);
    expect(same('Kenneth M. Merz Jr', 'Merz, Kenneth')).toBe(true);
    expect(same('Kenneth M. Merz Jr', 'Merz, Jr., Kenneth M.')).toBe(true);
    expect(same('Yann A. LeCun', 'Yann B. LeCun')).toBe(false);
  });

  it('never matches on a surname alone', () => {
    expect(same('Yann LeCun', 'Zhang LeCun')).toBe(false);
    expect(same('Yann LeCun', 'Z. LeCun')).toBe(false);
    expect(same('Wei Zhang', 'Wen Zhang')).toBe(false);
    // Word order without a comma is as written.
    expect(same('Wei Zhang', 'Zhang Wei')).toBe(false);
    expect(parseAuthorName('LeCun')).toBeNull();
  });

  it('keeps a hyphenated given name one name', () => {
    for (const form of [
      'J.-P. Dupont',
      'J. -P. Dupont',
      'J.P. Dupont',
      'J. Dupont',
      'Jean Pierre Dupont',
      'Dupont, Jean-Pierre',
    ])
      expect(same('Jean-Pierre Dupont', form), form).toBe(true);
    expect(same('Jean-Pierre Dupont', 'Jean Dupont')).toBe(false);
    expect(same('Jean-Pierre Dupont', 'J.-M. Dupont')).toBe(false);
    expect(same('Xiao-Ping Zhang', 'Xiaoping Zhang')).toBe(true);
  });

  it('drops particles before the surname, written or not, in any case', () => {
    for (const form of [
      'W. van der Schee',
      'van der Schee, Wilke',
      'Schee, Wilke van der',
      'Wilke Van Der Schee',
      'Wilke Schee',
    ])
      expect(same('Wilke van der Schee', form), form).toBe(true);
    expect(same('Hugo Van hamme', 'Van hamme, Hugo')).toBe(true);
    // A first given name is never taken for a particle.
    expect(authorKey('Van Tran')).toBe('van tran');
  });

  it('refuses to follow a surname alone, with what to type instead', () => {
    expect(() => followName('LeCun')).toThrow(UserError);
    expect(() => followName('LeCun')).toThrow(/full name.*Yann LeCun/);
    expect(() => followName('LeCun, Yann, Geoffrey Hinton')).toThrow(/semicolons/);
    expect(followName('LeCun, Y.').surname).toBe('lecun');
  });

  it('finds the papers of followed authors, with those authors as each paper writes them', () => {
    const index = new AuthorIndex([
      { authors: ['Zhang LeCun', 'Geoffrey E. Hinton', 'Y. LeCun', 'Ada Hinton'] },
      { authors: ['Ada Lovelace'] },
      { authors: ['LeCun, Yann'] },
    ]);
    expect(index.find(['Yann LeCun', 'Hinton, Geoffrey', 'LeCun', 'LeCun, Y.'])).toEqual(
      new Map([
        [0, ['Geoffrey E. Hinton', 'Y. LeCun']],
        [2, ['LeCun, Yann']],
      ]),
    );
    expect(index.find([])).toEqual(new Map());
  });
});

/** A name's parts as a person would write them: given names, surname with its particles, a suffix. */
function split(name: string): { given: string[]; family: string } | null {
  const words = texToText(name).split(/\s+/u);
  let end = words.length;
  if (end > 2 && /^(jr|sr|ii|iii|iv)\.?$/iu.test(words[end - 1] ?? '')) end--;
  let start = end - 1;
  while (start > 1 && /^(van|von|der|den|de|del|da|dos|du|di|la|le|ter|ten)$/iu.test(words[start - 1] ?? ''))
    start--;
  const given = words.slice(0, start);
  if (given.length === 0) return null;
  return { given, family: words.slice(start).join(' ') };
}

/** `Jean-Pierre Yann` as `J.-P. Y.`. */
const initials = (given: readonly string[]) =>
  given
    .map((word) =>
      word
        .split('-')
        .map((part) => `${[...part][0] ?? ''}.`)
        .join('-'),
    )
    .join(' ');

describeWithSharedFixtures('author names of a recorded listing (aioarxiv RSS)', () => {
  const feed = parseFeed(readSharedFixture('arxiv/rss/aioarxiv_rss_mock_feed.xml'));
  const authors = [...new Set(feed.papers.flatMap((paper) => paper.authors))];

  it('matches each author by their name, its initials form and its Last, First form', () => {
    const oneWord = authors.filter((author) => split(author) === null);
    const failures: string[] = [];
    for (const author of authors) {
      const parts = split(author);
      if (!parts) continue;
      const forms = [
        author,
        `${initials(parts.given)} ${parts.family}`,
        `${parts.family}, ${parts.given.join(' ')}`,
      ];
      for (const form of forms) if (!same(form, author)) failures.push(`${form} / ${author}`);
    }
    console.info(
      `${authors.length} authors; ${oneWord.length} written as one word (cannot be followed): ${oneWord.join(', ')}`,
    );
    expect(authors.length).toBeGreaterThan(5000);
    expect(failures).toEqual([]);
  });

  it('never matches two authors who share only a surname', () => {
    const bySurname = new Map<string, string[]>();
    for (const author of authors) {
      const parsed = parseAuthorName(author);
      if (parsed) bySurname.set(parsed.surname, [...(bySurname.get(parsed.surname) ?? []), author]);
    }
    // Only a surname in common: first given names neither equal (hyphens aside) nor one the initial of the other.
    const firstName = (author: string) =>
      (split(author)?.given[0] ?? '')
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z]/gu, '');
    const onlySurname = (a: string, b: string) => {
      const [x, y] = [firstName(a), firstName(b)];
      return x !== y && !(x.length === 1 && y.startsWith(x)) && !(y.length === 1 && x.startsWith(y));
    };
    const pairs: [string, string][] = [];
    for (const group of bySurname.values())
      for (let i = 0; i < group.length; i++)
        for (let j = i + 1; j < group.length; j++) {
          const [a, b] = [group[i] as string, group[j] as string];
          if (onlySurname(a, b)) pairs.push([a, b]);
        }
    const index = new AuthorIndex(authors.map((author) => ({ authors: [author] })));
    const at = new Map(authors.map((author, position) => [author, position]));
    const matched = pairs.filter(([a, b]) => same(a, b) || index.find([a]).has(at.get(b) ?? -1));
    const initialOnly = pairs.filter(([a, b]) => firstName(a)[0] !== firstName(b)[0]).length;
    console.info(
      `${pairs.length} pairs of authors share only a surname (${initialOnly} with different initials, ${pairs.length - initialOnly} with the same initial), e.g. ${pairs
        .slice(0, 5)
        .map((pair) => pair.join(' / '))
        .join('; ')}`,
    );
    expect(pairs.length).toBeGreaterThan(100);
    expect(matched).toEqual([]);
  });
});
