import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { Agent, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Digest } from '../../../src/digest/digest.ts';
import { FeedTokenRepository } from '../../../src/store/repositories/feeds.ts';
import { TEST_CHANNEL } from '../../fakes/memory-adapter.ts';
import { hostileDigest } from '../../unit/digest/digests.ts';
import { type HttpWorld, PUBLIC_URL, recordDelivery, request, startWorld, subscribe } from './harness.ts';

const HOSTILE_TITLE =
  'LLM <script>alert(1)</script> ](javascript:alert(1)) <!channel> @everyone *bold* _it_ | A & B';

let world: HttpWorld;
const url = (path: string) => `${world.server.url}${path}`;
const tempDir = () => mkdtempSync(join(tmpdir(), 'arxiv-digest-http-'));

beforeEach(async () => {
  world = await startWorld(tempDir());
});

afterEach(async () => {
  await world.close();
});

interface RssItem {
  title: string;
  link: string;
  guid: { '#text': string; '@_isPermaLink': string };
  pubDate: string;
  description: string;
  category: string[];
}

interface Rss {
  rss: {
    '@_version': string;
    channel: {
      title: string;
      link: string;
      description: string;
      'atom:link'?: { '@_href': string; '@_rel': string };
      item?: RssItem[];
    };
  };
}

const parseRss = (xml: string) =>
  new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    parseAttributeValue: false,
    htmlEntities: true,
    isArray: (name) => name === 'item' || name === 'category',
  }).parse(xml) as Rss;

describe('GET /healthz', () => {
  it('answers 200 with the adapters, the store and the last digest while all is well', async () => {
    const before = await request(url('/healthz'));
    expect(before.status).toBe(200);
    expect(before.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(before.body)).toEqual({
      status: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      adapters: [{ platform: 'test', connected: true, detail: 'test: in-memory workspace' }],
      store: { description: expect.stringMatching(/^sqlite:\/\/.*state\.sqlite$/), reachable: true },
      lastDigestAt: null,
    });

    const subscription = await world.bot.subscriptions.get(TEST_CHANNEL);
    if (!subscription) throw new Error('no seeded subscription');
    await world.bot.deliverScheduled([subscription]);
    const after = JSON.parse((await request(url('/healthz'))).body) as { lastDigestAt: string };
    expect(Date.parse(after.lastDigestAt)).not.toBeNaN();
  });

  it('counts a digest posted on demand (/arxiv digest) as the last digest too', async () => {
    await world.chat.command('/arxiv digest', { channel: TEST_CHANNEL });
    expect(world.chat.postsTo(TEST_CHANNEL).length).toBeGreaterThan(1);
    const health = JSON.parse((await request(url('/healthz'))).body) as { lastDigestAt: string | null };
    expect(health.lastDigestAt).not.toBeNull();
    expect(Date.parse(health.lastDigestAt ?? '')).not.toBeNaN();
  });

  it('answers 503 when an adapter disconnects', async () => {
    await world.chat.stop();
    const answer = await request(url('/healthz'));
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 'unavailable',
      adapters: [{ platform: 'test', connected: false }],
      store: { reachable: true },
    });
  });

  it('answers 503 when the store is closed', async () => {
    await world.store.close();
    const answer = await request(url('/healthz'));
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 'unavailable',
      adapters: [{ connected: true }],
      store: { reachable: false },
    });
  });

  it('answers 503 when the health check itself fails', async () => {
    await world.close();
    world = await startWorld(tempDir(), {
      health: () => Promise.reject(new Error('broken health check')),
    });
    const answer = await request(url('/healthz'));
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({ status: 'unavailable' });
    expect(world.logs.some((line) => line.msg === 'the health check failed')).toBe(true);
  });
});

