/**
 * The running bot's figures (issue 4):
 * 1. Memory with 30 days of papers indexed: 30 announcements of the real 1,504-item listing (ids renumbered
 *    per day) stored in SQLite and loaded into the search index, as the bot does at start.
 * 2. Time from a scheduled run's start to the last post for 100 targets on the in-memory adapter: 100 channel
 *    subscriptions with different terms over the real listing, one combined fetch from the fake arXiv,
 *    summaries off (the model's latency is not the bot's).
 * Medians of several runs; nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFeed } from '../src/arxiv/feed.ts';
import type { Paper } from '../src/arxiv/paper.ts';
import { Bot } from '../src/bot/bot.ts';
import { ListingService } from '../src/bot/listing.ts';
import { validateConfig } from '../src/config/load.ts';
import { DayIndex } from '../src/digest/day-index.ts';
import { parseKeywordQuery } from '../src/digest/query.ts';
import { words } from '../src/digest/text.ts';
import { Vocabulary } from '../src/digest/vocabulary.ts';
import { createEngine } from '../src/engine.ts';
import { silentLogger } from '../src/log.ts';
import { openStore } from '../src/store/index.ts';
import { PaperRepository } from '../src/store/repositories/papers.ts';
import { startFakeArxiv } from '../test/fakes/arxiv-server.ts';
import { MemoryAdapter } from '../test/fakes/memory-adapter.ts';
import { sharedFixturePath } from '../test/support/shared-fixtures.ts';
import { makeSubscription } from '../test/support/subscriptions.ts';
import { NaiveMatcher } from '../test/unit/digest/reference-matcher.ts';

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
// Before the typed-array day indexes (issue 12) the same figure was rss 680-770 MB, for 30 copies of one day.
{
  /** mulberry32: a small seeded generator, so every run makes the same days. */
  const seeded = (seed: number) => {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  };
  const DAYS = 30;
  const PAPERS = DAYS * template.length;

  // Heaps' law on the recorded listing: distinct words V(n) = K n^beta after n papers, fitted in log-log.
  const seenWords = new Set<string>();
  const points: Array<[number, number]> = [];
  template.forEach((paper, index) => {
    for (const word of words(`${paper.title} ${paper.abstract}`)) seenWords.add(word);
    if ((index + 1) % 100 === 0 || index === template.length - 1) points.push([index + 1, seenWords.size]);
  });
  const xs = points.map(([n]) => Math.log(n));
  const ys = points.map(([, v]) => Math.log(v));
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = ys.reduce((a, b) => a + b, 0) / ys.length;
  const beta =
    xs.reduce((sum, x, i) => sum + (x - meanX) * ((ys[i] as number) - meanY), 0) /
    xs.reduce((sum, x) => sum + (x - meanX) ** 2, 0);
  const heapsK = Math.exp(meanY - beta * meanX);
  const heaps = (papers: number) => heapsK * papers ** beta;
  console.log(
    `vocabulary growth:      ${seenWords.size} words in the ${template.length} recorded papers; Heaps fit V(n) = ${heapsK.toFixed(0)} n^${beta.toFixed(3)}, so ${Math.round(heaps(PAPERS))} words for ${PAPERS} papers`,
  );

  // 30 distinct days: each day is the real listing with a share of its words (4+ letters) replaced by
  // synthetic ones ("zq" + letters, never real words) drawn with Zipf frequencies (s = 1) from a pool
  // sized so the expected 30-day vocabulary is what Heaps' law predicts.
  const SHARE = 0.1;
  const replaceable = template.reduce(
    (sum, paper) => sum + (`${paper.title} ${paper.abstract}`.match(/\b[A-Za-z]{4,}\b/g)?.length ?? 0),
    0,
  );
  const draws = DAYS * replaceable * SHARE;
  const expectedDistinct = (pool: number) => {
    let harmonic = 0;
    for (let rank = 1; rank <= pool; rank++) harmonic += 1 / rank;
    let distinct = 0;
    for (let rank = 1; rank <= pool; rank++) distinct += 1 - (1 - 1 / (rank * harmonic)) ** draws;
    return distinct;
  };
  const wanted = heaps(PAPERS) - seenWords.size;
  let low = 1_000;
  let high = 50_000_000;
  while (high / low > 1.01) {
    const middle = Math.sqrt(low * high);
    if (expectedDistinct(Math.round(middle)) < wanted) low = middle;
    else high = middle;
  }
  const pool = Math.round(high);
  const cumulative = new Float64Array(pool);
  for (let rank = 1, sum = 0; rank <= pool; rank++) cumulative[rank - 1] = sum += 1 / rank;
  const random = seeded(20_241_101);
  const synthetic = (rank: number) => {
    let word = '';
    for (let rest = rank; rest > 0; rest = Math.floor(rest / 26))
      word += String.fromCharCode(97 + (rest % 26));
    return `zq${word}`;
  };
  const drawWord = () => {
    const target = random() * (cumulative[pool - 1] as number);
    let lo = 0;
    let hi = pool - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    return synthetic(lo + 1);
  };
  const mutate = (text: string) =>
    text.replace(/\b[A-Za-z]{4,}\b/g, (word) => (random() < SHARE ? drawWord() : word));

  const all: Paper[] = [];
  const days: Array<{ date: string; papers: Paper[] }> = [];
  const growing = new Set<string>();
  const growth: string[] = [];
  for (let day = 0; day < DAYS; day++) {
    const date = new Date(Date.UTC(2024, 10, 1 + day)).toISOString().slice(0, 10);
    const papers: Paper[] = template.map((paper, index) => ({
      ...paper,
      id: `24${String(11 + Math.floor(day / 10)).padStart(2, '0')}.${String(day * 2000 + index).padStart(5, '0')}`,
      title: mutate(paper.title),
      abstract: mutate(paper.abstract),
      announced: date,
    }));
    for (const paper of papers)
      for (const word of words(`${paper.title} ${paper.abstract}`)) growing.add(word);
    if (day === 0 || day === 9 || day === DAYS - 1)
      growth.push(
        `${day + 1} day(s) ${growing.size} (Heaps ${Math.round(heaps((day + 1) * template.length))})`,
      );
    days.push({ date, papers });
    all.push(...papers);
  }
  console.log(`  generated days:       ${growth.join(', ')}; pool of ${pool} synthetic words`);

  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-bench-'));
  const file = join(dir, 'state.sqlite');
  const store = await openStore(`sqlite://${file}`);
  const engine = createEngine({ config, store, env: {} });
  const repository = new PaperRepository(store, config.index_days, silentLogger);
  for (const { date, papers } of days) await repository.addAnnouncement(date, papers);

  // Cold: no stored index, every day analysed from the stored papers (and its index stored).
  const coldStarted = performance.now();
  const cold = new ListingService({
    engine,
    papers: repository,
    days: config.index_days,
    logger: silentLogger,
  });
  await cold.loadRecent();
  const coldMs = performance.now() - coldStarted;
  let storedBytes = 0;
  for (const { date } of days) storedBytes += JSON.stringify(await repository.getDayIndex(date)).length;
  console.log(
    `  cold index:           ${(coldMs / 1000).toFixed(1)} s for ${days.length} days (read the papers, analyse, store); stored indexes ${mb(storedBytes)} of JSON`,
  );

  // Exactness: the stored indexes, read back, against a naive scan of the same papers.
  const pick = (day: number) => {
    const text = words(
      ((days[day] as { papers: Paper[] }).papers[(day * 37) % template.length] as Paper).abstract,
    );
    const at = Math.floor(text.length / 2);
    return {
      word: text.find((word) => word.startsWith('zq')) ?? 'model',
      pair: `${text[at]} ${text[at + 1]}`,
    };
  };
  const queries = [
    'learning',
    'networks',
    'graph, neural network',
    '"transformer"',
    'large language models',
    'quantum, -classical',
    'diffusion model, "reinforcement learning", -survey',
    'C++, GPT-4, state of the art',
    pick(3).word,
    `${pick(17).word}, ${pick(25).word}`,
    pick(8).pair,
    `${pick(21).pair}, -${pick(21).word}`,
  ];
  const categoryRuns: Array<readonly string[]> = [[], ['cs.LG'], ['astro-ph'], ['math.OC', 'stat']];
  const mismatches: string[] = [];
  const warm = new ListingService({
    engine,
    papers: repository,
    days: config.index_days,
    logger: silentLogger,
  });
  await warm.loadRecent();
  const naiveAll = new NaiveMatcher(all);
  for (const text of queries) {
    const query = parseKeywordQuery(text);
    const found = (await warm.searchRecent(query, 20)).map((paper) => paper.id).join(' ');
    const naive = naiveAll
      .rank(query, { maxPapers: 20 })
      .map((entry) => entry.paper.id)
      .join(' ');
    if (found !== naive) mismatches.push(`search ${JSON.stringify(text)}`);
  }
  const vocabulary = new Vocabulary();
  for (const { date, papers } of days.filter((_, day) => day % 7 === 0)) {
    const ids = papers.map((paper) => paper.id);
    const index = DayIndex.restore(await repository.getDayIndex(date), ids, vocabulary);
    if (typeof index === 'string') {
      mismatches.push(`${date}: ${index}`);
      continue;
    }
    const naive = new NaiveMatcher(papers);
    for (const text of queries) {
      for (const categories of categoryRuns) {
        const options = { categories, minScore: 1 };
        const got = index.rank(parseKeywordQuery(text), options).map((entry) => ({
          id: ids[entry.row],
          score: entry.score,
          titleHits: entry.titleHits,
          matchedTerms: entry.matchedTerms,
        }));
        const expected = naive.rank(parseKeywordQuery(text), options).map((entry) => ({
          id: entry.paper.id,
          score: entry.score,
          titleHits: entry.titleHits,
          matchedTerms: entry.matchedTerms,
        }));
        if (JSON.stringify(got) !== JSON.stringify(expected))
          mismatches.push(`${date} ${JSON.stringify(text)} in [${categories.join(',')}]`);
      }
    }
  }
  console.log(`  exact: ${mismatches.length === 0 ? 'yes' : `no, ${mismatches.join('; ')}`}`);
  await store.close();

  // Warm start in a fresh process: what the bot holds once it has read the stored indexes.
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', join(import.meta.dirname, 'bot-recent-load.ts'), file, JSON.stringify(queries)],
    { encoding: 'utf8' },
  );
  if (child.status !== 0) throw new Error(`the loading process failed: ${child.stderr}`);
  const loaded = JSON.parse(child.stdout) as {
    papers: number;
    rssBefore: number;
    loadMs: number;
    rss: number;
    heapUsed: number;
    coldSearchMs: number;
    warmSearchMs: number;
    rssAfterSearches: number;
  };
  console.log(
    `30 days indexed: ${loaded.papers} papers, rss ${(loaded.rss / 1024 / 1024).toFixed(0)} MB, heap ${(loaded.heapUsed / 1024 / 1024).toFixed(0)} MB, loaded in ${(loaded.loadMs / 1000).toFixed(2)} s`,
  );
  console.log(
    `  (a fresh process, bench/bot-recent-load.ts, reading the stored indexes from SQLite as the bot does at start; rss and heap after gc; rss ${mb(loaded.rssBefore)} before loading)`,
  );
  console.log(
    `  a search over them:   median ${loaded.coldSearchMs.toFixed(1)} ms of ${queries.length} queries (first time), ${loaded.warmSearchMs.toFixed(1)} ms repeated; rss ${mb(loaded.rssAfterSearches)} after them`,
  );
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
