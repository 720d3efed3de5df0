import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.ts';
import { Summarizer, type SummarizerOptions } from '../../../src/summarize/index.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../fakes/openai-server.ts';
import { type Arxiv, latexmlPage, makePaper, startArxiv } from './support.ts';

const paper = makePaper('2403.00003', { title: 'Cached Across Restarts' });

let dir: string;
let server: FakeOpenAIServer;
let arxiv: Arxiv;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'summarize-store-'));
  server = await startFakeOpenAIServer();
  arxiv = await startArxiv();
  arxiv.fake.setHtml(
    '2403.00003v1',
    latexmlPage(paper, [
      ['Introduction', 'Why caching matters. '.repeat(60)],
      ['Results', 'It made one call. '.repeat(60)],
    ]),
  );
});

afterEach(async () => {
  await server.close();
  await arxiv.fake.close();
  await rm(dir, { recursive: true, force: true });
});

/** A summarizer over the SQLite store at `url`, as the bot builds it at start. */
async function start(url: string, overrides: Partial<SummarizerOptions> = {}) {
  const store = await openStore(url);
  const summarizer = new Summarizer({
    cache: store.namespace('summaries'),
    download: arxiv.download,
    baseUrl: server.baseUrl,
    model: 'test-model',
    apiKey: 'sk-test',
    apiKeyEnv: 'TEST_API_KEY',
    language: 'en',
    maxWorkers: 2,
    htmlBaseUrl: arxiv.htmlBaseUrl,
    pdfBaseUrl: arxiv.pdfBaseUrl,
    ...overrides,
  });
  return { store, summarizer };
}

describe('the summary cache in the SQLite store', () => {
  it('serves summaries made before a restart without calling the model', async () => {
    const url = `sqlite://${join(dir, 'digest.sqlite')}`;
    const first = await start(url);
    const tldr = await first.summarizer.tldr(paper);
    const full = await first.summarizer.summarize(paper);
    expect(server.requests).toHaveLength(2);
    await first.store.close();

    const second = await start(url);
    expect(await second.summarizer.tldr(paper)).toEqual(tldr);
    expect(await second.summarizer.summarize(paper)).toEqual(full);
    expect(server.requests).toHaveLength(2);
    expect(arxiv.downloads()).toHaveLength(1);
    expect(second.summarizer.usage.totals()).toMatchObject({ requests: 0, cacheHits: 2 });
    await second.store.close();
  });

  it('does not keep an extractive fallback across a restart', async () => {
    const url = `sqlite://${join(dir, 'digest.sqlite')}`;
    server.setDefault({ type: 'server-error' });
    const first = await start(url, { maxRetries: 0 });
    expect((await first.summarizer.tldr(paper)).source).toBe('extractive');
    await first.store.close();

    server.setDefault({ type: 'summary' });
    const second = await start(url);
    expect((await second.summarizer.tldr(paper)).source).toBe('model');
    await second.store.close();
  });
});