describe('GET /metrics', () => {
  it('serves the registry in Prometheus text format, counting what the bot did', async () => {
    const subscription = await world.bot.subscriptions.get(TEST_CHANNEL);
    if (!subscription) throw new Error('no seeded subscription');
    await world.bot.deliverScheduled([subscription]);

    const answer = await request(url('/metrics'));
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(world.metrics.registry.contentType);
    expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    // prom-client writes NaN as "Nan" (the event loop lag before its first sample); Prometheus reads floats
    // with Go's ParseFloat, which takes either.
    const sample =
      /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (-?[0-9.]+(e[+-]?\d+)?|NaN|Nan|[+-]Inf)$/;
    const lines = answer.body.split('\n').filter((line) => line !== '');
    const bad = lines.filter(
      (line) => !line.startsWith('# HELP ') && !line.startsWith('# TYPE ') && !sample.test(line),
    );
    expect(bad).toEqual([]);
    expect(lines).toContain('arxiv_digest_digests_delivered_total{platform="test"} 1');
    expect(lines).toContain('arxiv_digest_papers_delivered_total{platform="test"} 3');
    expect(lines).toContain('# TYPE arxiv_digest_command_seconds histogram');
    // The process metrics say "process" once, as Prometheus's own clients name them.
    expect(lines).toContain('# TYPE arxiv_digest_process_cpu_seconds_total counter');
    expect(lines.filter((line) => line.includes('process_process'))).toEqual([]);
    expect(lines.some((line) => line.startsWith('arxiv_digest_nodejs_eventloop_lag_seconds'))).toBe(true);
  });
});

