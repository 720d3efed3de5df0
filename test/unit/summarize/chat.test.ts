import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../../src/summarize/chat.ts';

describe('retryAfterMs', () => {
  it("reads OpenAI's retry-after-ms, then seconds, then an HTTP date", () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': '0' }))).toBe(0);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = retryAfterMs(new Headers({ 'retry-after': inTenSeconds })) ?? 0;
    expect(fromDate).toBeGreaterThan(8_000);
    expect(fromDate).toBeLessThanOrEqual(10_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeNull();
    // Not a date, though Date.parse reads it as the year -5: the backoff applies, not an immediate retry.
    expect(retryAfterMs(new Headers({ 'retry-after': '-5' }))).toBeNull();
    expect(retryAfterMs(new Headers())).toBeNull();
    expect(retryAfterMs(undefined)).toBeNull();
  });
});
