import { describe, expect, it } from 'vitest';
import { affinity, buildProfile, closestLiked, type Vote } from '../../../src/rank/profile.ts';

const now = new Date('2026-03-01T00:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const axis = (i: number, n = 4) => Float32Array.from({ length: n }, (_, k) => (k === i ? 1 : 0));

describe('buildProfile', () => {
  it('has no vector without votes', () => {
    const profile = buildProfile([], { now, halfLifeDays: 30, dimensions: 4 });
    expect(profile.vector).toBeNull();
    expect(affinity(profile, axis(0))).toBe(0);
    expect(closestLiked(profile, axis(0))).toBeNull();
  });

  it('points toward likes and away from dislikes', () => {
    const votes: Vote[] = [
      { paperId: 'a', title: 'A', vector: axis(0), kind: 'like', at: now },
      { paperId: 'b', vector: axis(1), kind: 'dislike', at: now },
    ];
    const profile = buildProfile(votes, { now, halfLifeDays: 30, dimensions: 4 });
    expect(affinity(profile, axis(0))).toBeGreaterThan(0.5);
    expect(affinity(profile, axis(1))).toBeLessThan(-0.5);
    expect(affinity(profile, axis(2))).toBe(0);
    expect(profile.liked.map((like) => like.title)).toEqual(['A']);
  });

  it('weighs a recent vote more: one half-life old counts half', () => {
    const votes: Vote[] = [
      { paperId: 'old', vector: axis(0), kind: 'like', at: daysAgo(30) },
      { paperId: 'new', vector: axis(1), kind: 'like', at: daysAgo(0) },
    ];
    const profile = buildProfile(votes, { now, halfLifeDays: 30, dimensions: 4 });
    expect(affinity(profile, axis(1)) / affinity(profile, axis(0))).toBeCloseTo(2);
    expect(profile.liked.find((like) => like.paperId === 'old')?.weight).toBeCloseTo(0.5);
  });

  it('names the closest liked paper, a fresh like before an old one equally close', () => {
    const both = Float32Array.from([Math.SQRT1_2, Math.SQRT1_2, 0, 0]);
    const votes: Vote[] = [
      { paperId: 'old', title: 'Old', vector: axis(0), kind: 'like', at: daysAgo(60) },
      { paperId: 'new', title: 'New', vector: axis(1), kind: 'like', at: daysAgo(1) },
    ];
    const profile = buildProfile(votes, { now, halfLifeDays: 30, dimensions: 4 });
    expect(closestLiked(profile, axis(0))?.title).toBe('Old');
    expect(closestLiked(profile, both)?.title).toBe('New');
  });

  it('takes sparse vectors too', () => {
    const sparse = { indices: Int32Array.from([2]), values: Float32Array.from([1]) };
    const profile = buildProfile([{ paperId: 's', vector: sparse, kind: 'like', at: now }], {
      now,
      halfLifeDays: 30,
      dimensions: 4,
    });
    expect(affinity(profile, axis(2))).toBeCloseTo(1);
  });
});
