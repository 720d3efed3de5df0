import { describe, expect, it } from 'vitest';
import { periodStart, rankTop, voteKindOf } from '../../../src/bot/feedback.ts';
import { validateConfig } from '../../../src/config/load.ts';
import type { Vote } from '../../../src/store/repositories/votes.ts';

const DEFAULTS = { likeEmoji: '+1', dislikeEmoji: '-1' };

describe('voteKindOf', () => {
  it('reads 👍 and 👎 however Slack, Discord or the config spell them, skin tones included', () => {
    for (const like of ['+1', 'thumbsup', ':+1:', '+1::skin-tone-3', '👍', '👍🏿', '👍️'])
      expect(voteKindOf(like, DEFAULTS), like).toBe('like');
    for (const dislike of ['-1', 'thumbsdown', '-1::skin-tone-2', '👎', '👎🏻'])
      expect(voteKindOf(dislike, DEFAULTS), dislike).toBe('dislike');
    for (const other of ['memo', '📝', 'heart', '+10', '1']) expect(voteKindOf(other, DEFAULTS)).toBeNull();
    expect(voteKindOf('👍', { likeEmoji: 'thumbsup', dislikeEmoji: 'thumbsdown' })).toBe('like');
  });

  it('defaults to 👍 and 👎 in the config, which may name others', () => {
    expect(validateConfig({}).config?.feedback).toEqual({ like_emoji: '+1', dislike_emoji: '-1' });
    const custom = validateConfig({ feedback: { like_emoji: 'star' } });
    expect(custom.config?.feedback).toEqual({ like_emoji: 'star', dislike_emoji: '-1' });
    expect(validateConfig({ feedback: { like_emoji: '  ' } }).issues.join('\n')).toContain(
      'feedback.like_emoji',
    );
  });

  it('takes the configured emoji instead, a custom one too', () => {
    const config = { likeEmoji: 'star', dislikeEmoji: 'partyparrot_no' };
    expect(voteKindOf('⭐', config)).toBe('like');
    expect(voteKindOf('star', config)).toBe('like');
    expect(voteKindOf('partyparrot_no', config)).toBe('dislike');
    expect(voteKindOf('+1', config)).toBeNull();
  });
});

function vote(
  paperId: string,
  kind: Vote['kind'],
  minute: number,
  title: string | null = `T${paperId}`,
): Vote {
  return {
    target: 'test:c1',
    paperId,
    version: 1,
    user: `test:@u${minute}`,
    title,
    abstract: null,
    kind,
    at: new Date(Date.UTC(2026, 1, 10, 9, minute)),
  };
}

describe('rankTop', () => {
  it('orders by likes, then fewer dislikes, then the newest vote, and leaves out papers nobody liked', () => {
    const top = rankTop([
      vote('a', 'like', 1),
      vote('b', 'like', 2),
      vote('b', 'like', 3),
      vote('c', 'like', 4),
      vote('c', 'dislike', 5),
      vote('d', 'like', 6),
      vote('e', 'dislike', 7),
    ]);
    expect(top.map((paper) => [paper.paperId, paper.likes, paper.dislikes])).toEqual([
      ['b', 2, 0],
      ['d', 1, 0],
      ['a', 1, 0],
      ['c', 1, 1],
    ]);
  });

  it('takes the newest title it has, and at most the limit', () => {
    const [first] = rankTop([
      vote('a', 'like', 1, null),
      vote('a', 'like', 2, 'Newer'),
      vote('a', 'like', 3, null),
    ]);
    expect(first?.title).toBe('Newer');
    expect(rankTop(Array.from({ length: 15 }, (_, index) => vote(`p${index}`, 'like', index)))).toHaveLength(
      10,
    );
  });

  it('counts a week as the last 7 days and a month as the last 30', () => {
    const now = new Date('2026-02-10T12:00:00.000Z');
    expect(periodStart('week', now).toISOString()).toBe('2026-02-03T12:00:00.000Z');
    expect(periodStart('month', now).toISOString()).toBe('2026-01-11T12:00:00.000Z');
  });
});