describe('GET /feeds/<token>.xml', () => {
  it("serves a channel's delivered digests as RSS 2.0 that parses back to the papers", async () => {
    const subscription = await world.bot.subscriptions.get(TEST_CHANNEL);
    if (!subscription) throw new Error('no seeded subscription');
    await world.bot.deliverScheduled([subscription]);
    const token = await world.bot.feeds.tokenFor(TEST_CHANNEL);

    const answer = await request(url(`/feeds/${token}.xml`));
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('private, max-age=300');
    const { rss } = parseRss(answer.body);
    expect(rss['@_version']).toBe('2.0');
    expect(rss.channel.title).toBe('arXiv digest: mixture of experts, distributed training, translation');
    expect(rss.channel['atom:link']).toMatchObject({
      '@_href': `${PUBLIC_URL}/feeds/${token}.xml`,
      '@_rel': 'self',
    });
    const items = rss.channel.item ?? [];
    expect(items.map((item) => item.title)).toEqual([
      expect.stringContaining('Tokenizer-Free Translation'),
      expect.stringContaining('Distributed Training Without Parameter Servers'),
      expect.stringContaining('Sparse Mixture-of-Experts Routing'),
    ]);
    for (const item of items) {
      expect(item.link).toMatch(/^https:\/\/arxiv\.org\/abs\/\d{4}\.\d{4,5}$/);
      expect(item.guid['#text']).toBe(item.link);
      expect(item.description).toContain('<strong>Score:</strong>');
    }
  });

  it('carries hostile titles and summaries as text, and leaves out deliveries not finished', async () => {
    const target = 'test:hostile';
    const digest = hostileDigest('2024-11-28T14:47:20.000Z');
    await recordDelivery(world, target, { ...digest, announced: '2024-11-28' });
    await recordDelivery(
      world,
      target,
      {
        ...hostileDigest('2024-11-29T14:47:20.000Z'),
        announced: '2024-11-29',
        papers: digest.papers.slice(1, 2),
      },
      { completed: false },
    );
    const token = await world.bot.feeds.tokenFor(target);

    const answer = await request(url(`/feeds/${token}.xml`));
    const items = parseRss(answer.body).rss.channel.item ?? [];
    expect(items.map((item) => item.title)).toEqual(digest.papers.map((ranked) => ranked.paper.title));
    const hostile = items.find((item) => item.title === HOSTILE_TITLE);
    // The description is HTML whose text is escaped: the summary's markup reads as text.
    expect(hostile?.description).toContain('&lt;b&gt;Bold&lt;/b&gt; claim');
    expect(hostile?.description).not.toContain('<script>');
    // When arXiv announced it (Wednesday 20:00 US Eastern for Thursday's listing), not when the digest was made.
    expect(hostile?.pubDate).toBe('Thu, 28 Nov 2024 01:00:00 GMT');
  });

  it('answers 304 to a reader whose copy is current, and 200 once a digest is added', async () => {
    const target = 'test:etag';
    await recordDelivery(world, target, {
      ...hostileDigest('2024-11-28T14:47:20.000Z'),
      announced: '2024-11-28',
    });
    const token = await world.bot.feeds.tokenFor(target);
    const first = await request(url(`/feeds/${token}.xml`));
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers['last-modified']).toBe('Thu, 28 Nov 2024 14:47:20 GMT');

    const cached = await request(url(`/feeds/${token}.xml`), {
      headers: { 'if-none-match': etag as string },
    });
    expect(cached.status).toBe(304);
    expect(cached.body).toBe('');
    expect(cached.headers.etag).toBe(etag);
    const since = await request(url(`/feeds/${token}.xml`), {
      headers: { 'if-modified-since': 'Thu, 28 Nov 2024 14:47:20 GMT' },
    });
    expect(since.status).toBe(304);

    await recordDelivery(world, target, {
      ...hostileDigest('2024-11-29T14:47:20.000Z'),
      announced: '2024-11-29',
    });
    const changed = await request(url(`/feeds/${token}.xml`), {
      headers: { 'if-none-match': etag as string },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.headers['last-modified']).toBe('Fri, 29 Nov 2024 14:47:20 GMT');
  });

  it('serves an empty feed for a token whose channel has no digest yet', async () => {
    const token = await world.bot.feeds.tokenFor('test:quiet');
    const answer = await request(url(`/feeds/${token}.xml`));
    expect(answer.status).toBe(200);
    const { channel } = parseRss(answer.body).rss;
    expect(channel.item).toBeUndefined();
    expect(channel.description).toBe('No digest has been delivered to this channel yet.');
  });

  it('answers a revoked, unknown or malformed token exactly like an unknown path', async () => {
    const target = 'test:revoked';
    await recordDelivery(world, target, hostileDigest());
    const token = await world.bot.feeds.tokenFor(target);
    expect((await request(url(`/feeds/${token}.xml`))).status).toBe(200);
    await world.bot.feeds.revoke(target);

    const unknownPath = await request(url('/no/such/page'));
    expect(unknownPath.status).toBe(404);
    const unknownToken = await new FeedTokenRepository(world.store).tokenFor('test:other');
    await world.bot.feeds.revoke('test:other');
    for (const path of [`/feeds/${token}.xml`, `/feeds/${unknownToken}.xml`, '/feeds/short.xml', '/feeds/']) {
      const answer = await request(url(path));
      expect({
        path,
        status: answer.status,
        body: answer.body,
        type: answer.headers['content-type'],
      }).toEqual({
        path,
        status: 404,
        body: unknownPath.body,
        type: unknownPath.headers['content-type'],
      });
    }
  });

  it('leaves the self link out when no public URL is set, rather than name an address readers do not use', async () => {
    // main.ts passes the listening address when neither PUBLIC_URL nor http.public_url is set.
    for (const publicUrl of [null, 'http://127.0.0.1:0']) {
      await world.close();
      world = await startWorld(tempDir(), { publicUrl });
      const token = await world.bot.feeds.tokenFor(TEST_CHANNEL);
      const body = (await request(url(`/feeds/${token}.xml`))).body;
      expect(parseRss(body).rss.channel['atom:link']).toBeUndefined();
      expect(body).not.toContain('rel="self"');
    }
  });
});

