import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { createSummarizer, Summarizer, type SummarizerOptions } from '../../../src/summarize/index.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../fakes/openai-server.ts';
import { type Arxiv, filler, latexmlPage, makePaper, startArxiv } from './support.ts';

const FIXTURE_HTML = readFileSync(
  new URL('../../fixtures/summarize/2401.01234v2.html', import.meta.url),
  'utf8',
);

const routed = makePaper('2401.01234', {
  version: 2,
  title: 'Sparse Routing for Long-Context Retrieval',
  abstract:
    'Retrieval over long contexts is slow because every query attends to every chunk. We propose SparseRoute, a router that sends each query to 4 of 64 chunk experts. On LongBench it matches dense attention within 0.3 points while cutting latency by 41%.',
});

const longPaper = makePaper('2402.00002', { title: 'A Long Paper on Many Experiments' });
const LONG_HTML = latexmlPage(longPaper, [
  ['Introduction', filler('introduction', 120)],
  ['Method', filler('method', 240)],
  ['Experiments', filler('experiments', 240)],
  ['Conclusion', filler('conclusion', 30)],
]);

let server: FakeOpenAIServer;
let arxiv: Arxiv;

beforeEach(async () => {
  server = await startFakeOpenAIServer({ apiKey: 'sk-test' });
  arxiv = await startArxiv();
  arxiv.fake.setHtml('2401.01234v2', FIXTURE_HTML);
  arxiv.fake.setHtml('2402.00002v1', LONG_HTML);
});

afterEach(async () => {
  await server.close();
  await arxiv.fake.close();
});

function summarizer(overrides: Partial<SummarizerOptions> = {}): Summarizer {
  return new Summarizer({
    cache: new Keyv(),
    download: arxiv.download,
    baseUrl: server.baseUrl,
    model: 'test-model',
    apiKey: 'sk-test',
    apiKeyEnv: 'TEST_API_KEY',
    language: 'en',
    maxWorkers: 3,
    htmlBaseUrl: arxiv.htmlBaseUrl,
    pdfBaseUrl: arxiv.pdfBaseUrl,
    retryBaseMs: 1,
    requestTimeoutMs: 5_000,
    ...overrides,
  });
}

const userMessage = (i: number) => server.requests[i]?.messages.find((m) => m.role === 'user')?.content ?? '';
const systemMessage = (i: number) =>
  server.requests[i]?.messages.find((m) => m.role === 'system')?.content ?? '';

