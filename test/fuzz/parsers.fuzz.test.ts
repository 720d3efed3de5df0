/**
 * Fuzz of the argument parsers: the keyword query language (and its round trip through formatKeywordQuery),
 * categories, the daily time and time zone, paper references, and the terms of search and subscriptions.
 * Each returns a well-formed value or throws a UserError, never anything else. See fuzz.ts for the seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArxivId, versionedId } from '../../src/arxiv/paper.ts';
import { CATEGORIES, canonicalCategory } from '../../src/arxiv/taxonomy.ts';
import { parseCategoryList } from '../../src/bot/commands/categories.ts';
import { parsePaperRef } from '../../src/bot/commands/paper-ref.ts';
import { parseLocalTime, parseSchedule, parseTimeZone } from '../../src/bot/commands/schedule.ts';
import {
  parseSearchText,
  parseSubscriptionTerms,
  parseUnsubscribeTerms,
} from '../../src/bot/commands/terms.ts';
import {
  formatKeywordQuery,
  type KeywordQuery,
  parseKeywordQuery,
  QUERY_LIMITS,
  type QueryTerm,
  queryFromConfig,
} from '../../src/digest/query.ts';
import { UserError, type UserErrorCode } from '../../src/errors.ts';
import { fuzz, hostileLine, hostilePiece, hostileText } from './fuzz.ts';

/** Runs `parse`; its value, or null when it threw a UserError with one of `codes`. Anything else fails. */
function valueOrUserError<T>(parse: () => T, codes: readonly UserErrorCode[]): T | null {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    expect(codes, error.userMessage).toContain(error.code);
    expect(error.userMessage.length, error.userMessage).toBeLessThan(600);
    return null;
  }
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function resolvesToItself(zone: string): boolean {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone === zone;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Keyword queries
// ---------------------------------------------------------------------------------------------------------

/** A word of a term: letters and digits of several scripts, with the punctuation terms may hold. */
const termWord = fc.oneof(
  fc.constantFrom(
    'LLM',
    'llm',
    'RL',
    'agents',
    'mixture',
    'of',
    'experts',
    'C++',
    'C#',
    'GPT-4',
    'x',
    'news',
    'Ω',
    'café',
    '量子',
    'عربي',
    '2024',
    'k-means',
    "Bayes'",
    'a.b',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
);

/** A term as people write it in a query: words, maybe quoted, maybe excluded, with stray spaces. */
const writtenTerm = fc
  .tuple(
    fc.array(termWord, { minLength: 1, maxLength: 4 }),
    fc.constantFrom('', '', '', '-', '- '),
    fc.boolean(),
    fc.constantFrom(' ', '  ', '\t', '\u00a0'),
  )
  .map(([words, minus, quoted, space]) => {
    const text = words.join(space);
    return `${minus}${quoted ? `"${text}"` : text}`;
  });

/** Query text: written terms joined by commas, or hostile text. */
const queryText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.array(writtenTerm, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(', ', ',', ' , ', ',\u3000'),
      )
      .map(([terms, comma]) => terms.join(comma)),
  },
  { weight: 1, arbitrary: hostileText },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.oneof(writtenTerm, hostilePiece), { maxLength: 8 })
      .map((pieces) => pieces.join(',')),
  },
);