describe('GET /digests', () => {
  it('lists the public channels only, with every title escaped, under a strict CSP and no script', async () => {
    const digest = hostileDigest();
    const retitled = (title: string): Digest => ({
      ...digest,
      papers: digest.papers.slice(1, 2).map((ranked) => ({ ...ranked, paper: { ...ranked.paper, title } })),
    });
    await subscribe(world, 'test:public', { public: true });
    await recordDelivery(world, 'test:public', digest);
    await subscribe(world, 'test:private', { public: false });
    await recordDelivery(world, 'test:private', retitled('Private paper title'));
    await subscribe(world, 'test:@someone', { public: true, kind: 'user' });
    await recordDelivery(world, 'test:@someone', retitled('Direct message paper'));

    const answer = await request(url('/digests'));
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = answer.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-inline|unsafe-eval/);
    // The one inline stylesheet is allowed by its hash, so the page still shows styled under the CSP.
    const style = /<style>([\s\S]*?)<\/style>/.exec(answer.body)?.[1] ?? '';
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);

    const page = answer.body;
    // Text never opens a tag (every "<" in it is escaped), so these are the page's own tags and links.
    expect(page).not.toMatch(/<script|<[^>]*\son[a-z]+=/i);
    const links = [...page.matchAll(/href="([^"]*)"/g)].map((match) => match[1]);
    expect(links.every((link) => /^(https:\/\/arxiv\.org\/abs\/[\w./-]+|#c-[\w-]+)$/.test(link ?? ''))).toBe(
      true,
    );
    expect(page).toContain(
      'LLM &lt;script&gt;alert(1)&lt;/script&gt; ](javascript:alert(1)) &lt;!channel&gt; @everyone *bold* _it_ | A &amp; B',
    );
    for (const ranked of digest.papers) {
      expect(page).toContain(`<a href="https://arxiv.org/abs/${ranked.paper.id}" rel="noreferrer">`);
    }
    expect(page).toContain('&lt;b&gt;Bold&lt;/b&gt; claim');
    expect(page).not.toContain('Private paper title');
    expect(page).not.toContain('Direct message paper');
    expect(page.match(/<section /g)).toHaveLength(1);
  });

  it('serves a made page for archiveCacheMs, with an entity tag for readers', async () => {
    await world.close();
    world = await startWorld(tempDir(), { archiveCacheMs: 60_000 });
    const first = await request(url('/digests'));
    await subscribe(world, 'test:public', { public: true });
    await recordDelivery(world, 'test:public', hostileDigest());
    const second = await request(url('/digests'));
    expect(second.body).toBe(first.body);
    const revalidated = await request(url('/digests'), {
      headers: { 'if-none-match': first.headers.etag as string },
    });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers['content-security-policy']).toBe(first.headers['content-security-policy']);
  });

  it('says how to be listed when no channel is public', async () => {
    const answer = await request(url('/digests'));
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<code>/arxiv public on</code>');
  });
});

describe('methods, unknown paths and headers', () => {
  it('answers 405 with Allow to any method but GET and HEAD on a GET route', async () => {
    const token = await world.bot.feeds.tokenFor(TEST_CHANNEL);
    for (const path of ['/healthz', '/metrics', '/digests', `/feeds/${token}.xml`]) {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const answer = await request(url(path), { method, body: '{}' });
        expect({ path, method, status: answer.status, allow: answer.headers.allow }).toEqual({
          path,
          method,
          status: 405,
          allow: 'GET, HEAD',
        });
      }
      const head = await request(url(path), { method: 'HEAD' });
      expect({ path, status: head.status, body: head.body }).toEqual({ path, status: 200, body: '' });
    }
    // A POST to the feed changed nothing: the token still opens the feed.
    expect((await request(url(`/feeds/${token}.xml`))).status).toBe(200);
  });

  it('sends nosniff and no-referrer on every answer, and 404 for unknown paths', async () => {
    for (const path of ['/healthz', '/metrics', '/digests', '/', '/healthz/', '/feeds', '/slack/events']) {
      const answer = await request(url(path));
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      if (path === '/' || path === '/healthz/' || path === '/feeds' || path === '/slack/events') {
        expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      }
    }
  });

  it('logs requests by route at debug level, never the token or the query string', async () => {
    const token = await world.bot.feeds.tokenFor(TEST_CHANNEL);
    await request(url(`/feeds/${token}.xml?key=query-secret`));
    await request(url(`/feeds/${token}x.xml`));
    await request(url('/private-looking-path?key=query-secret'));
    const lines = world.logs.filter((line) => line.msg === 'http request');
    expect(lines.map((line) => [line.level, line.route, line.status])).toEqual([
      [20, 'feed', 200],
      [20, 'feed', 404],
      [20, 'unknown', 404],
    ]);
    const everything = JSON.stringify(world.logs);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('query-secret');
    expect(everything).not.toContain('private-looking-path');
  });
});

