import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ArxivClient, type ArxivClientOptions, type RequestEvent } from '../../../src/arxiv/client.ts';
import { type Clock, RateGate } from '../../../src/arxiv/rate-gate.ts';
import { ExternalError } from '../../../src/errors.ts';
import {
  atomFeedXml,
  type FakeArxiv,
  type FeedPaper,
  faults,
  rssListingXml,
  startFakeArxiv,
} from '../../fakes/arxiv-server.ts';
import { describeWithSharedFixtures } from '../../support/shared-fixtures.ts';

/** The interval of the test that measures it; the others use a shorter one to stay fast. */
const INTERVAL_MS = 100;
const FAST_INTERVAL_MS = 10;
/**
 * The fake runs on this process's event loop, so it records an arrival late when the loop is busy (parsing
 * the previous answer, say): two arrivals can look a few ms closer than the two starts were. The exact
 * spacing of starts is shown with a fake clock in test/unit/arxiv/rate-gate.test.ts.
 */
const JITTER_MS = 15;

const running: FakeArxiv[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((fake) => fake.close()));
});

async function setup(options: Partial<ArxivClientOptions> = {}) {
  const fake = await startFakeArxiv();
  running.push(fake);
  const events: RequestEvent[] = [];
  const client = new ArxivClient({
    rssUrl: fake.rssUrl,
    apiUrl: fake.apiUrl,
    minIntervalMs: FAST_INTERVAL_MS,
    timeoutMs: 2000,
    maxRetries: 3,
    contact: 'https://example.org/our-bot',
    version: '9.9.9',
    gate: new RateGate({ minIntervalMs: FAST_INTERVAL_MS }),
    backoffBaseMs: 20,
    onRequest: (event) => events.push(event),
    ...options,
  });
  return { fake, client, events };
}