/** The terms of a query as the parser keeps them: trimmed, whitespace collapsed, a letter or digit in each. */
const queryTerm: fc.Arbitrary<QueryTerm> = fc
  .record({ words: fc.array(termWord, { minLength: 1, maxLength: 4 }), exact: fc.boolean() })
  .map(({ words, exact }) => ({ text: words.join(' ').replace(/\s+/gu, ' ').trim(), exact }))
  .filter(({ text, exact }) => {
    if (text === '' || text.length > QUERY_LIMITS.maxTermLength || !/[\p{L}\p{N}]/u.test(text)) return false;
    if (/[",]/.test(text)) return false;
    return exact || (!text.startsWith('-') && !text.includes(' -'));
  });

const termKey = (term: QueryTerm) => `${term.exact ? '=' : '~'}${term.text.toLowerCase()}`;

/** A query the parser could have made: no repeats, nothing both wanted and excluded, at least one term. */
const keywordQuery: fc.Arbitrary<KeywordQuery> = fc
  .tuple(
    fc.uniqueArray(queryTerm, { minLength: 1, maxLength: 10, selector: termKey }),
    fc.uniqueArray(queryTerm, { maxLength: 5, selector: termKey }),
  )
  .map(([terms, exclude]) => {
    const wanted = new Set(terms.map(termKey));
    return { terms, exclude: exclude.filter((term) => !wanted.has(termKey(term))) };
  });

describe('the keyword query language', () => {
  it('reads any text as a query that formats and reads back the same, or refuses it with QUERY_INVALID', async () => {
    await fuzz(
      fc.property(queryText, (text) => {
        const query = valueOrUserError(() => parseKeywordQuery(text), ['QUERY_INVALID']);
        if (query === null) return;
        expect(query.terms.length).toBeGreaterThan(0);
        expect(query.terms.length + query.exclude.length).toBeLessThanOrEqual(QUERY_LIMITS.maxTerms);
        const formatted = formatKeywordQuery(query);
        expect(parseKeywordQuery(formatted), formatted).toEqual(query);
      }),
      2000,
    );
  });

  it('formats any query it could have made to text that reads back as that query', async () => {
    await fuzz(
      fc.property(keywordQuery, (query) => {
        const formatted = formatKeywordQuery(query);
        expect(parseKeywordQuery(formatted), formatted).toEqual(query);
      }),
      1000,
    );
  });

  it("reads config.json's keyword lists as a query that formats and reads back the same, or refuses them", async () => {
    const entries = fc.array(fc.oneof(writtenTerm, hostileLine), { maxLength: 6 });
    await fuzz(
      fc.property(entries, entries, (keywords, exclude) => {
        const query = valueOrUserError(() => queryFromConfig(keywords, exclude), ['QUERY_INVALID']);
        if (query === null) return;
        expect(parseKeywordQuery(formatKeywordQuery(query))).toEqual(query);
      }),
      1000,
    );
  });

  it('reads search and subscription terms, or refuses them with a UserError', async () => {
    await fuzz(
      fc.property(fc.oneof(queryText, hostileText), (text) => {
        const search = valueOrUserError(() => parseSearchText(text), ['QUERY_INVALID']);
        if (search !== null) expect(search.trim()).not.toBe('');
        const subscribe = valueOrUserError(() => parseSubscriptionTerms(text), ['QUERY_INVALID']);
        if (subscribe !== null) expect(parseKeywordQuery(formatKeywordQuery(subscribe))).toEqual(subscribe);
        const unsubscribe = valueOrUserError(() => parseUnsubscribeTerms(text), ['QUERY_INVALID']);
        if (unsubscribe !== null && unsubscribe !== 'all') expect(unsubscribe.length).toBeGreaterThan(0);
      }),
      1000,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Categories, time, time zone, paper references
// ---------------------------------------------------------------------------------------------------------

const CODES = Object.keys(CATEGORIES);

/** A category as people type it: arXiv's code in any case, an archive, a typo, or hostile text. */
const categoryWord = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...CODES) },
  { weight: 2, arbitrary: fc.constantFrom(...CODES).chain((code) => fc.mixedCase(fc.constant(code))) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('cs.XX', 'cs', 'cs.', '.AI', 'cs.AI.', 'ｃｓ．ＡＩ', 'math.gt', 'hep_th'),
  },
  { weight: 1, arbitrary: hostilePiece },
);

const categoryText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.array(categoryWord, { maxLength: 8 }), fc.constantFrom(', ', ' ', ';', ',', '", "', '\n'))
      .map(([codes, separator]) => codes.join(separator)),
  },
  { weight: 1, arbitrary: fc.array(categoryWord, { maxLength: 5 }).map((codes) => JSON.stringify(codes)) },
  { weight: 1, arbitrary: hostileText },
);

/** A time as people type it. */
const timeText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.integer({ min: -1, max: 30 }),
        fc.option(fc.integer({ min: 0, max: 75 })),
        fc.constantFrom('', 'am', 'pm', ' am', ' p.m.', 'PM', ' A.M.', 'h'),
        fc.constantFrom(':', '：', '.', ''),
        fc.boolean(),
      )
      .map(([hour, minute, meridiem, colon, pad]) => {
        const h = pad ? String(hour).padStart(2, '0') : String(hour);
        return `${h}${minute === null ? '' : `${colon}${String(minute).padStart(2, '0')}`}${meridiem}`;
      }),
  },
  { weight: 1, arbitrary: hostileLine },
);