describe('what reaches the model', () => {
  it('a structured summary sends the model, the built-in prompt and the full text from the HTML rendering', async () => {
    const s = summarizer();
    const summary = await s.summarize(routed);

    expect(server.requests).toHaveLength(1);
    const request = server.requests[0];
    expect(request?.model).toBe('test-model');
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(systemMessage(0)).toContain('## Contributions');
    expect(systemMessage(0)).toContain('datasets, models, hardware, baselines and metrics');
    expect(systemMessage(0)).toContain('Write in English.');
    const user = userMessage(0);
    expect(user).toContain('Title: Sparse Routing for Long-Context Retrieval');
    expect(user).toContain('arXiv:2401.01234v2 (cs.LG)');
    expect(user).toContain(routed.abstract);
    expect(user).toContain('## 3 Experiments');
    expect(user).toContain('SparseRoute (ours) | 47.8 | 5.7');
    expect(user).toContain('Router hyperparameters'); // the appendix fits the budget
    expect(user).not.toContain('Attention over long documents'); // the reference list is never sent
    expect(arxiv.downloads()).toEqual(['/html/2401.01234v2']);
    expect(arxiv.fake.requests[0]?.headers['user-agent']).toBe(arxiv.client.userAgent);

    expect(summary).toMatchObject({
      paperId: '2401.01234',
      version: 2,
      source: 'model',
      model: 'test-model',
    });
    expect(summary.tldr).toBeNull();
    expect(summary.body).toContain('## Results');
    expect(summary.body).toContain('- 3 Experiments: Table 1 compares SparseRoute');
    expect(s.usage.totals()).toMatchObject({ requests: 1, completions: 1, cacheHits: 0, fallbacks: 0 });
    expect(s.usage.calls()[0]).toMatchObject({
      kind: 'full',
      paperId: '2401.01234',
      promptTokens: request?.promptTokens,
      estimated: false,
    });
  });

  it('a TL;DR sends the title and abstract only, downloads nothing, and loses the "TL;DR:" label', async () => {
    const s = summarizer();
    const summary = await s.tldr(routed);

    expect(arxiv.downloads()).toEqual([]);
    expect(systemMessage(0)).toContain('TL;DR');
    expect(userMessage(0)).toContain(routed.abstract);
    expect(userMessage(0)).not.toContain('## 1 Introduction');
    expect(server.requests[0]?.maxTokens).toBe(200);
    expect(summary.tldr).toMatch(
      /^Sparse Routing for Long-Context Retrieval - Retrieval over long contexts is slow/,
    );
    expect(summary.body).toBeNull();
  });

  it('asks in the language requested, with technical terms kept in English, and caches each language apart', async () => {
    const s = summarizer();
    await s.summarize(routed);
    const zh = await s.summarize(routed, { language: 'zh' });
    await s.summarize(routed, { language: 'de' });
    await s.summarize(routed, { language: 'zh' });

    expect(server.requests).toHaveLength(3);
    expect(systemMessage(1)).toContain('简体中文');
    expect(systemMessage(1)).toContain('保留英文');
    expect(systemMessage(2)).toContain('Write in German. Keep technical terms');
    expect(zh.language).toBe('zh');
  });
});

describe('cost', () => {
  it('a second request for the same paper makes no call', async () => {
    const s = summarizer();
    const first = await s.summarize(routed);
    const second = await s.summarize(routed);

    expect(server.requests).toHaveLength(1);
    expect(arxiv.downloads()).toHaveLength(1);
    expect(second).toEqual(first);
    expect(s.usage.totals()).toMatchObject({ requests: 1, completions: 1, cacheHits: 1 });
  });

  it('a new summarizer over the same cache makes no call either', async () => {
    const cache = new Keyv();
    await summarizer({ cache }).tldr(routed);
    const restarted = summarizer({ cache });
    const again = await restarted.tldr(routed);

    expect(server.requests).toHaveLength(1);
    expect(again.source).toBe('model');
    expect(restarted.usage.totals()).toMatchObject({ requests: 0, cacheHits: 1 });
  });

  it('ten concurrent requests for one paper make one call and one download', async () => {
    server.setDefault({ type: 'slow', delayMs: 50 });
    const s = summarizer();
    const results = await Promise.all(Array.from({ length: 10 }, () => s.summarize(routed)));

    expect(server.requests).toHaveLength(1);
    expect(arxiv.downloads()).toHaveLength(1);
    for (const result of results) expect(result).toEqual(results[0]);
    expect(s.usage.totals()).toMatchObject({ requests: 1, completions: 1, sharedFlights: 9 });
  });

  it('runs at most max_workers model calls at once', async () => {
    server.setDefault({ type: 'slow', delayMs: 60 });
    const s = summarizer({ maxWorkers: 2 });
    await Promise.all(
      ['2401.00001', '2401.00002', '2401.00003', '2401.00004', '2401.00005'].map((id) =>
        s.tldr(makePaper(id)),
      ),
    );

    expect(server.requests).toHaveLength(5);
    expect(server.maxConcurrent).toBe(2);
  });
});

