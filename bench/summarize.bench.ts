/**
 * What summaries cost for a day's listing: 30 papers shown across 20 channels whose subscriptions overlap
 * (each channel shows 10 papers and fully summarizes its top 5; 15 distinct papers are someone's top 5),
 * against the fake OpenAI server (test/fakes/openai-server.ts, which reports `usage` as characters / 4).
 * Full texts are LaTeXML pages of about 8k tokens served by an in-process download.
 *
 * Three runs, all measured here:
 * - cold: one Summarizer over a fresh SQLite store, the 20 digests at once (as when their schedules coincide);
 * - restart: the store closed and reopened, a new Summarizer, the 20 digests again;
 * - baseline: what a per-run script pays, each channel with its own empty cache (no cache, no sharing).
 * Wall times are this machine's overhead against a fake that answers at once, not a model's latency.
 *
 *   node_modules/.bin/node bench/summarize.bench.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import type { Paper } from '../src/arxiv/paper.ts';
import { openStore } from '../src/store/index.ts';
import {
  type DigestSummaries,
  type Download,
  Summarizer,
  type SummarizerOptions,
} from '../src/summarize/index.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../test/fakes/openai-server.ts';
import { filler, latexmlPage, makePaper } from '../test/integration/summarize/support.ts';

const CHANNELS = 20;
const HOT = 15; // papers that are some channel's top 5
const COLD = 15; // papers only shown
const SHOWN_PER_CHANNEL = 10;
const FULL_PER_CHANNEL = 5;

const papers = Array.from({ length: HOT + COLD }, (_, i) =>
  makePaper(`2401.${String(20_001 + i)}`, { title: `Paper ${i + 1} of the day` }),
);
const pages = new Map(
  papers.map((p) => [
    `/html/${p.id}v1`,
    latexmlPage(p, [
      ['Introduction', filler(`introduction of ${p.id}`, 60)],
      ['Method', filler(`method of ${p.id}`, 150)],
      ['Experiments', filler(`experiments of ${p.id}`, 150)],
      ['Conclusion', filler(`conclusion of ${p.id}`, 20)],
    ]),
  ]),
);

/** Channel c fully summarizes 5 hot papers and shows 5 more; neighbours overlap, together they cover all 30. */
function channelDigest(c: number): { tldrFor: Paper[]; fullFor: Paper[] } {
  const hot = Array.from({ length: FULL_PER_CHANNEL }, (_, k) => papers[(3 * c + k) % HOT] as Paper);
  const cold = Array.from(
    { length: SHOWN_PER_CHANNEL - FULL_PER_CHANNEL },
    (_, k) => papers[HOT + ((3 * c + k) % COLD)] as Paper,
  );
  return { tldrFor: [...hot, ...cold], fullFor: hot };
}

let downloads = 0;
const download: Download = async (url) => {
  downloads++;
  const page = pages.get(new URL(url).pathname);
  return {
    url,
    status: page ? 200 : 404,
    contentType: 'text/html; charset=utf-8',
    body: Buffer.from(page ?? 'Not Found'),
  };
};

function summarizer(server: FakeOpenAIServer, cache: Keyv): Summarizer {
  const options: SummarizerOptions = {
    cache,
    download,
    baseUrl: server.baseUrl,
    model: 'bench-model',
    apiKey: 'sk-bench',
    apiKeyEnv: 'BENCH_API_KEY',
    language: 'en',
    maxWorkers: 3,
    htmlBaseUrl: 'http://arxiv.invalid/html',
    pdfBaseUrl: 'http://arxiv.invalid/pdf',
  };
  return new Summarizer(options);
}

interface RunFigures {
  calls: number;
  tldrCalls: number;
  fullCalls: number;
  promptTokens: number;
  completionTokens: number;
  downloads: number;
  cacheHits: number;
  shared: number;
  fallbacks: number;
  wallMs: number;
  medianDigestMs: number;
}

