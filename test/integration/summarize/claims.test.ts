import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/store/index.ts';
import { ClaimRepository } from '../../../src/store/repositories/claims.ts';
import { Summarizer, type SummarizerOptions, type SummaryClaims } from '../../../src/summarize/index.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../fakes/openai-server.ts';
import { makePaper } from './support.ts';

/*
 * The summarizer's claims (one summary per paper across replicas) in one process: two summarizers on one
 * store stand for two replicas. The two-process proof on Redis and Postgres is shared-claims.test.ts; this
 * covers the edges: a holder that never finishes, one whose model call failed, a store that fails.
 */

const paper = makePaper('2404.00004', { title: 'Claimed Once' });

let store: Store;
let server: FakeOpenAIServer;

beforeEach(async () => {
  store = await openStore('sqlite://:memory:');
  server = await startFakeOpenAIServer();
});

afterEach(async () => {
  await server.close();
  await store.close();
});

function replica(overrides: Partial<SummarizerOptions> = {}): Summarizer {
  return new Summarizer({
    cache: store.namespace('summaries'),
    claims: new ClaimRepository(store),
    download: async () => {
      throw new Error('a TL;DR downloads nothing');
    },
    baseUrl: server.baseUrl,
    model: 'test-model',
    apiKey: 'sk-test',
    apiKeyEnv: 'TEST_API_KEY',
    language: 'en',
    maxWorkers: 2,
    maxRetries: 0,
    claimTtlMs: 400,
    claimPollMs: 20,
    ...overrides,
  });
}

describe('summary claims shared through the store', () => {
  it('makes one model call for two replicas asking at once; both get its summary', async () => {
    server.setDefault({ type: 'slow', delayMs: 150 });
    const [a, b] = await Promise.all([replica().tldr(paper), replica().tldr(paper)]);
    expect(server.requests).toHaveLength(1);
    expect(a.source).toBe('model');
    expect(b).toEqual(a);
  });

  it('answers with an extractive summary once the bounded wait is over, without a model call', async () => {
    // Another replica holds every claim and never finishes.
    const heldElsewhere: SummaryClaims = {
      take: async () => null,
      renew: async () => null,
      release: async () => {},
    };
    const started = performance.now();
    const summary = await replica({ claims: heldElsewhere, claimWaitMs: 300 }).tldr(paper);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(summary.source).toBe('extractive');
    expect(server.requests).toHaveLength(0);
  });

  it('takes the claim over when the holder gave it back without a summary (its model call failed)', async () => {
    // The delay keeps the claim held while the other replica asks, so it is waiting when the claim comes back.
    // biome-ignore lint/suspicious/noThenProperty: the fake's reply after the delay is named `then`
    server.enqueue({ type: 'slow', delayMs: 100, then: { type: 'server-error', status: 500 } });
    const [holder, waiter] = await Promise.all([replica().tldr(paper), replica().tldr(paper)]);
    expect(server.requests).toHaveLength(2);
    expect([holder.source, waiter.source].sort()).toEqual(['extractive', 'model']);
  });

  it('still makes the summary when the store cannot take the claim', async () => {
    const broken: SummaryClaims = {
      take: async () => {
        throw new Error('store down');
      },
      renew: async () => null,
      release: async () => {},
    };
    const summary = await replica({ claims: broken }).tldr(paper);
    expect(summary.source).toBe('model');
    expect(server.requests).toHaveLength(1);
  });
});
