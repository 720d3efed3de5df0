import { afterEach, describe, expect, it } from 'vitest';
import { ArxivClient } from '../../../src/arxiv/client.ts';
import { RateGate } from '../../../src/arxiv/rate-gate.ts';
import { type FakeArxiv, faults, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { closedPort, externalRejection } from '../../support/failures.ts';

/*
 * Issue 10, "In the chat", item 5: the arXiv client names the real cause of a failure (a refused connection,
 * a reset, a timeout), where it said "did not answer" or a raw code before; and leaves the closing advice to
 * the one place that decides it (problemText in src/errors.ts).
 */

const running: FakeArxiv[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((fake) => fake.close()));
});

function client(rssUrl: string, apiUrl: string, options: { timeoutMs?: number; maxRetries?: number } = {}) {
  return new ArxivClient({
    rssUrl,
    apiUrl,
    minIntervalMs: 1,
    gate: new RateGate({ minIntervalMs: 1 }),
    timeoutMs: options.timeoutMs ?? 2000,
    maxRetries: options.maxRetries ?? 1,
    backoffBaseMs: 5,
    contact: 'https://example.org/errors-test',
    version: '0.0.0',
  });
}

describe('the arXiv client names the cause', () => {
  it('of a refused connection', async () => {
    const port = await closedPort();
    const error = await externalRejection(
      client(`http://127.0.0.1:${port}/rss`, `http://127.0.0.1:${port}/api/query`).fetchListing(['cs.AI']),
    );
    expect(error).toMatchObject({ code: 'ARXIV_UNREACHABLE', retryable: true });
    expect(error.userMessage).toBe(
      `Cannot reach arXiv at 127.0.0.1:${port} (connection refused; 2 attempts).`,
    );
    // The code and the URL are for the log.
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain(`http://127.0.0.1:${port}/rss/cs.AI`);
  });

  it('of a connection the server closed', async () => {
    const fake = await startFakeArxiv({ recordings: false });
    running.push(fake);
    fake.fail(faults.reset(), faults.reset());
    const error = await externalRejection(client(fake.rssUrl, fake.apiUrl).fetchListing(['cs.AI']));
    const host = new URL(fake.url).host;
    expect(error.userMessage).toMatch(
      new RegExp(`^Cannot reach arXiv at ${host} \\(connection (closed|reset); 2 attempts\\)\\.$`),
    );
  });

  it('of a timeout, with its length', async () => {
    const fake = await startFakeArxiv({ recordings: false });
    running.push(fake);
    fake.fail(faults.slow(1000));
    const error = await externalRejection(
      client(fake.rssUrl, fake.apiUrl, { timeoutMs: 100, maxRetries: 0 }).fetchListing(['cs.AI']),
    );
    expect(error.userMessage).toBe(
      `arXiv at ${new URL(fake.url).host} did not answer within 0.1 s (1 attempt).`,
    );
  });

  it('and never advises trying again itself: that is decided where the message is shown', async () => {
    const fake = await startFakeArxiv({ recordings: false });
    running.push(fake);
    fake.fail(faults.unavailable(), faults.unavailable());
    const busy = await externalRejection(client(fake.rssUrl, fake.apiUrl).fetchListing(['cs.AI']));
    expect(busy.userMessage).toBe(
      'arXiv answered HTTP 503 Service Unavailable (2 attempts): it is busy or down.',
    );
    expect(busy.userMessage).not.toMatch(/try again/i);
  });
});