async function run(server: FakeOpenAIServer, make: (c: number) => Summarizer): Promise<RunFigures> {
  const requestsBefore = server.requests.length;
  const downloadsBefore = downloads;
  const instances = new Set<Summarizer>();
  const started = performance.now();
  const digestMs: number[] = [];
  await Promise.all(
    Array.from({ length: CHANNELS }, async (_, c) => {
      const s = make(c);
      instances.add(s);
      const t0 = performance.now();
      const result: DigestSummaries = await s.summarizeDigest({
        ...channelDigest(c),
        deadline: new Date(Date.now() + 60_000),
      });
      digestMs.push(performance.now() - t0);
      if (result.pending.tldr.length + result.pending.full.length > 0)
        throw new Error('a digest missed its deadline');
    }),
  );
  const wallMs = performance.now() - started;
  const totals = [...instances].map((s) => s.usage.totals());
  const sum = (pick: (t: (typeof totals)[number]) => number) => totals.reduce((n, t) => n + pick(t), 0);
  const requests = server.requests.slice(requestsBefore);
  const isTldr = (i: number) => requests[i]?.messages[0]?.content.includes('TL;DR') ?? false;
  digestMs.sort((a, b) => a - b);
  return {
    calls: requests.length,
    tldrCalls: requests.filter((_, i) => isTldr(i)).length,
    fullCalls: requests.filter((_, i) => !isTldr(i)).length,
    promptTokens: sum((t) => t.promptTokens),
    completionTokens: sum((t) => t.completionTokens),
    downloads: downloads - downloadsBefore,
    cacheHits: sum((t) => t.cacheHits),
    shared: sum((t) => t.sharedFlights),
    fallbacks: sum((t) => t.fallbacks),
    wallMs,
    medianDigestMs: digestMs[Math.floor(digestMs.length / 2)] ?? 0,
  };
}

const number = (n: number) => n.toLocaleString('en-US');

function print(label: string, f: RunFigures): void {
  console.log(
    `${label.padEnd(34)} model calls ${String(f.calls).padStart(3)} (${f.tldrCalls} TL;DR + ${f.fullCalls} full)` +
      `  tokens in ${number(f.promptTokens).padStart(9)} out ${number(f.completionTokens).padStart(7)}` +
      `  downloads ${String(f.downloads).padStart(3)}  cache hits ${String(f.cacheHits).padStart(3)}` +
      `  shared ${String(f.shared).padStart(3)}  fallbacks ${f.fallbacks}` +
      `  wall ${f.wallMs.toFixed(0)} ms (median digest ${f.medianDigestMs.toFixed(0)} ms)`,
  );
}

const dir = await mkdtemp(join(tmpdir(), 'summarize-bench-'));
const server = await startFakeOpenAIServer();
try {
  const distinct = new Set<string>();
  for (let c = 0; c < CHANNELS; c++) {
    const { tldrFor, fullFor } = channelDigest(c);
    for (const p of tldrFor) distinct.add(`tldr ${p.id}`);
    for (const p of fullFor) distinct.add(`full ${p.id}`);
  }
  console.log(
    `${CHANNELS} channels x (${SHOWN_PER_CHANNEL} TL;DRs + ${FULL_PER_CHANNEL} full) = ${CHANNELS * (SHOWN_PER_CHANNEL + FULL_PER_CHANNEL)} summaries asked for; ${distinct.size} distinct (${papers.length} shown papers, ${HOT} full)`,
  );

  const url = `sqlite://${join(dir, 'bench.sqlite')}`;
  let store = await openStore(url);
  const shared = summarizer(server, store.namespace('summaries'));
  const cold = await run(server, () => shared);
  await store.close();

  store = await openStore(url);
  const restarted = summarizer(server, store.namespace('summaries'));
  const warm = await run(server, () => restarted);
  await store.close();

  const baseline = await run(server, () => summarizer(server, new Keyv()));

  print('cold start, SQLite store:', cold);
  print('after restart (store reopened):', warm);
  print('baseline (no cache, no sharing):', baseline);
  console.log(
    `calls per distinct summary: cold ${(cold.calls / distinct.size).toFixed(2)}, after restart ${(warm.calls / distinct.size).toFixed(2)}; ` +
      `baseline/cold: ${(baseline.calls / cold.calls).toFixed(1)}x the calls, ${(baseline.promptTokens / cold.promptTokens).toFixed(1)}x the input tokens, ${(baseline.downloads / Math.max(1, cold.downloads)).toFixed(1)}x the downloads`,
  );
} finally {
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