describe('mounted listeners', () => {
  it('hand POST bodies to the listener intact and pass its answer through; other methods get 405', async () => {
    const received: Array<{ url: string | undefined; type: string | undefined; body: Buffer }> = [];
    await world.close();
    world = await startWorld(tempDir(), {
      mounts: [
        {
          path: '/slack/events',
          listener: (incoming, response) => {
            const chunks: Buffer[] = [];
            incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
            incoming.on('end', () => {
              received.push({
                url: incoming.url,
                type: incoming.headers['content-type'],
                body: Buffer.concat(chunks),
              });
              response.writeHead(200, { 'content-type': 'application/json' });
              response.end('{"ok":true}');
            });
          },
        },
      ],
    });
    const form = `command=%2Farxiv&text=${encodeURIComponent('subscribe "κ-means", LLM ✓')}&pad=${'x'.repeat(300_000)}`;
    const answer = await request(url('/slack/events?retry=1'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(answer).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(received).toHaveLength(1);
    expect(received[0]?.url).toBe('/slack/events?retry=1');
    expect(received[0]?.type).toBe('application/x-www-form-urlencoded');
    expect(received[0]?.body.equals(Buffer.from(form))).toBe(true);

    const get = await request(url('/slack/events'));
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(received).toHaveLength(1);
  });
});

describe('close()', () => {
  it('stops accepting at once, lets a slow request in flight finish, then resolves', async () => {
    await world.close();
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const events: string[] = [];
    world = await startWorld(tempDir(), {
      mounts: [
        {
          path: '/slow',
          listener: (incoming, response) => {
            incoming.resume();
            reached();
            void released.then(() => {
              events.push('answered');
              response.end('finished late');
            });
          },
        },
      ],
    });
    const address = world.server.url;
    const slow = request(`${address}/slow`, { method: 'POST', body: 'x' });
    await arrived;
    const closed = world.server.close().then(() => events.push('closed'));
    // New connections are refused while the slow request is still running.
    await expect(request(`${address}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(events).toEqual([]);
    release();
    const answer = await slow;
    await closed;
    expect(answer).toMatchObject({ status: 200, body: 'finished late' });
    expect(answer.headers.connection).toBe('close');
    expect(events).toEqual(['answered', 'closed']);
  });

  it('cuts a request that outlasts closeTimeoutMs', async () => {
    await world.close();
    let reached: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      reached = resolve;
    });
    world = await startWorld(tempDir(), {
      closeTimeoutMs: 50,
      mounts: [
        {
          path: '/never',
          listener: (incoming) => {
            incoming.resume();
            reached();
          },
        },
      ],
    });
    const stuck = request(`${world.server.url}/never`, { method: 'POST', body: 'x' });
    await arrived;
    await world.server.close();
    await expect(stuck).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(
      world.logs.some((line) => line.msg === 'HTTP requests still running at shutdown were cut off'),
    ).toBe(true);
  });

  it('closes idle keep-alive connections instead of waiting for them to time out', {
    timeout: 3000,
  }, async () => {
    const agent = new Agent({ keepAlive: true });
    const answer = await request(url('/healthz'), { agent });
    expect(answer.status).toBe(200);
    const sockets = Object.values(agent.freeSockets).flat();
    expect(sockets).toHaveLength(1);
    const socketClosed = new Promise<void>((resolve) => sockets[0]?.once('close', () => resolve()));
    // Node's keep-alive timeout is 5 s: the test's 3 s limit fails if close() waits for it.
    await world.server.close();
    await socketClosed;
    agent.destroy();
  });
});

describe('start-up', () => {
  it('refuses a port in use with a message saying what to change', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(startWorld(tempDir(), { port })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining(`127.0.0.1:${port}: the address is already in use`),
      });
    } finally {
      blocker.close();
    }
  });
});