/** A time zone as people type it. */
const zoneText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...Intl.supportedValuesOf('timeZone'))
      .chain((zone) =>
        fc.oneof(
          fc.constant(zone),
          fc.mixedCase(fc.constant(zone)),
          fc.constant(zone.slice(zone.lastIndexOf('/') + 1).replace(/_/g, ' ')),
          fc.constant(zone.slice(0, -1)),
        ),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'UTC',
      'gmt',
      'UTC+2',
      '+02:00',
      '−5',
      'EST',
      'CET',
      'Etc/GMT+5',
      'US/Pacific',
      'new york',
      'Mars/Olympus',
      '/',
      'Europe/',
      'Europe//Berlin',
      '../../etc/passwd',
    ),
  },
  { weight: 1, arbitrary: hostileLine },
);

/** A paper reference as people paste it. */
const paperText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.oneof(
          fc
            .tuple(
              fc.integer({ min: 0, max: 9999 }),
              fc.integer({ min: 0, max: 99999 }),
              fc.constantFrom(4, 5),
            )
            .map(
              ([yymm, number, digits]) =>
                `${String(yymm).padStart(4, '0')}.${String(number).padStart(digits, '0')}`,
            ),
          fc.constantFrom(
            'hep-th/9504118',
            'math.GT/0309136',
            'HEP-TH/9504118',
            'math.gt/0309136',
            'cs/0112017',
            'q-bio.NC/0401001',
          ),
        ),
        fc.constantFrom('', 'v1', 'v2', 'V3', 'v0', 'v99999999999'),
        fc.constantFrom(
          '',
          'arXiv:',
          'arxiv: ',
          'https://arxiv.org/abs/',
          'http://export.arxiv.org/pdf/',
          'arxiv.org/html/',
          'https://evil.example/abs/',
          'https://arxiv.org.evil.example/abs/',
          'https://user@arxiv.org/abs/',
          'https://arxiv.org/list/',
        ),
        fc.constantFrom('', '', '.pdf', '?context=cs', '#section', '/', ' '),
      )
      .map(([id, version, head, tail]) => `${head}${id}${version}${tail}`),
  },
  { weight: 1, arbitrary: hostileLine },
);

describe('the argument parsers', () => {
  it('read categories as known codes in arXiv spelling, each once, that read back the same; or refuse them', async () => {
    await fuzz(
      fc.property(categoryText, (text) => {
        const codes = valueOrUserError(() => parseCategoryList(text), ['INPUT_INVALID']);
        if (codes === null) return;
        expect(codes.length).toBeGreaterThan(0);
        expect(new Set(codes).size).toBe(codes.length);
        for (const code of codes) expect(canonicalCategory(code)).toBe(code);
        expect(parseCategoryList(codes.join(', '))).toEqual(codes);
        expect(parseCategoryList(codes.join(' '))).toEqual(codes);
      }),
      1000,
    );
  });

  it('read a time as HH:MM that reads back the same, or refuse it', async () => {
    await fuzz(
      fc.property(timeText, (text) => {
        const time = valueOrUserError(() => parseLocalTime(text), ['INPUT_INVALID']);
        if (time === null) return;
        expect(time).toMatch(HHMM);
        expect(parseLocalTime(time)).toBe(time);
      }),
      2000,
    );
  });

  it('read a time zone as a zone Intl knows by that name, that reads back the same, or refuse it', async () => {
    await fuzz(
      fc.property(zoneText, (text) => {
        const zone = valueOrUserError(() => parseTimeZone(text), ['INPUT_INVALID']);
        if (zone === null) return;
        expect(resolvesToItself(zone), zone).toBe(true);
        expect(parseTimeZone(zone)).toBe(zone);
      }),
      300,
    );
  });

  it('read a schedule as a valid time and zone (or neither), or refuse it', async () => {
    const words = fc.array(fc.oneof(timeText, zoneText), { maxLength: 4 }).map((parts) => parts.join(' '));
    await fuzz(
      fc.property(fc.oneof(words, hostileLine), (text) => {
        const schedule = valueOrUserError(() => parseSchedule(text), ['INPUT_INVALID', 'USAGE']);
        if (schedule === null) return;
        if (schedule.time !== null) expect(schedule.time).toMatch(HHMM);
        if (schedule.timeZone !== null) expect(resolvesToItself(schedule.timeZone)).toBe(true);
      }),
      300,
    );
  });

  it('read a paper reference as an arXiv id that reads back the same, or refuse it', async () => {
    await fuzz(
      fc.property(paperText, (text) => {
        const paper = valueOrUserError(() => parsePaperRef(text), ['INPUT_INVALID']);
        if (paper === null) return;
        const id = versionedId(paper);
        expect(parseArxivId(id)).toEqual(paper);
        expect(parsePaperRef(id)).toEqual(paper);
        expect(parsePaperRef(`https://arxiv.org/abs/${id}`)).toEqual(paper);
      }),
      2000,
    );
  });
});