/** Time that passes only when the gate sleeps, so waits of seconds take none. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

function papers(count: number, prefix = '2602'): FeedPaper[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}.${String(i + 1).padStart(5, '0')}`,
    title: `Graph paper ${i + 1}`,
    categories: ['cs.LG'],
  }));
}

function gaps(fake: FakeArxiv): number[] {
  return fake.requests.slice(1).map((request, i) => request.arrivedAt - (fake.requests[i]?.arrivedAt ?? 0));
}

async function rejectionOf(promise: Promise<unknown>): Promise<ExternalError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ExternalError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('ArxivClient against the fake arXiv', () => {
  it('fetches the listing of several categories in one combined request, with a descriptive User-Agent', async () => {
    const { fake, client } = await setup();
    fake.setListing(rssListingXml(papers(3), { categories: ['cs.AI', 'cs.LG'] }));
    const { url, feed } = await client.fetchListing(['cs.ai', 'cs.LG']);
    expect(url).toBe(`${fake.rssUrl}/cs.AI+cs.LG`);
    expect(feed.papers.map((p) => p.id)).toEqual(['2602.00001', '2602.00002', '2602.00003']);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.path).toBe('/rss/cs.AI+cs.LG');
    expect(fake.requests[0]?.headers['user-agent']).toBe('arxiv-digest/9.9.9 (+https://example.org/our-bot)');
    expect(client.userAgent).toBe('arxiv-digest/9.9.9 (+https://example.org/our-bot)');
  });

  it('names a contact email as mailto: in the User-Agent', async () => {
    const { client } = await setup({ contact: 'team@example.org' });
    expect(client.userAgent).toBe('arxiv-digest/9.9.9 (mailto:team@example.org)');
  });

  it('never has two requests in flight and never starts them closer than the interval, across clients', async () => {
    const gate = new RateGate({ minIntervalMs: INTERVAL_MS });
    const { fake, client } = await setup({ gate });
    const other = new ArxivClient({
      rssUrl: fake.rssUrl,
      apiUrl: fake.apiUrl,
      minIntervalMs: INTERVAL_MS,
      timeoutMs: 2000,
      maxRetries: 0,
      contact: 'https://example.org/other',
      version: '1.0.0',
      gate,
    });
    fake.setListing(rssListingXml(papers(2)));
    fake.setSearch('graph', papers(5));
    // The first request also opens the connection, so it reaches the server later after its start than the
    // others do; gaps are measured from the second request on.
    await client.fetchListing(['cs.AI']);
    fake.fail(faults.slow(40));
    await Promise.all([
      client.fetchListing(['cs.AI']),
      other.fetchListing(['cs.LG']),
      client.search('graph', { max: 5 }),
      other.download(`${fake.url}/pdf/2602.00001`),
      client.lookup(['2602.00001', '2602.00002']),
      other.search('graph', { max: 2 }),
    ]);
    expect(fake.requests).toHaveLength(7);
    expect(fake.maxInFlight).toBe(1);
    for (const gap of gaps(fake).slice(1)) expect(gap).toBeGreaterThanOrEqual(INTERVAL_MS - JITTER_MS);
  });

  it('retries a 429, waiting as long as Retry-After says', async () => {
    const { fake, client, events } = await setup();
    fake.setListing(rssListingXml(papers(1)));
    fake.fail(faults.tooManyRequests(1));
    const { feed } = await client.fetchListing(['cs.AI']);
    expect(feed.papers).toHaveLength(1);
    expect(events.map((event) => event.status)).toEqual([429, 200]);
    const [gap = 0] = gaps(fake);
    expect(gap).toBeGreaterThanOrEqual(1000 - JITTER_MS);
    expect(gap).toBeLessThan(1000 + 500);
  });

  it('backs off exponentially with jitter, or as long as an HTTP-date Retry-After says (fake clock)', async () => {
    const clock = fakeClock();
    const gate = new RateGate({ minIntervalMs: 0, clock });
    const { fake, client } = await setup({ gate, backoffBaseMs: 1000, random: () => 0.5, maxRetries: 4 });
    fake.setListing(rssListingXml(papers(1)));
    const inThirtySeconds = new Date(Date.now() + 30_000).toUTCString();
    fake.fail(
      faults.serverError(),
      faults.reset(),
      faults.unavailable(inThirtySeconds),
      faults.serverError(),
    );
    await client.fetchListing(['cs.AI']);
    expect(fake.requests).toHaveLength(5);
    const [first, second, dated, fourth] = clock.sleeps;
    // Before retry n: base * 2^(n-1), of which the upper half is random (0.5 here): 750, 1500, (dated), 6000.
    expect([first, second, fourth]).toEqual([750, 1500, 6000]);
    // An HTTP date has whole seconds, so the wait is between 29 and 30 s.
    expect(dated).toBeGreaterThan(28_000);
    expect(dated).toBeLessThanOrEqual(30_000);
  });

  it('caps a long Retry-After and says so in the log', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const { fake, client } = await setup({ maxRetryWaitMs: 150, logger });
    fake.setListing(rssListingXml(papers(1)));
    fake.fail(faults.unavailable(3600));
    await client.fetchListing(['cs.AI']);
    const [gap = 0] = gaps(fake);
    expect(gap).toBeGreaterThanOrEqual(150 - JITTER_MS);
    expect(gap).toBeLessThan(1000);
    expect(lines.join('')).toContain(
      'arXiv asked to wait 3600 s; waiting 0.15 s, the longest this client waits',
    );
  });

  it('retries 500s and reset connections with backoff, reporting every attempt', async () => {
    const { fake, client, events } = await setup();
    fake.setSearch('graph', papers(3));
    fake.fail(faults.serverError(), faults.reset());
    const result = await client.search('graph');
    expect(result.papers).toHaveLength(3);
    expect(events.map((event) => event.attempt)).toEqual([1, 2, 3]);
    expect(events[0]?.status).toBe(500);
    expect(events[1]?.error).toMatch(/ECONNRESET|other side closed|socket/i);
    expect(events[2]?.status).toBe(200);
    expect(events.every((event) => event.durationMs >= 0 && event.url.startsWith(fake.apiUrl))).toBe(true);
  });

  it('gives up after maxRetries with a retryable ARXIV_HTTP naming the status', async () => {
    const { fake, client } = await setup({ maxRetries: 2 });
    fake.fail(faults.unavailable(), faults.unavailable(), faults.unavailable(), faults.unavailable());
    const error = await rejectionOf(client.fetchListing(['cs.AI']));
    expect(error).toMatchObject({ code: 'ARXIV_HTTP', retryable: true });
    expect(error.userMessage).toContain('HTTP 503');
    expect(error.userMessage).toContain('3 attempts');
    expect(fake.requests).toHaveLength(3);
  });

  it('reports an unreachable arXiv as ARXIV_UNREACHABLE', async () => {
    const { fake, client } = await setup({ maxRetries: 1 });
    await fake.close();
    running.splice(running.indexOf(fake), 1);
    const error = await rejectionOf(client.fetchListing(['cs.AI']));
    expect(error).toMatchObject({ code: 'ARXIV_UNREACHABLE', retryable: true });
    expect(error.userMessage).toMatch(
      /^Cannot reach arXiv at 127\.0\.0\.1:\d+ \(connection refused; 2 attempts\)\.$/,
    );
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('times out a slow answer and tries again', async () => {
    const { fake, client, events } = await setup({ timeoutMs: 150 });
    fake.setListing(rssListingXml(papers(1)));
    fake.fail(faults.slow(2000));
    const { feed } = await client.fetchListing(['cs.AI']);
    expect(feed.papers).toHaveLength(1);
    expect(events[0]?.error).toBe('no answer within 0.15 s');
    expect(events[0]?.durationMs).toBeGreaterThanOrEqual(140);
    expect(events[1]?.status).toBe(200);
    // The fake saw the first request end when the client gave up on it, not 2 s later.
    expect((fake.requests[0]?.completedAt ?? 0) - (fake.requests[0]?.arrivedAt ?? 0)).toBeLessThan(1000);
  });

  it('says when the timeout ran out on the last attempt', async () => {
    const { fake, client } = await setup({ timeoutMs: 100, maxRetries: 0 });
    fake.fail(faults.slow(1000));
    const error = await rejectionOf(client.fetchListing(['cs.AI']));
    expect(error).toMatchObject({ code: 'ARXIV_UNREACHABLE', retryable: true });
    expect(error.userMessage).toContain('did not answer within 0.1 s');
  });

  it('asks again for an API page that came back empty while totalResults says there is more', async () => {
    const { fake, client } = await setup();
    fake.setSearch('graph', papers(4));
    fake.fail(faults.emptyPage());
    const result = await client.search('graph', { max: 10 });
    expect(result.papers).toHaveLength(4);
    expect(fake.requests.map((request) => request.query.start)).toEqual(['0', '0']);
  });

  it('fails with ARXIV_HTTP when the pages stay empty', async () => {
    const { fake, client } = await setup({ maxRetries: 1 });
    fake.setSearch('graph', papers(4));
    fake.fail(faults.emptyPage(), faults.emptyPage());
    const error = await rejectionOf(client.search('graph'));
    expect(error).toMatchObject({ code: 'ARXIV_HTTP', retryable: true });
    expect(error.userMessage).toContain('empty pages although it reports 4 results');
  });

  it('pages through results, quoting the user’s words', async () => {
    const { fake, client } = await setup({ pageSize: 100 });
    fake.setSearch('graph', papers(250));
    const result = await client.search('graph', { max: 230, sortBy: 'submittedDate' });
    expect(result).toMatchObject({ kind: 'search', totalResults: 250, startIndex: 0, itemsPerPage: 230 });
    expect(result.papers.map((p) => p.id)).toEqual(papers(230).map((p) => p.id));
    expect(
      fake.requests.map((r) => [r.query.search_query, r.query.start, r.query.max_results, r.query.sortBy]),
    ).toEqual([
      ['all:"graph"', '0', '100', 'submittedDate'],
      ['all:"graph"', '100', '100', 'submittedDate'],
      ['all:"graph"', '200', '30', 'submittedDate'],
    ]);
  });

  it('stops when arXiv repeats a page instead of paging on to totalResults', async () => {
    const { fake, client } = await setup({ pageSize: 2 });
    fake.setSearch('graph', papers(2), { totalResults: 1000 });
    fake.setApiResponse(
      { search_query: 'graph', start: 2 },
      { body: atomFeedXml(papers(2), { totalResults: 1000 }) },
    );
    const result = await client.search('graph', { max: 10 });
    expect(result.papers.map((p) => p.id)).toEqual(['2602.00001', '2602.00002']);
    expect(fake.requests.map((r) => r.query.start)).toEqual(['0', '2']);
  });

  it('stops at the last result and sends categories as cat: clauses', async () => {
    const { fake, client } = await setup();
    fake.setSearch('graph', [...papers(3), { id: '2602.09999', categories: ['cs.CV'] }]);
    const result = await client.search('graph', { max: 50, categories: ['cs.LG', 'stat.ML'] });
    expect(result.papers.map((p) => p.id)).toEqual(['2602.00001', '2602.00002', '2602.00003']);
    expect(fake.requests.map((r) => r.query.search_query)).toEqual([
      'all:"graph" AND (cat:cs.LG OR cat:stat.ML)',
    ]);
  });

  it('keeps user-typed syntax out of the query', async () => {
    const { fake, client } = await setup();
    await client.search('ti:x") OR (au:"y', { max: 1 });
    // The quotes pair into a phrase, `") OR (au:"` read as the words "or au": no syntax gets through.
    expect(fake.requests[0]?.query.search_query).toBe('all:"ti" AND all:"x" AND all:"or au" AND all:"y"');
  });

  it('carries arXiv’s own message when the API rejects a query, without retrying', async () => {
    const { fake, client } = await setup();
    fake.setApiResponse(
      { search_query: 'all:"graph"' },
      {
        status: 400,
        body: `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/</id><title>arXiv Search Results</title><updated>2026-02-04T12:00:00Z</updated>
  <opensearch:itemsPerPage>1</opensearch:itemsPerPage><opensearch:totalResults>1</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <entry><id>https://arxiv.org/api/errors#start_must_be_an_integer</id><title>Error</title>
  <summary>start must be an integer</summary></entry>
</feed>`,
      },
    );
    const error = await rejectionOf(client.search('graph'));
    expect(error).toMatchObject({ code: 'ARXIV_API_ERROR', retryable: false });
    expect(error.userMessage).toBe('arXiv rejected the query: start must be an integer.');
    expect(fake.requests).toHaveLength(1);
  });

  it('reports a 4xx without arXiv’s explanation as a definite ARXIV_HTTP', async () => {
    const { fake, client } = await setup();
    fake.fail({ kind: 'status', status: 403, body: '<html>Forbidden</html>' });
    const error = await rejectionOf(client.fetchListing(['cs.AI']));
    expect(error).toMatchObject({ code: 'ARXIV_HTTP', retryable: false });
    expect(error.userMessage).toContain('HTTP 403');
    expect(fake.requests).toHaveLength(1);
  });

  it('carries arXiv’s message from an error feed', async () => {
    const { fake, client } = await setup();
    fake.setListing(
      rssListingXml([], { categories: ['cs.AI'] })
        .replace(
          '<title>cs.AI updates on arXiv.org</title>',
          '<title>Feed error for query: http://rss.arxiv.org/rss/cs.AI</title>',
        )
        .replace(/<description>[^<]*<\/description>/, "<description>Bad archive 'cs.AI'.</description>"),
    );
    const error = await rejectionOf(client.fetchListing(['cs.AI']));
    expect(error).toMatchObject({ code: 'ARXIV_FEED_ERROR' });
    expect(error.userMessage).toContain("Bad archive 'cs.AI'");
  });

  it('does not use a malformed answer, nor retry it', async () => {
    const { fake, client } = await setup();
    fake.setListing(rssListingXml(papers(5)));
    fake.fail(faults.malformed());
    const error = await rejectionOf(client.fetchListing(['cs.AI']));
    expect(error).toMatchObject({ code: 'ARXIV_MALFORMED' });
    expect(fake.requests).toHaveLength(1);
  });

  it('looks ids up in batches, in order, leaving unknown ids out', async () => {
    const { fake, client } = await setup({ pageSize: 2 });
    fake.setSearch('graph', papers(5));
    const found = await client.lookup([
      '2602.00003',
      'arXiv:2602.00001v1',
      'https://arxiv.org/abs/2602.00005',
      '2602.00004',
      '2602.99999',
    ]);
    expect(found.map((p) => p.id)).toEqual(['2602.00003', '2602.00001', '2602.00005', '2602.00004']);
    expect(fake.requests.map((r) => r.query.id_list)).toEqual([
      '2602.00003,2602.00001v1',
      '2602.00005,2602.00004',
      '2602.99999',
    ]);
  });

  it('downloads through the gate, returning a 404 instead of throwing', async () => {
    const { fake, client } = await setup();
    fake.setPdf('2602.00001', Buffer.from('%PDF-1.5 fake'));
    fake.setHtml('2602.00001v2', '<html><body>full text</body></html>');
    fake.fail(faults.unavailable());
    const pdf = await client.download(`${fake.url}/pdf/2602.00001v1`, { accept: 'application/pdf' });
    expect(pdf).toMatchObject({
      status: 200,
      contentType: 'application/pdf',
      url: `${fake.url}/pdf/2602.00001v1`,
    });
    expect(pdf.body.toString()).toBe('%PDF-1.5 fake');
    expect(fake.requests[1]?.headers.accept).toBe('application/pdf');
    const html = await client.download(`${fake.url}/html/2602.00001v2`);
    expect(html.body.toString()).toContain('full text');
    const missing = await client.download(`${fake.url}/html/2602.00002`);
    expect(missing.status).toBe(404);
    expect(fake.maxInFlight).toBe(1);
  });

  it('gives up waiting in the gate when the caller aborts, sending nothing', async () => {
    const { fake, client } = await setup({ gate: new RateGate({ minIntervalMs: 5000 }) });
    fake.setListing(rssListingXml(papers(1)));
    await client.fetchListing(['cs.AI']);
    const controller = new AbortController();
    const pending = client.fetchListing(['cs.AI'], { signal: controller.signal });
    controller.abort(new Error('user left'));
    await expect(pending).rejects.toThrow('user left');
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses unknown categories before asking arXiv', async () => {
    const { fake, client } = await setup();
    await expect(client.fetchListing(['cs.XY'])).rejects.toMatchObject({
      code: 'QUERY_INVALID',
      kind: 'user',
    });
    await expect(client.fetchListing([])).rejects.toMatchObject({ code: 'QUERY_INVALID' });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a search for too many results', async () => {
    const { client } = await setup();
    await expect(client.search('graph', { max: 5000 })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });
});

describeWithSharedFixtures('ArxivClient against the fake arXiv serving the real recordings', () => {
  it('gets the combined listing of two archives from the real feed', async () => {
    const { fake, client } = await setup();
    const { feed } = await client.fetchListing(['cs.AI', 'math.GT']);
    expect(feed.announced).toBe('2024-11-28');
    expect(feed.papers.length).toBeGreaterThan(10);
    expect(feed.papers.every((p) => p.categories.some((c) => c === 'cs.AI' || c === 'math.GT'))).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('searches the recorded testing page and looks up recorded old-style ids', async () => {
    const { client } = await setup();
    const result = await client.search('testing', { max: 100 });
    expect(result.totalResults).toBe(214881);
    expect(result.papers).toHaveLength(100);
    const found = await client.lookup(['astro-ph/0601001', 'quant-ph/0201082v1', '1111.2011v2']);
    expect(found.map((p) => [p.id, p.version])).toEqual([
      ['astro-ph/0601001', 1],
      ['quant-ph/0201082', 1],
      ['1111.2011', 2],
    ]);
  });

  it('answers a malformed id with the recorded 400 error entry', async () => {
    const fake = await startFakeArxiv();
    running.push(fake);
    const response = await fetch(`${fake.apiUrl}?id_list=abc&start=0&max_results=100`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<summary>incorrect id format for abc</summary>');
  });

  it('answers an unknown archive with arXiv’s error feed', async () => {
    const fake = await startFakeArxiv();
    running.push(fake);
    const body = await (await fetch(`${fake.rssUrl}/astroph`)).text();
    expect(body).toContain('<title>Feed error for query: http://rss.arxiv.org/rss/astroph</title>');
    expect(body).toContain("Bad archive 'astroph'");
  });
});
