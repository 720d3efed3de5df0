import { afterEach, describe, expect, it } from 'vitest';
import { ArxivClient, type ArxivClientOptions, type RequestEvent } from '../../../src/arxiv/client.ts';
import { RateGate } from '../../../src/arxiv/rate-gate.ts';
import { ExternalError } from '../../../src/errors.ts';
import { ResponseTooLargeError } from '../../../src/http-body.ts';
import { type FakeArxiv, faults, rssListingXml, startFakeArxiv } from '../../fakes/arxiv-server.ts';

/*
 * Issue 11, item 3: a 1 GB answer from the arXiv URL took the process to 4.3 GB and failed with "Cannot create a
 * string longer than 0x1fffffe8 characters". Every read of the arXiv client (the listing, API pages, a paper's
 * HTML and PDF) now stops at its limit, with an error naming the limit and its key, is not retried, and holds
 * no more than the limit in memory. The fake streams the huge bodies without holding them.
 */

const MB = 1_000_000;

const running: FakeArxiv[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((fake) => fake.close()));
});

async function setup(options: Partial<ArxivClientOptions> = {}) {
  const fake = await startFakeArxiv({ recordings: false });
  running.push(fake);
  const events: RequestEvent[] = [];
  const client = new ArxivClient({
    rssUrl: fake.rssUrl,
    apiUrl: fake.apiUrl,
    minIntervalMs: 1,
    gate: new RateGate({ minIntervalMs: 1 }),
    timeoutMs: 10_000,
    maxRetries: 2,
    backoffBaseMs: 5,
    contact: 'https://example.org/limits',
    version: '0.0.0',
    maxListingBytes: MB,
    maxApiBytes: MB,
    maxHtmlBytes: MB,
    maxPdfBytes: MB,
    onRequest: (event) => events.push(event),
    ...options,
  });
  fake.setListing(rssListingXml([{ id: '2602.00001', title: 'A paper' }], { categories: ['cs.AI'] }));
  fake.setSearch('graph', [{ id: '2602.00002', title: 'A graph paper' }]);
  fake.setHtml('2602.00001', '<html><body><p>Fine.</p></body></html>');
  return { fake, client, events };
}

async function tooLarge(promise: Promise<unknown>): Promise<ResponseTooLargeError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ResponseTooLargeError);
  expect(error).toBeInstanceOf(ExternalError);
  return error as ResponseTooLargeError;
}

const CASES = [
  {
    kind: 'listing',
    key: 'arxiv.max_listing_bytes',
    what: "arXiv's listing",
    check: 'arxiv.rss_url',
    route: 'rss',
    read: (client: ArxivClient) => client.fetchListing(['cs.AI']),
    readFine: async (client: ArxivClient) => (await client.fetchListing(['cs.AI'])).feed.papers.length,
  },
  {
    kind: 'API page (search)',
    key: 'arxiv.max_api_bytes',
    what: "arXiv's API answer",
    check: 'arxiv.api_url',
    route: 'api',
    read: (client: ArxivClient) => client.search('graph'),
    readFine: async (client: ArxivClient) => (await client.search('graph')).papers.length,
  },
  {
    kind: 'API page (look-up)',
    key: 'arxiv.max_api_bytes',
    what: "arXiv's API answer",
    check: 'arxiv.api_url',
    route: 'api',
    read: (client: ArxivClient) => client.lookup(['2602.00002']),
    readFine: async (client: ArxivClient) => (await client.lookup(['2602.00002'])).length,
  },
  {
    kind: 'HTML page',
    key: 'arxiv.max_html_bytes',
    what: "arXiv's HTML page of the paper",
    check: 'arxiv.html_url',
    route: 'html',
    read: (client: ArxivClient, fake: FakeArxiv) =>
      client.download(`${fake.url}/html/2602.00001`, { kind: 'html' }),
    readFine: async (client: ArxivClient, fake?: FakeArxiv) =>
      (await client.download(`${fake?.url}/html/2602.00001`, { kind: 'html' })).status === 200 ? 1 : 0,
  },
  {
    kind: 'PDF',
    key: 'arxiv.max_pdf_bytes',
    what: "arXiv's PDF of the paper",
    check: 'arxiv.pdf_url',
    route: 'pdf',
    read: (client: ArxivClient, fake: FakeArxiv) =>
      client.download(`${fake.url}/pdf/2602.00001`, { kind: 'pdf' }),
    readFine: async (client: ArxivClient, fake?: FakeArxiv) =>
      (await client.download(`${fake?.url}/html/2602.00001`, { kind: 'pdf' })).status === 200 ? 1 : 0,
  },
] as const;