describe('failures', () => {
  it('waits as long as a 429 Retry-After asks, then succeeds', async () => {
    server.enqueue({ type: 'rate-limit', retryAfterMs: 300 });
    const summary = await summarizer().tldr(routed);

    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(280);
    expect(summary.source).toBe('model');
  });

  it('honours Retry-After on a 503 too', async () => {
    server.enqueue({ type: 'server-error', status: 503, retryAfterMs: 300 });
    const summary = await summarizer().tldr(routed);

    const [first, second] = server.requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(280);
    expect(summary.source).toBe('model');
  });

  it('gives up at once when Retry-After asks for longer than it may wait', async () => {
    server.enqueue({ type: 'rate-limit', retryAfter: '120' });
    const summary = await summarizer({ maxRetryDelayMs: 30_000 }).tldr(routed);

    expect(server.requests).toHaveLength(1);
    expect(summary.source).toBe('extractive');
  });

  it('retries 5xx answers with backoff', async () => {
    server.enqueue({ type: 'server-error' }, { type: 'server-error', status: 503 });
    const s = summarizer();
    const summary = await s.tldr(routed);

    expect(server.requests).toHaveLength(3);
    expect(summary.source).toBe('model');
    expect(s.usage.totals()).toMatchObject({ requests: 3, completions: 1 });
    expect(s.usage.calls()[0]?.requests).toBe(3);
  });

  it('retries a request that timed out', async () => {
    server.enqueue({ type: 'slow', delayMs: 2_000 });
    const summary = await summarizer({ requestTimeoutMs: 150 }).tldr(routed);

    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.answered).toBe(false);
    expect(summary.source).toBe('model');
  });

  it('retries a context-length error once with half the input, keeping the abstract and every section', async () => {
    const small = await startFakeOpenAIServer({ apiKey: 'sk-test', contextWindow: 4_500 });
    try {
      const summary = await summarizer({ baseUrl: small.baseUrl, inputTokenBudget: 6_000 }).summarize(
        longPaper,
      );

      expect(small.requests).toHaveLength(2);
      const [first, second] = small.requests;
      expect(first?.promptTokens).toBeGreaterThan(4_500);
      expect(second?.promptTokens).toBeLessThanOrEqual(4_500);
      const retried = second?.messages[1]?.content ?? '';
      expect(retried).toContain(longPaper.abstract);
      for (const heading of ['1 Introduction', '2 Method', '3 Experiments', '4 Conclusion']) {
        expect(retried).toContain(`## ${heading}`);
      }
      expect(retried).toContain('[…]');
      expect(summary.source).toBe('model');
    } finally {
      await small.close();
    }
  });

  it('falls back when even the smaller input does not fit', async () => {
    const tiny = await startFakeOpenAIServer({ apiKey: 'sk-test', contextWindow: 100 });
    try {
      const summary = await summarizer({ baseUrl: tiny.baseUrl }).summarize(longPaper);
      expect(tiny.requests).toHaveLength(2);
      expect(summary.source).toBe('extractive');
    } finally {
      await tiny.close();
    }
  });
});

describe('the extractive fallback', () => {
  it('appears, marked, when the model keeps failing; it is kept in memory for fallbackTtlMs, never in the cache', async () => {
    server.setDefault({ type: 'server-error' });
    let now = 1_000_000;
    const cache = new Keyv();
    const s = summarizer({ cache, maxRetries: 1, fallbackTtlMs: 60_000, now: () => now });

    const fallback = await s.tldr(routed);
    expect(server.requests).toHaveLength(2);
    expect(fallback).toMatchObject({ source: 'extractive', model: null, paperId: '2401.01234', version: 2 });
    expect(fallback.tldr).toBe(
      'Retrieval over long contexts is slow because every query attends to every chunk. We propose SparseRoute, a router that sends each query to 4 of 64 chunk experts.',
    );
    expect(s.usage.totals().fallbacks).toBe(1);

    server.setDefault({ type: 'summary' });
    expect((await s.tldr(routed)).source).toBe('extractive');
    expect(server.requests).toHaveLength(2); // within the TTL the model is not asked again

    expect((await summarizer({ cache }).tldr(routed)).source).toBe('model'); // the cache had no fallback
    now += 60_001;
    expect((await s.tldr(routed)).source).toBe('model');
  });

  it('appears without any request when no key is configured', async () => {
    const s = summarizer({ apiKey: null });
    const summary = await s.summarize(routed);

    expect(s.usesModel).toBe(false);
    expect(server.requests).toHaveLength(0);
    expect(arxiv.downloads()).toHaveLength(0);
    expect(summary.source).toBe('extractive');
    expect(summary.body).toBe(routed.abstract);
  });

  it('replaces an empty answer, which is not cached', async () => {
    server.enqueue({ type: 'content', content: '  \n ' });
    const s = summarizer();
    expect((await s.tldr(routed)).source).toBe('extractive');
    expect(server.requests).toHaveLength(1);
  });

  it('stands in for a summary that close() stopped', async () => {
    server.setDefault({ type: 'slow', delayMs: 5_000 });
    const s = summarizer();
    const pending = s.tldr(routed);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await s.close();
    expect((await pending).source).toBe('extractive');
  });
});

