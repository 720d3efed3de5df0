import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Paper } from '../../../src/arxiv/paper.ts';
import type { RankedPaper } from '../../../src/digest/listing-index.ts';
import type { Embedder } from '../../../src/rank/embeddings.ts';
import { learnedRanking, rerank } from '../../../src/rank/learned.ts';
import { buildProfile, type Vote } from '../../../src/rank/profile.ts';
import type { Vector } from '../../../src/rank/vectors.ts';
import { makePaper } from '../../support/papers.ts';

const now = new Date('2026-03-01T00:00:00Z');
const DIMENSIONS = 3;
/** Topic x, y or z as a unit vector, slightly tilted per paper so no two are identical. */
const topic = (axis: number, tilt = 0): Float32Array => {
  const vector = Float32Array.from({ length: DIMENSIONS }, (_, k) => (k === axis ? 1 : tilt));
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
};

function ranked(id: string, score: number): RankedPaper {
  return {
    paper: makePaper(id, { title: `Title ${id}` }),
    score,
    titleHits: 0,
    matchedTerms: ['t'],
    summary: null,
  };
}

const list = [ranked('a', 2), ranked('b', 2), ranked('c', 1.5), ranked('d', 1), ranked('e', 1)];
const vectors = new Map<string, Vector>([
  ['a', topic(0, 0.01)],
  ['b', topic(1, 0.01)],
  ['c', topic(0, 0.02)],
  ['d', topic(1, 0.02)],
  ['e', topic(2, 0.01)],
  ['liked', topic(1)],
  ['disliked', topic(0)],
  ['r1', topic(1, 0.03)],
  ['r2', topic(2, 0.03)],
]);
const vote = (paperId: string, kind: Vote['kind'], at = now): Vote => ({
  paperId,
  title: `Voted ${paperId}`,
  vector: vectors.get(paperId) ?? topic(2),
  kind,
  at,
});
const profileOf = (votes: Vote[]) => buildProfile(votes, { now, halfLifeDays: 30, dimensions: DIMENSIONS });
const ids = (papers: ReadonlyArray<{ paper: Paper }>) => papers.map((entry) => entry.paper.id);

describe('rerank', () => {
  it('leaves any list exactly as it is for a target without votes (only cut to maxPapers)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 30 }),
        fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
        (scores, maxPapers) => {
          const input = scores.map((score, i) => ranked(`p${i}`, score / 2));
          const output = rerank(input, {
            profile: profileOf([]),
            vectors,
            weight: 5,
            recommend: 3,
            candidates: [makePaper('r1')],
            ...(maxPapers === undefined ? {} : { maxPapers }),
          });
          expect(output).toEqual(input.slice(0, maxPapers ?? input.length));
          output.forEach((entry, i) => {
            expect(entry).toBe(input[i]);
          });
        },
      ),
    );
  });

  it('moves papers like a liked one up, and says which liked paper they are like', () => {
    const output = rerank(list, { profile: profileOf([vote('liked', 'like')]), vectors, weight: 1 });
    expect(ids(output)[0]).toBe('b');
    expect(ids(output).indexOf('d')).toBeLessThan(ids(output).indexOf('c'));
    expect(output[0]?.reasons).toEqual({ like: { id: 'liked', title: 'Voted liked' } });
    expect(output.find((entry) => entry.paper.id === 'a')?.reasons).toBeUndefined();
  });

  it('moves papers like a disliked one down', () => {
    const output = rerank(list, { profile: profileOf([vote('disliked', 'dislike')]), vectors, weight: 1 });
    expect(ids(output).indexOf('a')).toBeGreaterThan(ids(output).indexOf('b'));
    expect(ids(output).indexOf('c')).toBeGreaterThan(ids(output).indexOf('e'));
    // Nothing is liked, so no paper claims to be like one.
    expect(output.every((entry) => entry.reasons === undefined)).toBe(true);
  });

  it('keeps the keyword order at weight 0 (and where the learned part ties)', () => {
    const output = rerank(list, { profile: profileOf([vote('liked', 'like')]), vectors, weight: 0 });
    expect(ids(output)).toEqual(ids(list));
  });

  it('a recent like outweighs an older one on another topic', () => {
    const old = new Date(now.getTime() - 90 * 86_400_000);
    const fresh = rerank(list, {
      profile: profileOf([vote('disliked', 'like', old), vote('liked', 'like', now)]),
      vectors,
      weight: 1,
    });
    const stale = rerank(list, {
      profile: profileOf([vote('disliked', 'like', now), vote('liked', 'like', old)]),
      vectors,
      weight: 1,
    });
    expect(ids(fresh)[0]).toBe('b');
    expect(ids(stale)[0]).toBe('a');
  });

  it('recommends up to N close papers without keyword hits, on top of maxPapers', () => {
    const profile = profileOf([vote('liked', 'like'), vote('disliked', 'dislike')]);
    const candidates = [makePaper('r1', { title: 'R1' }), makePaper('r2', { title: 'R2' })];
    const many = Array.from({ length: 30 }, (_, i) => ranked(`x${i}`, 1));
    const output = rerank([...list, ...many], {
      profile,
      vectors,
      weight: 1,
      candidates,
      recommend: 2,
      maxPapers: 5,
    });
    const recommended = output.filter((entry) => entry.reasons?.recommended);
    expect(ids(recommended)).toEqual(['r1']);
    expect(recommended[0]).toMatchObject({ score: 0, matchedTerms: [], reasons: { like: { id: 'liked' } } });
    expect(output).toHaveLength(6);
    expect(rerank(list, { profile, vectors, weight: 1, candidates, recommend: 0 })).toHaveLength(list.length);
  });
});

describe('learnedRanking', () => {
  const settings = { learned_weight: 1, recommend: 2, half_life_days: 30 };
  it('asks the embedder nothing for a target without votes', async () => {
    const embedder = {
      embed: () => expect.fail('no embedding should be made'),
    } as unknown as Embedder;
    const result = await learnedRanking({
      ranked: list,
      candidates: [],
      votes: [],
      embedder,
      now,
      settings,
      maxPapers: 3,
    });
    expect(result).toEqual({ papers: list.slice(0, 3), source: null });
  });

  it('embeds the ranked, candidate and voted papers in one call and reranks', async () => {
    const calls: string[][] = [];
    const embedder = {
      embed: async (papers: Paper[]) => {
        calls.push(papers.map((paper) => paper.id));
        return { source: 'local', model: null, dimensions: DIMENSIONS, vectors, fallbackReason: 'test' };
      },
    } as unknown as Embedder;
    const result = await learnedRanking({
      ranked: list,
      candidates: [makePaper('r1')],
      votes: [{ paper: makePaper('liked', { title: 'Liked' }), kind: 'like', at: now }],
      embedder,
      now,
      settings,
    });
    expect(calls).toEqual([['a', 'b', 'c', 'd', 'e', 'r1', 'liked']]);
    expect(result.source).toBe('local');
    expect(ids(result.papers)[0]).toBe('b');
    expect(result.papers[0]?.reasons?.like).toEqual({ id: 'liked', title: 'Liked' });
  });
});