describe.each(CASES)('a $kind larger than its limit', ({ key, what, check, route, read, readFine }) => {
  it('streamed without a Content-Length: cut at the limit, not retried, and the client goes on', async () => {
    const { fake, client, events } = await setup();
    fake.fail(faults.huge(50 * MB, { on: route }));
    const error = await tooLarge(read(client, fake));
    expect(error).toMatchObject({
      code: 'ARXIV_HTTP',
      retryable: false,
      key,
      maxBytes: MB,
      declaredBytes: null,
    });
    expect(error.userMessage).toBe(
      `${what} was larger than 1 MB (${key}); the bot stopped reading it. Raise ${key} if answers this large are expected, or check ${check}.`,
    );
    // One request: a too-large answer would be as large again.
    expect(fake.requests.filter((r) => r.path.startsWith(`/${route}`))).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ attempt: 1, error: `larger than 1 MB (${key})` });
    // The client hung up: the fake sent a little more than the limit (socket buffers), far from 50 MB.
    await until(() => fake.inFlight === 0);
    expect(fake.hugeSent[0]).toBeLessThan(20 * MB);
    // The process and the client are fine: the next answer is read.
    expect(await readFine(client, fake)).toBe(1);
  });

  it('announced by a Content-Length above the limit: refused before reading', async () => {
    const { fake, client } = await setup();
    fake.fail(faults.huge(1024 * MB, { on: route, contentLength: true }));
    const error = await tooLarge(read(client, fake));
    expect(error).toMatchObject({ key, declaredBytes: 1024 * MB, retryable: false });
    expect(error.userMessage).toBe(
      `${what} was larger than 1 MB (${key}); it announced 1 GB, so the bot did not read it. Raise ${key} if answers this large are expected, or check ${check}.`,
    );
    expect(fake.requests).toHaveLength(1);
    await until(() => fake.inFlight === 0);
    expect(fake.hugeSent[0]).toBeLessThan(20 * MB);
    expect(await readFine(client, fake)).toBe(1);
  });
});

describe('limits per kind', () => {
  it('an answer under its limit is read whole, whatever the other limits', async () => {
    const { fake, client } = await setup({ maxListingBytes: 3 * MB, maxPdfBytes: 10_000 });
    fake.fail(faults.huge(2 * MB, { on: 'rss', contentLength: true }));
    // 2 MB of a listing's start and spaces is not a listing, but it was read: the parser judged it.
    const error = await client.fetchListing(['cs.AI']).then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).not.toBeInstanceOf(ResponseTooLargeError);
    fake.setPdf('2602.00001', Buffer.alloc(20_000, 0x25));
    await tooLarge(client.download(`${fake.url}/pdf/2602.00001`, { kind: 'pdf' }));
  });

  it('a download without a kind is held to the listing limit (a feed)', async () => {
    const { fake, client } = await setup({ maxListingBytes: 10_000, maxPdfBytes: 10 * MB });
    fake.setPdf('2602.00001', Buffer.alloc(20_000, 0x25));
    const error = await tooLarge(client.download(`${fake.url}/pdf/2602.00001`));
    expect(error.key).toBe('arxiv.max_listing_bytes');
    expect((await client.download(`${fake.url}/pdf/2602.00001`, { kind: 'pdf' })).body.length).toBe(20_000);
  });

  it('the body of a 503 is not read: it is retried, however large it is', async () => {
    const { fake, client } = await setup();
    fake.fail(faults.huge(200 * MB, { on: 'rss', status: 503 }));
    const { feed } = await client.fetchListing(['cs.AI']);
    expect(feed.papers.map((p) => p.id)).toEqual(['2602.00001']);
    expect(fake.requests).toHaveLength(2);
    await until(() => fake.inFlight === 0);
    expect(fake.hugeSent[0]).toBeLessThan(20 * MB);
  });
});

describe('memory stays bounded', () => {
  it.each([
    ['the listing', (client: ArxivClient) => client.fetchListing(['cs.AI']), 'rss'],
    [
      'a PDF',
      (client: ArxivClient, fake: FakeArxiv) => client.download(`${fake.url}/pdf/x`, { kind: 'pdf' }),
      'pdf',
    ],
  ] as const)('reading 200 MB of %s with a 10 MB limit', async (name, read, route) => {
    const { fake, client } = await setup({ maxListingBytes: 10 * MB, maxPdfBytes: 10 * MB });
    fake.fail(faults.huge(200 * MB, { on: route }));
    const { error, growth } = await measure(() => read(client, fake));
    console.log(
      `${name}, 200 MB streamed, 10 MB limit: rss +${mb(growth.rss)} MB, arrayBuffers +${mb(growth.arrayBuffers)} MB (peaks)`,
    );
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(growth.arrayBuffers).toBeLessThan(50 * MB);
    expect(growth.rss).toBeLessThan(100 * MB);
  });
});

/** Peak growth of rss and arrayBuffers while `work` runs (sampled every few ms) and right after it. */
async function measure(work: () => Promise<unknown>) {
  const before = process.memoryUsage();
  const peak = { rss: before.rss, arrayBuffers: before.arrayBuffers };
  const sample = () => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers);
  };
  const timer = setInterval(sample, 2);
  let error: unknown = null;
  let result: unknown;
  try {
    result = await work();
  } catch (caught) {
    error = caught;
  } finally {
    clearInterval(timer);
  }
  sample();
  return {
    error,
    result,
    growth: { rss: peak.rss - before.rss, arrayBuffers: peak.arrayBuffers - before.arrayBuffers },
  };
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
