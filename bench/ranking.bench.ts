/**
 * Offline evaluation of learned ranking (issue 13): does ranking by keyword score plus learned relevance
 * (src/rank/) put more of what readers want in a digest's top 10 than the keyword score alone?
 *
 * Data: the recorded 1,504-paper combined listing (shared fixtures, arxiv/rss/aioarxiv_rss_mock_feed.xml) and
 * the papers of the API recordings (arxiv/arxiv-py/), shuffled with the seed into DAYS pseudo-days.
 * Readers: READERS simulated readers, each with hidden tastes (2 or 3 arXiv categories; a paper listed in one
 * of them is relevant) and a keyword subscription of 2 terms per topic drawn from the topic's most
 * distinctive words on the feedback days (so it is plausible and imperfect). On the FEEDBACK_DAYS first
 * days a reader sees its keyword digest (top MAX_PAPERS) and votes: 👍 on every relevant paper shown, 👎 on
 * DISLIKE_SHARE of the others. On the remaining days precision@10 and nDCG@10 (binary relevance, the ideal
 * being the day's relevant papers) are measured for:
 *   - keyword only (today's digest);
 *   - learned, model vectors: embeddings from the fake OpenAI server (deterministic word projections,
 *     test/fakes/openai-server.ts), through the real Embedder, its SQLite cache and `openai` client;
 *   - learned, local vectors: the TF-IDF fallback (no key).
 * Learned runs sweep `learned_weight`, with `recommend` at its default. SIMULATIONS simulations (seeds
 * RANKING_SEED, RANKING_SEED + 1, ...: each its own split of days and its own readers) are pooled, since one
 * is a noisy judge; the default weight is the one with the best pooled mean nDCG@10 over both kinds of
 * vectors. Then what embeddings cost per listing, on a fresh store and again in a new process on the same
 * SQLite file (which should ask nothing).
 *
 *   npm run bench ranking                      (RANKING_SEED=<n> to simulate other readers)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFeed } from '../src/arxiv/feed.ts';
import { mergeAnnouncements } from '../src/arxiv/merge.ts';
import type { Paper } from '../src/arxiv/paper.ts';
import { configSchema } from '../src/config/schema.ts';
import { ListingIndex } from '../src/digest/listing-index.ts';
import { parseKeywordQuery } from '../src/digest/query.ts';
import { words } from '../src/digest/text.ts';
import { createEmbedder, type Embedder, type EmbeddingSet } from '../src/rank/embeddings.ts';
import { type RerankedPaper, rerank } from '../src/rank/learned.ts';
import { buildProfile, type Vote } from '../src/rank/profile.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../test/fakes/openai-server.ts';
import { readArxivPyRecording, readSharedFixture } from '../test/support/shared-fixtures.ts';

const SEED = Number(process.env.RANKING_SEED ?? 20_261_206);
/** Simulations pooled (seeds SEED, SEED + 1, ...): one split of days and one set of readers is a noisy judge. */
const SIMULATIONS = 4;
const DAYS = 8;
const FEEDBACK_DAYS = 5;
const READERS = 24;
const MAX_PAPERS = 30;
const DISLIKE_SHARE = 0.5;
const HALF_LIFE_DAYS = configSchema.parse({}).ranking.half_life_days;
const TERMS_PER_TOPIC = 2;
/** Categories with at least this many papers can be a reader's topic. */
const MIN_TOPIC_PAPERS = 20;
const WEIGHTS = [0, 0.25, 0.5, 1, 1.5, 2, 3, 4, 6];
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.parse('2024-11-28T00:00:00Z');

const API_RECORDINGS = [
  'q_testing_s0_m100_cfe7536492ca.json',
  'id_0808.05394_1707.08567_s0_m100_42e5aa0ec3af.json',
  'id_astro-ph_0601001_s0_m100_3150dca9dc76.json',
  'id_quant-ph_0201082v1_s0_m100_86989fe779ef.json',
];
const API_FILES = [
  'search_query=au_del_maestro.xml',
  'search_query=au_del_maestro+ANDNOT+ti_checkerboard_OR_ti_Pyrochlore.xml',
  'id_list=1111.2011v2.xml',
];

