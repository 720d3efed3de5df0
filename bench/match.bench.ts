/**
 * Matching one day's listing (the real 1,504-item rss.arxiv.org feed) against 1,000 and 10,000 keyword
 * subscriptions of 5 terms, with ListingIndex and with a naive baseline that scans every paper's text for
 * every term of every subscription (test/unit/digest/reference-matcher.ts, the same semantics). Both
 * results are compared; the figures are medians of several runs, each on a fresh index (cold term cache,
 * analysis of the papers included).
 *
 * Terms are drawn with a seeded generator from the feed's own text, by occurrence: a random word of 4
 * characters or more at a random place in a random paper (so frequent words such as "model" or "with" come
 * up as often as they occur), and one term in five the two words found at such a place, as a phrase.
 *
 *   node_modules/.bin/node bench/match.bench.ts
 */
import { readFileSync } from 'node:fs';
import { parseFeed } from '../src/arxiv/feed.ts';
import type { Paper } from '../src/arxiv/paper.ts';
import { ListingIndex, type RankedPaper, type RankOptions } from '../src/digest/listing-index.ts';
import { type KeywordQuery, parseKeywordQuery } from '../src/digest/query.ts';
import { words } from '../src/digest/text.ts';
import { sharedFixturePath } from '../test/support/shared-fixtures.ts';
import { NaiveMatcher } from '../test/unit/digest/reference-matcher.ts';

const FEED = 'arxiv/rss/aioarxiv_rss_mock_feed.xml';
const SIZES = [1_000, 10_000];
const TERMS_PER_SUBSCRIPTION = 5;
const OPTIONS: RankOptions = { maxPapers: 30 };
const INDEX_RUNS = 7;
/** The baseline takes seconds per run; fewer runs at the larger size keep the bench under a few minutes. */
const BASELINE_RUNS: Record<number, number> = { 1000: 3, 10000: 1 };

/** mulberry32: a small seeded generator, so every run draws the same subscriptions. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function drawSubscriptions(papers: readonly Paper[], count: number, seed: number): KeywordQuery[] {
  const random = seededRandom(seed);
  const texts = papers.map((paper) => words(`${paper.title} ${paper.abstract}`));
  const subscriptions: KeywordQuery[] = [];
  while (subscriptions.length < count) {
    const terms = new Set<string>();
    while (terms.size < TERMS_PER_SUBSCRIPTION) {
      const text = texts[Math.floor(random() * texts.length)] as string[];
      const at = Math.floor(random() * (text.length - 1));
      const [word, next] = [text[at] as string, text[at + 1] as string];
      if (random() < 0.2) terms.add(`${word} ${next}`);
      else if (word.length >= 4) terms.add(word);
    }
    subscriptions.push(parseKeywordQuery([...terms].join(', ')));
  }
  return subscriptions;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function time<T>(run: () => T): { ms: number; result: T } {
  const started = performance.now();
  const result = run();
  return { ms: performance.now() - started, result };
}

const fingerprint = (results: readonly RankedPaper[][]): string =>
  JSON.stringify(
    results.map((ranked) => ranked.map((r) => [r.paper.id, r.score, r.titleHits, r.matchedTerms])),
  );

const papers = parseFeed(readFileSync(sharedFixturePath(FEED))).papers;
console.log(`match: ${papers.length} papers, subscriptions of ${TERMS_PER_SUBSCRIPTION} terms, maxPapers 30`);

const rows: { size: number; indexMs: number; baselineMs: number }[] = [];
for (const size of SIZES) {
  const subscriptions = drawSubscriptions(papers, size, 2024);
  const indexTimes: number[] = [];
  let indexResults: RankedPaper[][] = [];
  for (let run = 0; run < INDEX_RUNS; run++) {
    const { ms, result } = time(() => {
      const index = new ListingIndex(papers);
      return subscriptions.map((query) => index.rank(query, OPTIONS));
    });
    indexTimes.push(ms);
    indexResults = result;
  }
  const baselineTimes: number[] = [];
  let baselineResults: RankedPaper[][] = [];
  for (let run = 0; run < (BASELINE_RUNS[size] ?? 1); run++) {
    const { ms, result } = time(() => {
      const naive = new NaiveMatcher(papers);
      return subscriptions.map((query) => naive.rank(query, OPTIONS));
    });
    baselineTimes.push(ms);
    baselineResults = result;
  }
  const equal = fingerprint(indexResults) === fingerprint(baselineResults);
  const matched = indexResults.reduce((sum, ranked) => sum + ranked.length, 0);
  const row = { size, indexMs: median(indexTimes), baselineMs: median(baselineTimes) };
  rows.push(row);
  console.log(
    `  ${size} subscriptions: index ${row.indexMs.toFixed(1)} ms (median of ${indexTimes.length}), ` +
      `baseline ${row.baselineMs.toFixed(0)} ms (median of ${baselineTimes.length}), ` +
      `speed-up ${(row.baselineMs / row.indexMs).toFixed(1)}x, ` +
      `results ${equal ? 'equal' : 'DIFFERENT'} (${matched} ranked papers in all)`,
  );
}
for (const row of rows) {
  console.log(
    `  cost per subscription at ${row.size}: index ${((row.indexMs * 1000) / row.size).toFixed(1)} µs, ` +
      `baseline ${((row.baselineMs * 1000) / row.size).toFixed(0)} µs`,
  );
}
