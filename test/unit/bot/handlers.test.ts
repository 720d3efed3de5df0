import { describe, expect, it } from 'vitest';
import { mergeQueries, removeTerms } from '../../../src/bot/commands/handlers.ts';
import { type KeywordQuery, parseKeywordQuery, QUERY_LIMITS } from '../../../src/digest/query.ts';
import { UserError } from '../../../src/errors.ts';

const query = (text: string): KeywordQuery => parseKeywordQuery(text);
const texts = (q: KeywordQuery | null) =>
  q && {
    terms: q.terms.map((t) => (t.exact ? `"${t.text}"` : t.text)),
    exclude: q.exclude.map((t) => t.text),
  };

function refusal(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a refusal');
}

describe('mergeQueries', () => {
  it('takes the new terms as they are when there were none', () => {
    expect(mergeQueries(null, query('LLM, "mixture of experts", -survey'))).toEqual(
      query('LLM, "mixture of experts", -survey'),
    );
  });

  it('adds new terms after the old ones, and none twice (case does not matter; the first spelling stays)', () => {
    const merged = mergeQueries(query('LLM, agents, -survey'), query('llm, Diffusion, -SURVEY, -news'));
    expect(texts(merged)).toEqual({ terms: ['LLM', 'agents', 'Diffusion'], exclude: ['survey', 'news'] });
    // A term already followed keeps its form: adding it quoted does not make it exact.
    expect(texts(mergeQueries(query('agents'), query('"AGENTS"')))).toEqual({
      terms: ['agents'],
      exclude: [],
    });
  });

  it('lets a new term override its opposite: a wanted term stops being excluded and back', () => {
    expect(texts(mergeQueries(query('LLM, -survey'), query('survey')))).toEqual({
      terms: ['LLM', 'survey'],
      exclude: [],
    });
    expect(
      texts(mergeQueries(query('LLM, survey'), { terms: [], exclude: [{ text: 'Survey', exact: false }] })),
    ).toEqual({
      terms: ['LLM'],
      exclude: ['Survey'],
    });
  });

  it('refuses to leave only exclusions', () => {
    const onlyExclusion: KeywordQuery = { terms: [], exclude: [{ text: 'llm', exact: false }] };
    const error = refusal(() => mergeQueries(query('LLM'), onlyExclusion));
    expect(error.code).toBe('QUERY_INVALID');
    expect(error.userMessage).toBe('A digest needs at least one term to look for, not only exclusions.');
    // Excluding a followed term while adding another is fine.
    expect(texts(mergeQueries(query('LLM'), query('agents, -llm')))).toEqual({
      terms: ['agents'],
      exclude: ['llm'],
    });
  });

  it('refuses more terms than the limit, counting exclusions, and says how to make room', () => {
    const many = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => `term${from + i}`).join(', ');
    const full = query(`${many(0, QUERY_LIMITS.maxTerms - 1)}, -excluded`);
    expect(mergeQueries(full, query('term0')).terms).toHaveLength(QUERY_LIMITS.maxTerms - 1);
    const error = refusal(() => mergeQueries(full, query('one more')));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.userMessage).toBe(
      `That would make ${QUERY_LIMITS.maxTerms + 1} terms; the limit is ${QUERY_LIMITS.maxTerms}. Remove some with /arxiv unsubscribe <terms>.`,
    );
  });
});

describe('removeTerms', () => {
  it('removes named terms, wanted or excluded, ignoring case, and keeps the rest in order', () => {
    const existing = query('LLM, "mixture of experts", agents, -survey, -news');
    expect(texts(removeTerms(existing, ['mixture of EXPERTS', 'News'], 'channel'))).toEqual({
      terms: ['LLM', 'agents'],
      exclude: ['survey'],
    });
    expect(existing.terms).toHaveLength(3);
  });

  it('gives null when no wanted term is left, dropping the exclusions with them', () => {
    expect(removeTerms(query('LLM, -survey'), ['llm'], 'channel')).toBeNull();
    expect(removeTerms(query('LLM, agents'), ['LLM', 'agents'], 'user')).toBeNull();
  });

  it('removes everything for all, whether or not anything was followed', () => {
    expect(removeTerms(query('LLM, -survey'), 'all', 'channel')).toBeNull();
    expect(removeTerms(null, 'all', 'user')).toBeNull();
  });

  it('refuses when nothing is followed, in the words of the scope', () => {
    const channel = refusal(() => removeTerms(null, ['LLM'], 'channel'));
    expect(channel.code).toBe('INPUT_INVALID');
    expect(channel.userMessage).toBe('This channel follows no terms yet.');
    expect(refusal(() => removeTerms(null, ['LLM'], 'user')).userMessage).toBe(
      'Your digest follows no terms yet.',
    );
  });

  it('refuses names it does not follow, listing them and what is followed, and removes nothing', () => {
    const existing = query('LLM, "mixture of experts", -survey');
    const error = refusal(() => removeTerms(existing, ['LLM', 'Agents', 'mixture'], 'user'));
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.userMessage).toBe(
      'Your digest does not follow "agents", "mixture". It follows: LLM, "mixture of experts", -survey.',
    );
  });
});