/** mulberry32: a small seeded PRNG, so a seed gives the same readers on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function shuffle<T>(items: readonly T[], rand: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** The listing and the API papers, shuffled into DAYS pseudo-days (the same for a seed). */
function pseudoDays(seed: number): Paper[][] {
  const listing = parseFeed(readSharedFixture('arxiv/rss/aioarxiv_rss_mock_feed.xml')).papers;
  const api = [
    ...API_RECORDINGS.map((name) => parseFeed(readArxivPyRecording(name).body).papers),
    ...API_FILES.map((name) => parseFeed(readSharedFixture(`arxiv/arxiv-py/${name}`)).papers),
  ].flat();
  const papers = mergeAnnouncements([...listing, ...api]);
  const shuffled = shuffle(papers, random(seed * 3));
  return Array.from({ length: DAYS }, (_, day) => shuffled.filter((_, i) => i % DAYS === day));
}

interface Reader {
  topics: string[];
  terms: string[];
  query: ReturnType<typeof parseKeywordQuery>;
}

const relevant = (reader: Reader, paper: Paper) => paper.categories.some((c) => reader.topics.includes(c));

/** The words that set a category's papers apart from the rest (document frequency lift), best first. */
function distinctiveWords(papers: readonly Paper[], category: string): string[] {
  const df = new Map<string, number>();
  const topicDf = new Map<string, number>();
  let topicSize = 0;
  for (const paper of papers) {
    const inTopic = paper.categories.includes(category);
    if (inTopic) topicSize++;
    for (const word of new Set(words(`${paper.title} ${paper.abstract}`))) {
      if (word.length < 4 || /\d/.test(word)) continue;
      df.set(word, (df.get(word) ?? 0) + 1);
      if (inTopic) topicDf.set(word, (topicDf.get(word) ?? 0) + 1);
    }
  }
  return [...topicDf]
    .filter(([, count]) => count >= 3)
    .map(([word, count]) => {
      const inTopic = count / topicSize;
      return [word, inTopic * Math.log(inTopic / ((df.get(word) ?? count) / papers.length))] as const;
    })
    .sort((a, b) => b[1] - a[1])
    .map(([word]) => word);
}

function makeReaders(days: Paper[][], seed: number): Reader[] {
  const rand = random(seed * 3 + 1);
  const feedback = days.slice(0, FEEDBACK_DAYS).flat();
  const counts = new Map<string, number>();
  for (const paper of days.flat())
    counts.set(paper.primaryCategory, (counts.get(paper.primaryCategory) ?? 0) + 1);
  const pool = [...counts].filter(([, n]) => n >= MIN_TOPIC_PAPERS).map(([category]) => category);
  const distinctive = new Map(pool.map((category) => [category, distinctiveWords(feedback, category)]));
  return Array.from({ length: READERS }, () => {
    const topics = shuffle(pool, rand).slice(0, 2 + Math.floor(rand() * 2));
    const terms = topics.flatMap((topic) =>
      shuffle((distinctive.get(topic) ?? []).slice(0, 10), rand).slice(0, TERMS_PER_TOPIC),
    );
    const unique = [...new Set(terms)];
    return { topics, terms: unique, query: parseKeywordQuery(unique.join(', ')) };
  });
}

interface Feedback {
  votes: Array<{ paper: Paper; kind: Vote['kind']; at: Date }>;
}

/** The feedback days: each reader's keyword digest, and its votes on it. */
function collectVotes(
  readers: readonly Reader[],
  indexes: readonly ListingIndex[],
  seed: number,
): Feedback[] {
  const rand = random(seed * 3 + 2);
  return readers.map((reader) => {
    const votes: Feedback['votes'] = [];
    for (let day = 0; day < FEEDBACK_DAYS; day++) {
      const at = new Date(FIRST_DAY + day * DAY_MS + 10 * 3_600_000);
      for (const { paper } of (indexes[day] as ListingIndex).rank(reader.query, { maxPapers: MAX_PAPERS })) {
        if (relevant(reader, paper)) votes.push({ paper, kind: 'like', at });
        else if (rand() < DISLIKE_SHARE) votes.push({ paper, kind: 'dislike', at });
      }
    }
    return { votes };
  });
}