describe('untrusted model output', () => {
  it('loses mentions, HTML and control characters', async () => {
    server.enqueue({
      type: 'content',
      content:
        '## Contributions\n<!channel> A router <@U024BE7LH> for <@&123456> retrieval @everyone @here.<script>alert(1)</script>\n\n\n\n<b>Bold</b> claim\u0007 with <img src=x onerror=alert(1)> a link <https://example.org|click me>.',
    });
    const summary = await summarizer().summarize(routed);

    expect(summary.body).toBe(
      '## Contributions\nA router for retrieval everyone here.\n\nBold claim with a link https://example.org.',
    );
  });

  it('is cut to the length limit', async () => {
    server.enqueue({
      type: 'content',
      content: `## Results\n${'A very long sentence about results. '.repeat(2_000)}`,
    });
    const summary = await summarizer({ fullMaxChars: 1_000 }).summarize(routed);

    expect(summary.body?.length).toBeLessThanOrEqual(1_000);
    expect(summary.body).toMatch(/results\.…$/);
  });
});

describe('digests', () => {
  it('return what is ready by the deadline; the rest finishes in the background and fills the cache', async () => {
    const [a, b, c] = ['2401.10001', '2401.10002', '2401.10003'].map((id) => makePaper(id));
    if (!a || !b || !c) throw new Error('papers');
    const s = summarizer();
    await s.tldr(a); // cached before the digest
    server.enqueue({ type: 'slow', delayMs: 600 }, { type: 'summary' });

    const result = await s.summarizeDigest({
      tldrFor: [a, b, c],
      fullFor: [],
      deadline: new Date(Date.now() + 200),
    });

    expect(server.requests).toHaveLength(3);
    expect(server.requests[1]?.answered).toBe(false); // the digest did not wait for b
    expect([...result.tldrs.keys()].sort()).toEqual([a.id, c.id]);
    expect(result.pending).toEqual({ tldr: [b.id], full: [] });
    expect(result.usage).toMatchObject({ requests: 2, completions: 1, cacheHits: 1 });

    await s.idle();
    const later = await s.summarizeDigest({
      tldrFor: [a, b, c],
      fullFor: [],
      deadline: new Date(Date.now() + 200),
    });
    expect(server.requests).toHaveLength(3);
    expect(later.pending).toEqual({ tldr: [], full: [] });
    expect(later.tldrs.get(b.id)?.source).toBe('model');
  });

  it('give TL;DRs and full summaries, and one paper failing does not stop the others', async () => {
    const failing = makePaper('2401.20001');
    server.enqueue({ type: 'server-error' }, { type: 'server-error' });
    const s = summarizer({ maxRetries: 1, maxWorkers: 1 });

    const result = await s.summarizeDigest({ tldrFor: [failing, routed], fullFor: [routed] });

    expect(result.tldrs.get(failing.id)?.source).toBe('extractive');
    expect(result.tldrs.get(routed.id)?.source).toBe('model');
    expect(result.full.get(routed.id)?.body).toContain('## Contributions');
    expect(result.pending).toEqual({ tldr: [], full: [] });
    expect(result.usage).toMatchObject({ completions: 2, fallbacks: 1 });

    // One summary per paper for the digest model: both model-written parts together.
    expect(result.byPaper.get(routed.id)).toEqual({
      ...result.full.get(routed.id),
      tldr: result.tldrs.get(routed.id)?.tldr,
    });
    expect(result.byPaper.get(failing.id)).toEqual(result.tldrs.get(failing.id));
  });

  it('combine a model TL;DR with a failed full summary by leaving the extractive body out', async () => {
    server.enqueue({ type: 'summary' }, { type: 'server-error' });
    const s = summarizer({ maxRetries: 0, maxWorkers: 1 });
    const result = await s.summarizeDigest({ tldrFor: [routed], fullFor: [routed] });

    expect(result.full.get(routed.id)?.source).toBe('extractive');
    expect(result.byPaper.get(routed.id)).toEqual({ ...result.tldrs.get(routed.id), body: null });
  });
});

