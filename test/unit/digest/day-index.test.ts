import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Paper } from '../../../src/arxiv/paper.ts';
import { DAY_INDEX_SCHEMA, DayIndex, type RankOptions, WORD_RULES } from '../../../src/digest/day-index.ts';
import { ListingIndex } from '../../../src/digest/listing-index.ts';
import { type KeywordQuery, parseKeywordQuery } from '../../../src/digest/query.ts';
import { Vocabulary } from '../../../src/digest/vocabulary.ts';
import { fuzz } from '../../fuzz/fuzz.ts';
import { makePaper } from './papers.ts';
import { NaiveMatcher } from './reference-matcher.ts';

/** Words chosen to meet the rules: plurals both ways, `ss` words, `C++`/`C#`, accents, digits. */
const WORDS = [
  'graph',
  'graphs',
  'agent',
  'agents',
  'news',
  'new',
  'class',
  'model',
  'models',
  'language',
  'large',
  'C++',
  'C',
  'C#',
  'Schrödinger',
  'schrodinger',
  'GPT-4',
  'of',
  'the',
  'mixture',
  'experts',
];
const CATEGORIES = ['cs.AI', 'cs.LG', 'math.OC', 'astro-ph.GA', 'stat.ML'];

const text = (min: number, max: number) =>
  fc.array(fc.constantFrom(...WORDS), { minLength: min, maxLength: max }).chain((chosen) =>
    fc
      .array(fc.constantFrom(' ', ', ', '-', '\n', '. '), {
        minLength: chosen.length,
        maxLength: chosen.length,
      })
      .map((separators) => chosen.map((word, i) => `${word}${separators[i]}`).join('')),
  );

const papers = fc
  .array(
    fc.record({
      title: text(0, 5),
      abstract: text(0, 25),
      categories: fc.subarray(CATEGORIES, { minLength: 1 }),
      month: fc.integer({ min: 1, max: 12 }),
    }),
    { maxLength: 25 },
  )
  .map((drawn) =>
    drawn.map((paper, index) =>
      makePaper({
        id: `24${String(paper.month).padStart(2, '0')}.${String(index).padStart(5, '0')}`,
        title: paper.title,
        abstract: paper.abstract,
        categories: paper.categories,
      }),
    ),
  );

const term = fc
  .tuple(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([chosen, exact]) => ({ text: chosen.join(' '), exact }));

/** Queries made directly (the parser refuses some combinations, such as a term both wanted and excluded). */
const queries: fc.Arbitrary<KeywordQuery> = fc.record({
  terms: fc.array(term, { minLength: 1, maxLength: 4 }),
  exclude: fc.array(term, { maxLength: 2 }),
});

const options = fc.record({
  categories: fc.subarray(['cs', 'cs.LG', 'math.OC', 'astro-ph'], { maxLength: 2 }),
  minScore: fc.constantFrom(0, 1, 1.5),
  maxPapers: fc.constantFrom(undefined, 3),
}) as fc.Arbitrary<RankOptions>;

/** A day index's ranking with papers, as ListingIndex and the naive scan give it. */
function ranked(index: DayIndex, listing: readonly Paper[], query: KeywordQuery, rankOptions: RankOptions) {
  return index.rank(query, rankOptions).map((entry) => ({
    paper: listing[entry.row] as Paper,
    score: entry.score,
    titleHits: entry.titleHits,
    matchedTerms: entry.matchedTerms,
    summary: null,
  }));
}

/** Through JSON, as Keyv stores it. */
const roundTrip = (index: DayIndex) => JSON.parse(JSON.stringify(index.toStored())) as unknown;

