/**
 * The child process of bench/bot.bench.ts section 1: a fresh process that opens the SQLite store the bench
 * wrote and loads the recent-paper search from it, as the bot does at start, then reports its memory
 * (after gc) and search latencies as one JSON line. Not a benchmark of its own (no `.bench.ts`).
 *
 *   node --expose-gc bench/bot-recent-load.ts <state.sqlite> <queries as JSON>
 */
import { ListingService } from '../src/bot/listing.ts';
import { validateConfig } from '../src/config/load.ts';
import { parseKeywordQuery } from '../src/digest/query.ts';
import { createEngine } from '../src/engine.ts';
import { silentLogger } from '../src/log.ts';
import { openStore } from '../src/store/index.ts';
import { PaperRepository } from '../src/store/repositories/papers.ts';

const [file, queriesJson] = process.argv.slice(2);
if (!file || !queriesJson) throw new Error('usage: bot-recent-load.ts <state.sqlite> <queries as JSON>');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const { config } = validateConfig({ keywords: ['learning'], ai_summary: { enabled: false } });
if (!config) throw new Error('config invalid');
const store = await openStore(`sqlite://${file}`);
const engine = createEngine({ config, store, env: {} });
const listings = new ListingService({
  engine,
  papers: new PaperRepository(store, config.index_days, silentLogger),
  days: config.index_days,
  logger: silentLogger,
});
gc();
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const papers = await listings.loadRecent();
const loadMs = performance.now() - started;
gc();
gc();
const { rss, heapUsed } = process.memoryUsage();

const cold: number[] = [];
const warm: number[] = [];
for (const text of JSON.parse(queriesJson) as string[]) {
  const query = parseKeywordQuery(text);
  for (const times of [cold, warm]) {
    const at = performance.now();
    await listings.searchRecent(query, 10);
    times.push(performance.now() - at);
  }
}
console.log(
  JSON.stringify({
    papers,
    rssBefore,
    loadMs,
    rss,
    heapUsed,
    coldSearchMs: median(cold),
    warmSearchMs: median(warm),
    rssAfterSearches: process.memoryUsage().rss,
  }),
);
await store.close();
