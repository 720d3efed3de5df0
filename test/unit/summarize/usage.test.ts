import { describe, expect, it } from 'vitest';
import { type CallUsage, type UsageEvent, UsageMeter } from '../../../src/summarize/usage.ts';

const call = (n: number): CallUsage => ({
  kind: n % 2 === 0 ? 'tldr' : 'full',
  paperId: `2401.${String(n).padStart(5, '0')}`,
  model: 'm',
  promptTokens: 100,
  completionTokens: 10,
  totalTokens: 110,
  requests: 1,
  estimated: false,
});

describe('UsageMeter', () => {
  it('adds up requests, tokens, cache hits, shared flights and fallbacks, and tells listeners', () => {
    const meter = new UsageMeter();
    const seen: UsageEvent['type'][] = [];
    meter.onEvent((event) => seen.push(event.type));
    meter.record({ type: 'request' });
    meter.record({ type: 'request' });
    meter.record({ type: 'completion', call: call(1) });
    meter.record({ type: 'cache-hit' });
    meter.record({ type: 'shared-flight' });
    meter.record({ type: 'fallback' });

    expect(meter.totals()).toEqual({
      requests: 2,
      completions: 1,
      promptTokens: 100,
      completionTokens: 10,
      totalTokens: 110,
      cacheHits: 1,
      sharedFlights: 1,
      fallbacks: 1,
    });
    expect(meter.calls()).toEqual([call(1)]);
    expect(seen).toEqual(['request', 'request', 'completion', 'cache-hit', 'shared-flight', 'fallback']);
  });

  it('keeps the last 1000 calls and counts them all', () => {
    const meter = new UsageMeter();
    for (let n = 0; n < 1005; n++) meter.record({ type: 'completion', call: call(n) });
    expect(meter.calls()).toHaveLength(1000);
    expect(meter.calls()[0]?.paperId).toBe('2401.00005');
    expect(meter.totals().completions).toBe(1005);
    expect(meter.totals().totalTokens).toBe(1005 * 110);
  });
});
