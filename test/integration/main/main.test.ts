import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseKeywordQuery } from '../../../src/digest/query.ts';
import { silentLogger } from '../../../src/log.ts';
import { openStore } from '../../../src/store/index.ts';
import { SubscriptionRepository } from '../../../src/store/repositories/subscriptions.ts';
import { makeSubscription } from '../../support/subscriptions.ts';
import { freshDir, GOOD, useStartHarness, waitFor } from './harness.ts';

/*
 * `npm start` as a user runs it without chat credentials and without a terminal: the console delivery. The
 * bot prints a due digest and writes it to files, answers /healthz, and on SIGTERM stops and exits 0
 * within 10 s.
 */

const harness = useStartHarness();
let dir: string;

beforeAll(async () => {
  dir = freshDir({ ...GOOD, output: { template: 'classic' }, rss: { public: true } });
  // The shell's channel, subscribed since yesterday with a digest due at midnight UTC: due at the first tick.
  const store = await openStore(`sqlite://${join(dir, 'data/arxiv-digest.sqlite')}`);
  const yesterday = new Date(Date.now() - 36 * 60 * 60 * 1000).toISOString();
  await new SubscriptionRepository(store, silentLogger).put(
    makeSubscription('shell:local', {
      query: parseKeywordQuery('translation, distributed training'),
      categories: ['cs.CL', 'cs.LG'],
      schedule: { time: '00:00', timeZone: 'UTC' },
      createdAt: yesterday,
    }),
  );
  await store.close();
});

/** `npm start` in the test's directory, without chat credentials or a terminal. */
const start = () => harness.start([], dir);

describe('npm start without chat credentials or a terminal', () => {
  it('delivers the due digest to stdout and files, serves /healthz, and stops on SIGTERM within 10 s', {
    timeout: 60_000,
  }, async () => {
    const bot = start();
    const starting = await waitFor(
      () => bot.logs().find((line) => line.msg === 'arxiv-digest starting'),
      'start',
    );
    expect(starting.why).toMatch(/no SLACK_BOT_TOKEN or DISCORD_TOKEN and no terminal/);
    expect(starting.model).toMatch(/extractive/);

    await waitFor(() => bot.logs().find((line) => line.msg === 'digest delivered'), 'the digest');
    expect(bot.stdout()).toContain('arXiv digest · 2026-02-04');
    expect(bot.stdout()).toContain('Tokenizer-Free Translation of Low-Resource Languages');
    await waitFor(() => bot.logs().find((line) => line.msg === 'digest written to files'), 'the files');
    const page = join(dir, 'data/digests/shell_local/2026-02-04.md');
    expect(existsSync(page)).toBe(true);
    expect(readFileSync(page, 'utf8')).toContain('Distributed Training Without Parameter Servers');
    const feed = readFileSync(join(dir, 'data/digests/shell_local/feed.xml'), 'utf8');
    expect(feed).toContain('<rss');
    // No output.feed_url: the file names no self link (never the archive page, never a file:// URL).
    expect(feed).not.toContain('rel="self"');
    // output.template "classic": the classic script's layout.
    expect(readFileSync(page, 'utf8')).toMatch(/\*\*Score\*\*: \d\.\d {2}/);

    const listening = await waitFor(
      () => bot.logs().find((line) => line.msg === 'HTTP server listening'),
      'HTTP',
    );
    const health = await fetch(`${String(listening.url)}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: { reachable: true } });
    // rss.public: the classic RSS service's URLs.
    const classic = await fetch(`${String(listening.url)}/rss`);
    expect(classic.status).toBe(200);
    // Its items are the last 30 days' papers; the fixture's listing is older, so the feed is only wired here.
    expect(await classic.text()).toContain('<title>arXiv Filtered Papers</title>');
    expect((await fetch(`${String(listening.url)}/rss/cs.CL`)).status).toBe(200);

    const signalled = Date.now();
    bot.child.kill('SIGTERM');
    expect(await bot.exit).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(bot.logs().map((line) => line.msg)).toContain('stopped');
  });

  it('a second start delivers nothing again and says why it stopped on a bad config', {
    timeout: 60_000,
  }, async () => {
    const again = start();
    await waitFor(() => again.logs().find((line) => line.msg === 'arxiv-digest running'), 'start');
    // Give the first tick time to run: the digest was delivered before, so nothing is printed.
    await new Promise((wait) => setTimeout(wait, 1500));
    expect(again.stdout()).not.toContain('arXiv digest ·');
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);

    writeFileSync(join(dir, 'config.json'), JSON.stringify({ categories: ['cs.XY'] }));
    const bad = start();
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toContain('categories[0]: expected a known arXiv category');
  });
});
