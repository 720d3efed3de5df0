/**
 * The running bot's figures (issue 4):
 * 1. Memory with 30 days of papers indexed: 30 announcements of the real 1,504-item listing (ids renumbered
 *    per day) stored in SQLite and loaded into the search index, as the bot does at start.
 * 2. Time from a scheduled run's start to the last post for 100 targets on the in-memory adapter: 100 channel
 *    subscriptions with different terms over the real listing, one combined fetch from the fake arXiv,
 *    summaries off (the model's latency is not the bot's).
 * Medians of several runs; nothing is asserted.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFeed } from '../src/arxiv/feed.ts';
import type { Paper } from '../src/arxiv/paper.ts';
import { Bot } from '../src/bot/bot.ts';
import { ListingService } from '../src/bot/listing.ts';
import { validateConfig } from '../src/config/load.ts';
import { parseKeywordQuery } from '../src/digest/query.ts';
import { createEngine } from '../src/engine.ts';
import { silentLogger } from '../src/log.ts';
import { openStore } from '../src/store/index.ts';
import { PaperRepository } from '../src/store/repositories/papers.ts';
import { startFakeArxiv } from '../test/fakes/arxiv-server.ts';
import { MemoryAdapter } from '../test/fakes/memory-adapter.ts';
import { sharedFixturePath } from '../test/support/shared-fixtures.ts';
import { makeSubscription } from '../test/support/subscriptions.ts';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const listingXml = readFileSync(sharedFixturePath('arxiv/rss/aioarxiv_rss_mock_feed.xml'));
const feed = parseFeed(listingXml);
const template = feed.papers;

const { config } = validateConfig({
  categories: ['cs', 'stat', 'math', 'physics', 'astro-ph', 'cond-mat', 'quant-ph', 'eess', 'q-bio'],
  keywords: ['learning'],
  ai_summary: { enabled: false },
  max_papers: 30,
});
if (!config) throw new Error('bench config invalid');

// --- 1. Memory with 30 days indexed -----------------------------------------------------------------------
{
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-bench-'));
  const store = await openStore(`sqlite://${join(dir, 'state.sqlite')}`);
  const engine = createEngine({ config, store, env: {} });
  const papers = new PaperRepository(store, 30, silentLogger);
  for (let day = 0; day < 30; day++) {
    const date = new Date(Date.UTC(2024, 10, 1 + day)).toISOString().slice(0, 10);
    const renumbered: Paper[] = template.map((paper, index) => ({
      ...paper,
      id: `24${String(11 + Math.floor(day / 10)).padStart(2, '0')}.${String(day * 2000 + index).padStart(5, '0')}`,
      announced: date,
    }));
    await papers.addAnnouncement(date, renumbered);
  }
  gc();
  const before = process.memoryUsage();
  const listings = new ListingService({ engine, papers, days: 60, logger: silentLogger });
  const started = performance.now();
  const count = await listings.loadRecent();
  const loadMs = performance.now() - started;
  gc();
  const after = process.memoryUsage();
  const searchStarted = performance.now();
  const hits = (await listings.searchRecent(parseKeywordQuery('graph, neural network'), 10)).length;
  const searchMs = performance.now() - searchStarted;
  console.log(
    `30 days indexed:        ${count} papers, loaded and indexed in ${(loadMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `  heap used by them:    ${mb(after.heapUsed - before.heapUsed)} (heap ${mb(after.heapUsed)}, rss ${mb(after.rss)})`,
  );
  console.log(`  a search over them:   ${hits} hits in ${searchMs.toFixed(0)} ms`);
  await store.close();
}

// --- 2. 100 targets on the memory adapter ------------------------------------------------------------------
{
  const vocabulary = [
    'learning',
    'graph',
    'quantum',
    'neural',
    'language model',
    'optimization',
    'galaxy',
    'superconductivity',
    'reinforcement learning',
    'diffusion',
    'transformer',
    'spin',
    'dark matter',
    'protein',
    'causal',
    'bayesian',
    'robot',
    'federated',
    'privacy',
    'topology',
  ];
  const times: number[] = [];
  let posts = 0;
  for (let round = 0; round < 5; round++) {
    const arxiv = await startFakeArxiv({ recordings: false });
    arxiv.setListing(listingXml);
    const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-bench-'));
    const store = await openStore(`sqlite://${join(dir, 'state.sqlite')}`);
    const runConfig = { ...config, arxiv: { ...config.arxiv, rss_url: arxiv.rssUrl, min_interval_ms: 0 } };
    const engine = createEngine({ config: runConfig, store, env: {} });
    const chat = new MemoryAdapter();
    const bot = new Bot({
      config: runConfig,
      engine,
      store,
      adapters: [chat],
      logger: silentLogger,
      publicUrl: 'http://bench',
    });
    await bot.start();
    const now = new Date().toISOString();
    for (let target = 0; target < 100; target++) {
      const terms = [0, 1, 2].map((k) => vocabulary[(target * 7 + k * 3) % vocabulary.length]);
      await bot.subscriptions.put(
        makeSubscription(`test:c${target}`, {
          query: parseKeywordQuery(terms.join(', ')),
          categories: config.categories,
          createdAt: now,
        }),
      );
    }
    const subscriptions = await bot.subscriptions.all();
    gc();
    const started = performance.now();
    const outcomes = await bot.deliverScheduled(subscriptions);
    times.push(performance.now() - started);
    posts = chat.posts.length;
    const delivered = outcomes.filter((o) => o.outcome?.status === 'delivered').length;
    if (round === 0)
      console.log(
        `100 targets:            ${delivered} delivered, ${posts} posts, ${arxiv.requests.length} arXiv request(s)`,
      );
    await bot.stop();
    await store.close();
    await arxiv.close();
  }
  console.log(
    `  run start to last post: median ${(median(times) / 1000).toFixed(2)} s of ${times.length} runs (${times.map((t) => (t / 1000).toFixed(2)).join(', ')})`,
  );
  console.log(
    `  per post:              ${(median(times) / posts).toFixed(2)} ms (SQLite file store, fsync per log write)`,
  );
}
