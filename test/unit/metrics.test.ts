import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.ts';

async function value(
  metrics: ReturnType<typeof createMetrics>,
  name: string,
  labels: Record<string, string> = {},
) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((entry) => entry.name === name);
  const sample = metric?.values.find((entry) =>
    Object.entries(labels).every(([key, wanted]) => String(entry.labels[key]) === wanted),
  );
  return sample?.value ?? 0;
}

describe('metrics', () => {
  it('counts arXiv requests by outcome and the retries among them', async () => {
    const metrics = createMetrics();
    metrics.observeArxivRequest({ url: 'u', attempt: 1, durationMs: 5, status: 503 });
    metrics.observeArxivRequest({ url: 'u', attempt: 2, durationMs: 5, error: 'reset' });
    metrics.observeArxivRequest({ url: 'u', attempt: 3, durationMs: 5, status: 200 });
    expect(await value(metrics, 'arxiv_digest_arxiv_requests_total', { outcome: '503' })).toBe(1);
    expect(await value(metrics, 'arxiv_digest_arxiv_requests_total', { outcome: 'error' })).toBe(1);
    expect(await value(metrics, 'arxiv_digest_arxiv_requests_total', { outcome: '200' })).toBe(1);
    expect(await value(metrics, 'arxiv_digest_arxiv_retries_total')).toBe(2);
  });

  it('counts model requests, completions by kind, tokens in and out, cache hits and fallbacks', async () => {
    const metrics = createMetrics();
    const call = { paperId: '2401.00001', model: 'm', totalTokens: 130, requests: 1, estimated: false };
    metrics.observeSummaryUsage({ type: 'request' });
    metrics.observeSummaryUsage({ type: 'request' });
    metrics.observeSummaryUsage({
      type: 'completion',
      call: { ...call, kind: 'tldr', promptTokens: 100, completionTokens: 30 },
    });
    metrics.observeSummaryUsage({
      type: 'completion',
      call: { ...call, kind: 'full', promptTokens: 1000, completionTokens: 300 },
    });
    metrics.observeSummaryUsage({ type: 'cache-hit' });
    metrics.observeSummaryUsage({ type: 'shared-flight' });
    metrics.observeSummaryUsage({ type: 'fallback' });
    expect(await value(metrics, 'arxiv_digest_llm_requests_total')).toBe(2);
    expect(await value(metrics, 'arxiv_digest_llm_completions_total', { kind: 'tldr' })).toBe(1);
    expect(await value(metrics, 'arxiv_digest_llm_completions_total', { kind: 'full' })).toBe(1);
    expect(await value(metrics, 'arxiv_digest_llm_tokens_total', { direction: 'in' })).toBe(1100);
    expect(await value(metrics, 'arxiv_digest_llm_tokens_total', { direction: 'out' })).toBe(330);
    expect(await value(metrics, 'arxiv_digest_summary_cache_hits_total')).toBe(1);
    expect(await value(metrics, 'arxiv_digest_summary_fallbacks_total')).toBe(1);
  });
});
