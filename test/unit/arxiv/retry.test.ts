import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from '../../../src/arxiv/retry.ts';

describe('isRetryableStatus', () => {
  it('retries 429 and 5xx, never other answers', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 301, 400, 403, 404, 410].some(isRetryableStatus)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-02-04T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('10', now)).toBe(10_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date, as a wait from now', () => {
    expect(parseRetryAfter('Wed, 04 Feb 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 04 Feb 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('is null when missing or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});

describe('backoffDelay', () => {
  it('doubles with each attempt, jitter filling the upper half', () => {
    const at = (attempt: number, random: number) =>
      backoffDelay(attempt, { baseMs: 1000, capMs: 60_000, random: () => random });
    expect([at(1, 0), at(1, 0.999)]).toEqual([500, 1000]);
    expect([at(2, 0), at(3, 0), at(4, 0)]).toEqual([1000, 2000, 4000]);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelay(30, { baseMs: 1000, capMs: 60_000, random: () => 0.999 })).toBeLessThanOrEqual(
      60_000,
    );
  });
});
