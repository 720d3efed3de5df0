import { describe, expect, it } from 'vitest';
import {
  formatKeywordQuery,
  type KeywordQuery,
  parseKeywordQuery,
  QUERY_LIMITS,
  queryFromConfig,
} from '../../../src/digest/query.ts';
import { UserError } from '../../../src/errors.ts';

function queryError(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('QUERY_INVALID');
    return error as UserError;
  }
  throw new Error('expected a QUERY_INVALID error');
}

describe('parseKeywordQuery', () => {
  it('reads comma-separated terms, phrases, exact quotes and exclusions', () => {
    expect(parseKeywordQuery('LLM, mixture of experts, "news", -survey, -"systematic review"')).toEqual({
      terms: [
        { text: 'LLM', exact: false },
        { text: 'mixture of experts', exact: false },
        { text: 'news', exact: true },
      ],
      exclude: [
        { text: 'survey', exact: false },
        { text: 'systematic review', exact: true },
      ],
    });
  });

  it('collapses whitespace, trims, and keeps the spelling as written', () => {
    expect(parseKeywordQuery('  Large \n  Language   Model ,  - RL  ,"  C++  "')).toEqual({
      terms: [
        { text: 'Large Language Model', exact: false },
        { text: 'C++', exact: true },
      ],
      exclude: [{ text: 'RL', exact: false }],
    });
  });

  it('keeps a repeated term once, whatever its case', () => {
    expect(parseKeywordQuery('LLM, llm, agents, -survey, -Survey').terms.map((t) => t.text)).toEqual([
      'LLM',
      'agents',
    ]);
    expect(parseKeywordQuery('LLM, "LLM"').terms).toHaveLength(2);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['LLM,,agents', 'Term 2 is empty'],
    ['LLM, agents,', 'Term 3 is empty'],
    ['"mixture of experts', 'unbalanced quote'],
    ['LLM, "mixture of experts, agents', 'holds a comma'],
    ['"mixture, of experts"', 'holds a comma'],
    ['LLM, mixture "of" experts', 'quote inside it'],
    ['"mixture of" experts', 'outside its quotes'],
    ['-', 'lone "-"'],
    ['LLM, -', 'lone "-"'],
    ['LLM, ""', 'empty quoted phrase'],
    ['LLM, ---', 'no letter or digit'],
    ['LLM, --survey', 'starts with "-" twice'],
    ['LLM -survey', 'has a "-" inside it'],
    ['-survey, -review', 'only excludes'],
    ['LLM, agents, -llm', 'both wanted and excluded'],
  ])('refuses %j (%s), saying what is wrong and the right form', (text, problem) => {
    const error = queryError(() => parseKeywordQuery(text));
    expect(error.userMessage).toContain(problem);
  });

  it('shows the right form in the message', () => {
    expect(queryError(() => parseKeywordQuery('LLM,,x')).userMessage).toContain(
      'like: LLM, "mixture of experts", -survey',
    );
  });

  it('bounds the number of terms', () => {
    const terms = Array.from({ length: QUERY_LIMITS.maxTerms }, (_, i) => `term${i}`);
    expect(parseKeywordQuery(terms.join(', ')).terms).toHaveLength(QUERY_LIMITS.maxTerms);
    const error = queryError(() => parseKeywordQuery([...terms, 'one more'].join(', ')));
    expect(error.userMessage).toContain(`limit is ${QUERY_LIMITS.maxTerms}`);
  });

  it('quotes a faulty term short: whitespace collapsed, a long one cut (found by the fuzz, test/fuzz)', () => {
    // A short term padded with spaces passes the chat's length check, and its message echoed every space.
    const padded = queryError(() => parseKeywordQuery(`search${' '.repeat(900)}--SHARE`));
    expect(padded.userMessage).toContain('Term 1 (search --SHARE) has a "-" inside it');
    expect(padded.userMessage.length).toBeLessThan(300);
    const long = queryError(() => parseKeywordQuery(`${'a'.repeat(5000)} "x"`));
    expect(long.userMessage).toContain('quote inside it');
    expect(long.userMessage.length).toBeLessThan(400);
  });

  it('bounds the length of a term', () => {
    const longest = 'a'.repeat(QUERY_LIMITS.maxTermLength);
    expect(parseKeywordQuery(longest).terms[0]?.text).toBe(longest);
    const error = queryError(() => parseKeywordQuery(`LLM, ${longest}b`));
    expect(error.userMessage).toContain(`${QUERY_LIMITS.maxTermLength + 1} characters`);
  });
});

describe('queryFromConfig', () => {
  it('takes the classic keys: each entry one term, exclusions from exclude_keywords', () => {
    expect(queryFromConfig(['large language model', 'LLM', '"news"'], ['survey', '-review'])).toEqual({
      terms: [
        { text: 'large language model', exact: false },
        { text: 'LLM', exact: false },
        { text: 'news', exact: true },
      ],
      exclude: [
        { text: 'survey', exact: false },
        { text: 'review', exact: false },
      ],
    });
  });

  it('names the config key of a bad entry', () => {
    expect(queryError(() => queryFromConfig(['LLM', 'agents, tools'], [])).userMessage).toContain(
      'keywords[1] (agents, tools) holds a comma',
    );
    expect(queryError(() => queryFromConfig(['LLM', '-survey'], [])).userMessage).toContain(
      'exclude_keywords',
    );
    expect(queryError(() => queryFromConfig(['LLM'], ['"open'])).userMessage).toContain(
      'exclude_keywords[0] ("open) has an unbalanced quote',
    );
    expect(queryError(() => queryFromConfig(['LLM'], ['LLM'])).userMessage).toContain(
      'both wanted and excluded',
    );
  });

  it('refuses a config without keywords', () => {
    expect(queryError(() => queryFromConfig([], ['survey'])).userMessage).toContain('no "keywords"');
  });
});

describe('formatKeywordQuery', () => {
  it('writes a query back in the language', () => {
    const query: KeywordQuery = {
      terms: [
        { text: 'LLM', exact: false },
        { text: 'mixture of experts', exact: false },
        { text: 'news', exact: true },
      ],
      exclude: [
        { text: 'survey', exact: false },
        { text: 'systematic review', exact: true },
      ],
    };
    expect(formatKeywordQuery(query)).toBe('LLM, mixture of experts, "news", -survey, -"systematic review"');
  });

  it.each(['LLM', 'C++, C#, GPT-4o, -"x-ray"', '"-odd", "a b"', 'Schrödinger, état de l’art'])(
    'round-trips %j through parse and format',
    (text) => {
      const query = parseKeywordQuery(text);
      expect(parseKeywordQuery(formatKeywordQuery(query))).toEqual(query);
    },
  );

  it('round-trips a config query', () => {
    const query = queryFromConfig(['large language model', 'C++'], ['survey', '"meta-analysis"']);
    expect(parseKeywordQuery(formatKeywordQuery(query))).toEqual(query);
  });
});
