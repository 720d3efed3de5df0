/**
 * A scheduled run to many targets through the real core (Bot: planning, the delivery log in a SQLite file,
 * posting) on the in-memory adapter, at 100 and at 1,000 channel targets: how time and memory grow with the
 * number of targets. Each target follows three terms over the real 1,504-paper listing (served once by the
 * fake arXiv, fetched before the clock starts), at most 5 papers, summaries off. Each size runs in its own
 * process, so one's garbage does not weigh on the other's figures.
 *
 * Figures per size (the median run of three): run start to last post, and per target; rss and heap after gc before the run and after
 * it (what a run leaves behind), and the highest heap sampled during it (every 20 ms, no gc). Then the
 * ratio of each figure per target, 1,000 against 100: 1.0 is linear, below it better.
 *
 *   node_modules/.bin/node --expose-gc bench/fanout.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot } from '../src/bot/bot.ts';
import { validateConfig } from '../src/config/load.ts';
import { parseKeywordQuery } from '../src/digest/query.ts';
import { createEngine } from '../src/engine.ts';
import { silentLogger } from '../src/log.ts';
import { openStore } from '../src/store/index.ts';
import { startFakeArxiv } from '../test/fakes/arxiv-server.ts';
import { MemoryAdapter } from '../test/fakes/memory-adapter.ts';
import { sharedFixturePath } from '../test/support/shared-fixtures.ts';
import { makeSubscription } from '../test/support/subscriptions.ts';

const SIZES = [100, 1000];
/** Runs per size: the store's writes wait on fsync, which varies much on a shared disk; the median is shown. */
const RUNS = 3;
const TERMS = [
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

interface Figures {
  targets: number;
  delivered: number;
  posts: number;
  ms: number;
  rssBefore: number;
  heapBefore: number;
  rssAfter: number;
  heapAfter: number;
  heapPeak: number;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function runOne(targets: number): Promise<Figures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const { config } = validateConfig({
    categories: ['cs', 'stat', 'math', 'physics', 'astro-ph', 'cond-mat', 'quant-ph', 'eess', 'q-bio'],
    keywords: ['learning'],
    ai_summary: { enabled: false },
    max_papers: 5,
  });
  if (!config) throw new Error('bench config invalid');
  const arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(readFileSync(sharedFixturePath('arxiv/rss/aioarxiv_rss_mock_feed.xml')));
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-fanout-'));
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
  for (let target = 0; target < targets; target++) {
    const terms = [0, 1, 2].map((k) => TERMS[(target * 7 + k * 3) % TERMS.length]);
    await bot.subscriptions.put(
      makeSubscription(`test:c${target}`, {
        query: parseKeywordQuery(terms.join(', ')),
        categories: config.categories,
        maxPapers: 5,
        createdAt: now,
      }),
    );
  }
  const subscriptions = await bot.subscriptions.all();
  await bot.listings.latest(config.categories);

  gc();
  const before = process.memoryUsage();
  let heapPeak = before.heapUsed;
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 20);
  const started = performance.now();
  const outcomes = await bot.deliverScheduled(subscriptions);
  const ms = performance.now() - started;
  clearInterval(sampler);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  gc();
  const after = process.memoryUsage();
  const figures: Figures = {
    targets,
    delivered: outcomes.filter((o) => o.outcome?.status === 'delivered').length,
    posts: chat.posts.length,
    ms,
    rssBefore: before.rss,
    heapBefore: before.heapUsed,
    rssAfter: after.rss,
    heapAfter: after.heapUsed,
    heapPeak,
  };
  await bot.stop();
  await engine.close();
  await store.close();
  await arxiv.close();
  rmSync(dir, { recursive: true, force: true });
  return figures;
}

const only = process.argv[2];
if (only) {
  console.log(JSON.stringify(await runOne(Number(only))));
} else {
  const results: Figures[] = [];
  for (const size of SIZES) {
    const runs: Figures[] = [];
    for (let run = 0; run < RUNS; run++) {
      const child = spawnSync(process.execPath, ['--expose-gc', import.meta.filename, String(size)], {
        encoding: 'utf8',
      });
      const line = child.stdout.trim().split('\n').at(-1);
      if (child.status !== 0 || !line) throw new Error(`the ${size}-target run failed: ${child.stderr}`);
      runs.push(JSON.parse(line) as Figures);
    }
    runs.sort((a, b) => a.ms - b.ms);
    const f = runs[Math.floor(runs.length / 2)] as Figures;
    results.push(f);
    console.log(
      `${f.targets} targets: ${f.delivered} delivered, ${f.posts} posts in ${(f.ms / 1000).toFixed(2)} s (${(f.ms / f.targets).toFixed(1)} ms a target), the median of ${runs.map((r) => (r.ms / 1000).toFixed(2)).join(', ')} s`,
    );
    console.log(
      `  memory after gc:      rss ${mb(f.rssBefore)} -> ${mb(f.rssAfter)}, heap ${mb(f.heapBefore)} -> ${mb(f.heapAfter)}; heap peak during the run ${mb(f.heapPeak)} (+${mb(f.heapPeak - f.heapBefore)})`,
    );
  }
  const [small, large] = results as [Figures, Figures];
  const perTarget = (value: (f: Figures) => number) =>
    (value(large) / large.targets / (value(small) / small.targets)).toFixed(2);
  console.log(`growth, ${large.targets} against ${small.targets} targets, per target (1.00 is linear):`);
  console.log(`  time                  ${perTarget((f) => f.ms)}`);
  console.log(`  heap peak over before ${perTarget((f) => f.heapPeak - f.heapBefore)}`);
  console.log(`  heap kept after gc    ${perTarget((f) => Math.max(1, f.heapAfter - f.heapBefore))}`);
  console.log(`  rss growth            ${perTarget((f) => Math.max(1, f.rssAfter - f.rssBefore))}`);
}
