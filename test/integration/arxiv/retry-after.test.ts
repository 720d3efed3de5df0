import { afterEach, expect, it } from 'vitest';
import { ArxivClient } from '../../../src/arxiv/client.ts';
import { RateGate } from '../../../src/arxiv/rate-gate.ts';
import { ExternalError } from '../../../src/errors.ts';
import { type FakeArxiv, faults, rssListingXml, startFakeArxiv } from '../../fakes/arxiv-server.ts';

/*
 * A Retry-After is honoured by the next request whatever became of the one that got it: also when that one
 * had no retry left (it is arXiv's word to whoever asks next, which with a shared store is every replica).
 */

let fake: FakeArxiv | undefined;
afterEach(async () => {
  await fake?.close();
});

it('holds the next request until a Retry-After given to a request with no retry left has passed', async () => {
  fake = await startFakeArxiv({ recordings: false });
  fake.setListing(rssListingXml([{ id: '2602.00001', title: 'Agents' }], { categories: ['cs.AI'] }));
  const client = new ArxivClient({
    rssUrl: fake.rssUrl,
    apiUrl: fake.apiUrl,
    minIntervalMs: 1,
    gate: new RateGate({ minIntervalMs: 1 }),
    timeoutMs: 2000,
    maxRetries: 0,
    contact: 'https://example.org/retry-after-test',
    version: '0.0.0',
  });
  fake.fail(faults.tooManyRequests(1));
  await expect(client.fetchListing(['cs.AI'])).rejects.toThrow(ExternalError);
  await client.fetchListing(['cs.AI']);
  const [refused, next] = fake.requests;
  expect((next?.arrivedAt ?? 0) - (refused?.completedAt ?? Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(
    990,
  );
});