interface Scores {
  precision: number;
  ndcg: number;
  /** Relevant recommended papers in the top 10, per reader-day. */
  recommendedHits: number;
}

function score(reader: Reader, shown: readonly RerankedPaper[], relevantToday: number): Scores {
  const top = shown.slice(0, 10);
  let dcg = 0;
  let hits = 0;
  let recommendedHits = 0;
  top.forEach((entry, rank) => {
    if (!relevant(reader, entry.paper)) return;
    hits++;
    dcg += 1 / Math.log2(rank + 2);
    if (entry.reasons?.recommended) recommendedHits++;
  });
  let ideal = 0;
  for (let rank = 0; rank < Math.min(10, relevantToday); rank++) ideal += 1 / Math.log2(rank + 2);
  return { precision: hits / 10, ndcg: ideal > 0 ? dcg / ideal : 0, recommendedHits };
}

class Mean {
  #sums: Scores = { precision: 0, ndcg: 0, recommendedHits: 0 };
  #n = 0;
  get count(): number {
    return this.#n;
  }
  add(scores: Scores): void {
    this.#sums.precision += scores.precision;
    this.#sums.ndcg += scores.ndcg;
    this.#sums.recommendedHits += scores.recommendedHits;
    this.#n++;
  }
  get value(): Scores {
    const n = this.#n || 1;
    return {
      precision: this.#sums.precision / n,
      ndcg: this.#sums.ndcg / n,
      recommendedHits: this.#sums.recommendedHits / n,
    };
  }
}

/** Embeds every pseudo-day's listing once, as the bot does at digest time; what each listing cost. */
async function embedListings(embedder: Embedder, days: readonly Paper[][]) {
  const costs: Array<{ requests: number; tokens: number; cached: number }> = [];
  for (const papers of days) {
    const before = embedder.usage;
    const set = await embedder.embed(papers);
    if (set.source !== 'model')
      throw new Error(`embeddings fell back to local vectors: ${set.fallbackReason}`);
    const after = embedder.usage;
    costs.push({
      requests: after.requests - before.requests,
      tokens: after.tokens - before.tokens,
      cached: after.cached - before.cached,
    });
  }
  return costs;
}

function embedderFor(store: Store, baseUrl: string | null): Embedder {
  const config = configSchema.parse(baseUrl ? { ai_summary: { base_url: baseUrl } } : {});
  return createEmbedder(config, { store, env: baseUrl ? { OPENAI_API_KEY: 'sk-bench' } : {} });
}

/** The second run, in its own process: a new store handle and Embedder on the same SQLite file. */
async function secondRun(storeFile: string, baseUrl: string): Promise<void> {
  const store = await openStore(`sqlite://${storeFile}`);
  const costs = await embedListings(embedderFor(store, baseUrl), pseudoDays(SEED));
  await store.close();
  process.stdout.write(JSON.stringify(costs));
}

function runChild(
  storeFile: string,
  baseUrl: string,
): Promise<Array<{ requests: number; tokens: number; cached: number }>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), '--second-run', storeFile, baseUrl],
      {
        env: { ...process.env, RANKING_SEED: String(SEED) },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`second run exited ${code}`)),
    );
  });
}

function costLine(
  label: string,
  costs: ReadonlyArray<{ requests: number; tokens: number; cached: number }>,
  papers: number,
) {
  const sum = (key: 'requests' | 'tokens' | 'cached') => costs.reduce((total, cost) => total + cost[key], 0);
  const per = (key: 'requests' | 'tokens' | 'cached') => (sum(key) / costs.length).toFixed(1);
  console.log(
    `${label.padEnd(34)} ${per('requests').padStart(6)} calls  ${per('tokens').padStart(9)} tokens  ${per('cached').padStart(6)} from the store   (${sum('requests')} calls, ${sum('tokens')} tokens for ${papers} papers in ${costs.length} listings)`,
  );
}