describe('the day index', () => {
  it('ranks as the naive scan does, built, stored and read back into a vocabulary shared with other days', async () => {
    await fuzz(
      fc.property(papers, papers, queries, options, (day, other, query, rankOptions) => {
        const expected = new NaiveMatcher(day).rank(query, rankOptions);
        const built = DayIndex.fromPapers(day, 'word', new Vocabulary());
        expect(ranked(built, day, query, rankOptions)).toEqual(expected);

        // Another day numbered first, so this day's words get other ids than when built.
        const shared = new Vocabulary();
        DayIndex.fromPapers(other, 'word', shared);
        const restored = DayIndex.restore(
          roundTrip(built),
          day.map((paper) => paper.id),
          shared,
        );
        if (typeof restored === 'string') throw new Error(restored);
        expect(ranked(restored, day, query, rankOptions)).toEqual(expected);
        expect(restored.count(rankOptions.categories)).toBe(built.count(rankOptions.categories));
      }),
      150,
    );
  });

  it('ranks the same after its vocabulary is compacted', async () => {
    await fuzz(
      fc.property(papers, papers, queries, (dropped, kept, query) => {
        const vocabulary = new Vocabulary();
        DayIndex.fromPapers(dropped, 'word', vocabulary);
        const index = DayIndex.fromPapers(kept, 'word', vocabulary);
        const used = new Uint8Array(vocabulary.size);
        index.markWords(used);
        const compacted = vocabulary.compact(used);
        index.remap(compacted.vocabulary, compacted.ids);
        expect(compacted.vocabulary.size).toBe(index.wordCount);
        expect(ranked(index, kept, query, {})).toEqual(new NaiveMatcher(kept).rank(query));
      }),
      60,
    );
  });

  it('ranks in substring mode as the naive scan does, and stores nothing', () => {
    const day = [
      makePaper({ id: '2411.00001', title: 'Transformers', abstract: 'A transformer.' }),
      makePaper({ id: '2411.00002', title: 'Other', abstract: 'Information transformation.' }),
    ];
    const index = DayIndex.fromPapers(day, 'substring', new Vocabulary());
    const query = parseKeywordQuery('transform, other');
    expect(ranked(index, day, query, {})).toEqual(new NaiveMatcher(day, 'substring').rank(query));
    expect(index.toStored()).toBeNull();
  });

  it('skips the rows it is told to', () => {
    const day = [
      makePaper({ id: '2411.00001', title: 'Graph one' }),
      makePaper({ id: '2411.00002', title: 'Graph two' }),
    ];
    const index = DayIndex.fromPapers(day, 'word', new Vocabulary());
    const rows = index
      .rank(parseKeywordQuery('graph'), {}, Uint8Array.from([0, 1]))
      .map((entry) => entry.row);
    expect(rows).toEqual([0]);
  });

  describe('read back from the store', () => {
    const day = [
      makePaper({ id: '2411.00001', title: 'Graph networks', categories: ['cs.LG'] }),
      makePaper({ id: 'hep-th/9504118', title: 'Strings', abstract: 'On strings.', categories: ['hep-th'] }),
    ];
    const ids = day.map((paper) => paper.id);
    const stored = () =>
      roundTrip(DayIndex.fromPapers(day, 'word', new Vocabulary())) as Record<string, unknown>;

    /** One character of the packed occurrences changed. */
    const damaged = () => {
      const record = stored();
      const positions = String(record.positions);
      return {
        ...record,
        positions: `${positions.slice(0, 2)}${positions[2] === 'A' ? 'B' : 'A'}${positions.slice(3)}`,
      };
    };

    it('serves when all is in order (in whatever order the announcement lists the papers)', () => {
      const index = DayIndex.restore(stored(), [...ids].reverse(), new Vocabulary());
      expect(typeof index).not.toBe('string');
      expect((index as DayIndex).rank(parseKeywordQuery('string')).map((entry) => entry.row)).toEqual([1]);
    });

    it.each([
      ['missing', () => undefined, 'no stored index'],
      ['of another schema', () => ({ ...stored(), schemaVersion: DAY_INDEX_SCHEMA + 1 }), 'schema'],
      ['made with other word rules', () => ({ ...stored(), rules: `0/${WORD_RULES}` }), 'word rules'],
      ['incomplete', () => ({ ...stored(), positions: undefined }), 'incomplete'],
      ['damaged', () => damaged(), 'checksum'],
    ])('gives the reason when %s', (_, record, reason) => {
      expect(DayIndex.restore(record(), ids, new Vocabulary())).toContain(reason);
    });

    it('gives the reason when it covers other papers than the announcement', () => {
      expect(DayIndex.restore(stored(), [...ids, '2411.00003'], new Vocabulary())).toContain('other papers');
      expect(DayIndex.restore(stored(), ['2411.00001'], new Vocabulary())).toContain('other papers');
    });
  });

  it('keeps ListingIndex answering with its papers', () => {
    const day = [makePaper({ id: '2411.00001', title: 'Graph networks' })];
    const listing = new ListingIndex(day);
    expect(listing.rank(parseKeywordQuery('graph'))[0]?.paper).toBe(day[0]);
    expect(listing.day.id(0)).toBe('2411.00001');
  });
});