describe('createSummarizer from the config', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'summarize-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('works with a classic DashScope-style config unchanged: qwen-long, DASHSCOPE_API_KEY', async () => {
    const config = configSchema.parse({
      ai_summary: {
        base_url: server.baseUrl,
        model: 'qwen-long',
        api_key_env: 'DASHSCOPE_API_KEY',
        language: 'zh',
      },
    });
    const s = createSummarizer(config.ai_summary, {
      cache: new Keyv(),
      download: arxiv.download,
      env: { DASHSCOPE_API_KEY: 'sk-test' },
    });
    const summary = await s.tldr(routed);

    expect(server.requests[0]?.model).toBe('qwen-long');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test');
    expect(systemMessage(0)).toContain('简体中文');
    expect(summary).toMatchObject({ source: 'model', model: 'qwen-long', language: 'zh' });
  });

  it('is extractive when the key variable is empty, or summaries are disabled', async () => {
    const config = configSchema.parse({ ai_summary: { base_url: server.baseUrl } });
    const deps = { cache: new Keyv(), download: arxiv.download };
    expect(createSummarizer(config.ai_summary, { ...deps, env: { OPENAI_API_KEY: ' ' } }).usesModel).toBe(
      false,
    );
    const disabled = createSummarizer(
      { ...config.ai_summary, enabled: false },
      { ...deps, env: { OPENAI_API_KEY: 'k' } },
    );
    expect(disabled.usesModel).toBe(false);
  });

  it('uses prompt_file, relative to cwd, instead of the built-in structured prompt', async () => {
    await writeFile(join(dir, 'prompt.md'), 'Summarize this paper for a physicist, in {language}.\n');
    const config = configSchema.parse({ ai_summary: { base_url: server.baseUrl, prompt_file: 'prompt.md' } });
    const cache = new Keyv();
    const s = createSummarizer(config.ai_summary, {
      cache,
      download: arxiv.download,
      env: { OPENAI_API_KEY: 'sk-test' },
      cwd: dir,
      htmlBaseUrl: arxiv.htmlBaseUrl,
      pdfBaseUrl: arxiv.pdfBaseUrl,
    });
    await s.summarize(routed, { language: 'fr' });
    expect(systemMessage(0)).toBe('Summarize this paper for a physicist, in French.');

    // A different prompt is a different cache key: the built-in prompt's summary is made anew.
    await summarizer({ cache, model: config.ai_summary.model }).summarize(routed, { language: 'fr' });
    expect(server.requests).toHaveLength(2);
  });

  it('says which prompt file it cannot read', () => {
    const config = configSchema.parse({ ai_summary: { prompt_file: 'missing.md' } });
    expect(() =>
      createSummarizer(config.ai_summary, {
        cache: new Keyv(),
        download: arxiv.download,
        cwd: dir,
        env: {},
      }),
    ).toThrow(/Cannot read the prompt file .*missing\.md \(ai_summary\.prompt_file\)/);
  });
});