interface Simulation {
  seed: number;
  days: Paper[][];
  indexes: ListingIndex[];
  readers: Reader[];
  feedback: Feedback[];
}

function simulate(seed: number): Simulation {
  const days = pseudoDays(seed);
  const indexes = days.map((papers) => new ListingIndex(papers));
  const readers = makeReaders(days, seed);
  return { seed, days, indexes, readers, feedback: collectVotes(readers, indexes, seed) };
}

async function main(): Promise<void> {
  const simulations = Array.from({ length: SIMULATIONS }, (_, k) => simulate(SEED + k));
  const [first] = simulations as [Simulation];
  const papers = first.days.reduce((n, day) => n + day.length, 0);

  console.log(
    `simulation seed ${SEED}: ${SIMULATIONS} simulations, seeds ${SEED}-${SEED + SIMULATIONS - 1} (RANKING_SEED=${SEED} npm run bench ranking replays them)`,
  );
  console.log(
    `each: ${papers} papers (listing + API recordings) shuffled into ${DAYS} pseudo-days of ~${Math.round(papers / DAYS)}; ${READERS} readers; votes on days 1-${FEEDBACK_DAYS}, measured on days ${FEEDBACK_DAYS + 1}-${DAYS}`,
  );
  const votes = simulations.flatMap((simulation) => simulation.feedback.flatMap((f) => f.votes));
  const likes = votes.filter((v) => v.kind === 'like').length;
  const readers = SIMULATIONS * READERS;
  console.log(
    `votes per reader: ${(likes / readers).toFixed(1)} 👍, ${((votes.length - likes) / readers).toFixed(1)} 👎 (👍 on relevant papers shown, 👎 on ${DISLIKE_SHARE * 100}% of the others)`,
  );
  for (const reader of first.readers.slice(0, 3)) {
    console.log(`  e.g. a reader of ${reader.topics.join(' + ')} subscribed to: ${reader.terms.join(', ')}`);
  }

  const directory = mkdtempSync(join(tmpdir(), 'arxiv-digest-ranking-'));
  const storeFile = join(directory, 'store.sqlite');
  const server: FakeOpenAIServer = await startFakeOpenAIServer();
  try {
    // Cost, first run: a fresh store, the first simulation's listings (the others hold the same papers).
    const store = await openStore(`sqlite://${storeFile}`);
    const model = embedderFor(store, server.baseUrl);
    const firstCosts = await embedListings(model, first.days);
    const local = embedderFor(store, null);
    const recommend = configSchema.parse({}).ranking.recommend;

    const keyword = new Mean();
    const learned = new Map<string, Mean>();
    const mean = (key: string) => {
      const entry = learned.get(key) ?? new Mean();
      learned.set(key, entry);
      return entry;
    };
    const requestsBeforeEvaluation = server.embeddingRequests.length;
    for (const [k, { days, indexes, readers, feedback }] of simulations.entries()) {
      for (let day = FEEDBACK_DAYS; day < DAYS; day++) {
        const now = new Date(FIRST_DAY + day * DAY_MS + 8 * 3_600_000);
        const index = indexes[day] as ListingIndex;
        for (const [r, reader] of readers.entries()) {
          const relevantToday = (days[day] as Paper[]).filter((paper) => relevant(reader, paper)).length;
          if (relevantToday === 0) continue;
          const ranked = index.rank(reader.query);
          const hit = new Set(ranked.map((entry) => entry.paper.id));
          const candidates = (days[day] as Paper[]).filter((paper) => !hit.has(paper.id));
          const baseline = score(reader, ranked.slice(0, MAX_PAPERS), relevantToday);
          keyword.add(baseline);
          mean(`${k}|keyword`).add(baseline);
          const { votes } = feedback[r] as Feedback;
          for (const [source, embedder] of [
            ['model', model],
            ['local', local],
          ] as const) {
            const set: EmbeddingSet = await embedder.embed([
              ...(days[day] as Paper[]),
              ...votes.map((v) => v.paper),
            ]);
            const profile = buildProfile(
              votes.flatMap(({ paper, kind, at }) => {
                const vector = set.vectors.get(paper.id);
                return vector ? [{ paperId: paper.id, title: paper.title, vector, kind, at }] : [];
              }),
              { now, halfLifeDays: HALF_LIFE_DAYS, dimensions: set.dimensions },
            );
            for (const weight of WEIGHTS) {
              for (const n of [recommend, 0]) {
                const order = rerank(ranked, {
                  profile,
                  vectors: set.vectors,
                  weight,
                  candidates,
                  recommend: n,
                  maxPapers: MAX_PAPERS,
                });
                const scores = score(reader, order, relevantToday);
                mean(`${source}|${weight}|${n}`).add(scores);
                mean(`${k}|${source}|${weight}|${n}`).add(scores);
              }
            }
          }
        }
      }
    }
    const evaluationRequests = server.embeddingRequests.length - requestsBeforeEvaluation;
    await store.close();

    const base = keyword.value;
    const f = (x: number) => x.toFixed(3);
    console.log(
      `\nheld-out days: mean over ${keyword.count} reader-days with a relevant paper; recommend = ${recommend}; rec = relevant recommended papers in the top 10`,
    );
    console.log('                         model vectors (fake server)     local vectors (TF-IDF)');
    console.log('ranking                  P@10   nDCG@10  rec             P@10   nDCG@10  rec');
    console.log(
      `keyword only             ${f(base.precision)}  ${f(base.ndcg)}                   ${f(base.precision)}  ${f(base.ndcg)}`,
    );
    let best = { weight: 0, ndcg: Number.NEGATIVE_INFINITY };
    for (const weight of WEIGHTS) {
      const model = mean(`model|${weight}|${recommend}`).value;
      const local = mean(`local|${weight}|${recommend}`).value;
      console.log(
        `learned w=${String(weight).padEnd(13)} ${f(model.precision)}  ${f(model.ndcg)}    ${model.recommendedHits.toFixed(2)}            ${f(local.precision)}  ${f(local.ndcg)}    ${local.recommendedHits.toFixed(2)}`,
      );
      const both = (model.ndcg + local.ndcg) / 2;
      if (both > best.ndcg + 1e-9) best = { weight, ndcg: both };
    }
    const chosen = best.weight;
    console.log(`\nchosen ranking.learned_weight = ${chosen} (best mean nDCG@10 of model and local vectors)`);
    const configured = configSchema.parse({}).ranking.learned_weight;
    console.log(
      `configured default: ${configured}${configured === chosen ? '' : '  <-- differs: update src/config/schema.ts'}`,
    );
    for (const source of ['model', 'local']) {
      const withRecs = mean(`${source}|${chosen}|${recommend}`).value;
      const without = mean(`${source}|${chosen}|0`).value;
      console.log(
        `at w=${chosen}, ${source}: P@10 ${f(withRecs.precision)} (${f(withRecs.precision - base.precision)} over keyword), nDCG@10 ${f(withRecs.ndcg)} (${f(withRecs.ndcg - base.ndcg)}); with recommend = 0: P@10 ${f(without.precision)}, nDCG@10 ${f(without.ndcg)}`,
      );
    }

    console.log(`\neach simulation at w=${chosen} (nDCG@10: keyword / model / local)`);
    for (const { seed } of simulations) {
      const k = seed - SEED;
      const at = (source: string) => f(mean(`${k}|${source}|${chosen}|${recommend}`).value.ndcg);
      console.log(`  seed ${seed}: ${f(mean(`${k}|keyword`).value.ndcg)} / ${at('model')} / ${at('local')}`);
    }

    console.log('\nembedding cost per listing (fake server; tokens are its estimate, characters / 4)');
    costLine('first run (fresh SQLite store)', firstCosts, papers);
    console.log(`evaluation (every reader-day again): ${evaluationRequests} more calls`);
    const before = server.embeddingRequests.length;
    const secondCosts = await runChild(storeFile, server.baseUrl);
    costLine('second run (new process, same file)', secondCosts, papers);
    console.log(`requests the server saw during the second run: ${server.embeddingRequests.length - before}`);
  } finally {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--second-run') {
  await secondRun(process.argv[3] as string, process.argv[4] as string);
} else {
  await main();
}
