/**
 * The digest engine: the arXiv client, the ranking and the summarizer put together. The CLI and the bot
 * both make digests through it, so a digest on the command line is the digest a channel gets.
 */
import { ArxivClient, arxivClientOptions, type RequestEvent } from './arxiv/client.ts';
import { filterAnnounceTypes, mergeAnnouncements } from './arxiv/merge.ts';
import type { Paper } from './arxiv/paper.ts';
import { sharedRateGate } from './arxiv/rate-gate.ts';
import { SharedRateGate } from './arxiv/shared-gate.ts';
import type { Config } from './config/schema.ts';
import { attachSummaries, buildDigest, type Digest, unrankedPapers } from './digest/digest.ts';
import { ListingIndex } from './digest/listing-index.ts';
import type { KeywordQuery } from './digest/query.ts';
import { type Logger, silentLogger } from './log.ts';
import { createEmbedder, type Embedder } from './rank/embeddings.ts';
import { learnedRanking, type RerankedPaper, type VotedPaper } from './rank/learned.ts';
import type { Store } from './store/index.ts';
import { ClaimRepository } from './store/repositories/claims.ts';
import type { ProfileVote } from './store/repositories/votes.ts';
import { createSummarizer, type Summarizer } from './summarize/index.ts';
import { closePdfPool } from './summarize/pdf.ts';
import type { UsageTotals } from './summarize/usage.ts';
import { VERSION } from './version.ts';

export interface Engine {
  config: Config;
  client: ArxivClient;
  /** Made on first use, so a run that needs no summary neither builds it nor warns about a missing key. */
  readonly summarizer: Summarizer;
  /**
   * The embedder of the learned ranking (src/rank/embeddings.ts). Made on first use, so only a digest for
   * a target with votes builds it (and warns, once, when there is no key and vectors are local).
   */
  readonly embedder: Embedder;
  logger: Logger;
  /** Waits for summaries still running in the background (they fill the cache), then releases them. */
  close(): Promise<void>;
  /** Resolves when no summary is running in the background. */
  idle(): Promise<void>;
}

export interface EngineOptions {
  config: Config;
  store: Store;
  logger?: Logger;
  /** Where the summarizer reads its API key (by the name `ai_summary.api_key_env` gives). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  onArxivRequest?: (event: RequestEvent) => void;
}

export function createEngine(options: EngineOptions): Engine {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  const arxivLogger = logger.child({ module: 'arxiv' });
  // Replicas sharing a Redis or Postgres store space their arXiv requests together (src/arxiv/shared-gate.ts);
  // with the embedded SQLite store the process-wide gate is enough.
  const gate = options.store.shared
    ? new SharedRateGate({
        store: options.store,
        minIntervalMs: config.arxiv.min_interval_ms,
        requestTimeoutMs: config.arxiv.timeout_ms,
        local: sharedRateGate(config.arxiv.min_interval_ms),
        logger: arxivLogger,
      })
    : undefined;
  const client = new ArxivClient({
    ...arxivClientOptions(config.arxiv, VERSION),
    ...(gate ? { gate } : {}),
    logger: arxivLogger,
    ...(options.onArxivRequest ? { onRequest: options.onArxivRequest } : {}),
  });
  let summarizer: Summarizer | null = null;
  const makeSummarizer = () =>
    createSummarizer(config.ai_summary, {
      cache: options.store.namespace('summaries'),
      // Replicas sharing a store make each summary once (one model call), not once each.
      claims: options.store.shared ? new ClaimRepository(options.store) : null,
      download: (url, opts) => client.download(url, opts),
      htmlBaseUrl: config.arxiv.html_url,
      pdfBaseUrl: config.arxiv.pdf_url,
      maxResponseBytes: config.ai_summary.max_response_bytes,
      logger: logger.child({ module: 'summarize' }),
      ...(options.env ? { env: options.env } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
  let embedder: Embedder | null = null;
  const makeEmbedder = () =>
    createEmbedder(config, {
      store: options.store,
      logger: logger.child({ module: 'rank' }),
      ...(options.env ? { env: options.env } : {}),
    });
  return {
    config,
    client,
    logger,
    get summarizer() {
      summarizer ??= makeSummarizer();
      return summarizer;
    },
    get embedder() {
      embedder ??= makeEmbedder();
      return embedder;
    },
    idle: async () => summarizer?.idle(),
    close: async () => {
      await summarizer?.close();
      await closePdfPool();
    },
  };
}

export interface Listing {
  /** Merged (one Paper per id) and limited to the configured announce types. */
  papers: Paper[];
  /** The announcement date, `YYYY-MM-DD`, or null when the feed does not say. */
  announced: string | null;
  url: string;
}

/** Today's announcements for these categories, in one combined request. */
export async function fetchListing(engine: Engine, categories: readonly string[]): Promise<Listing> {
  const { url, feed } = await engine.client.fetchListing(categories);
  return { papers: selectAnnouncements(engine.config, feed.papers), announced: feed.announced, url };
}

/** Merges duplicate announcements and keeps the configured announce types (all papers of a search). */
export function selectAnnouncements(config: Config, papers: readonly Paper[]): Paper[] {
  const merged = mergeAnnouncements(papers);
  const announced = merged.some((paper) => paper.announceType !== null);
  return announced ? filterAnnounceTypes(merged, config.announce_types) : merged;
}

export function indexListing(engine: Engine, papers: readonly Paper[]): ListingIndex {
  return new ListingIndex(papers, { mode: engine.config.match, logger: engine.logger });
}

export interface DigestRequest {
  query: KeywordQuery;
  categories: readonly string[];
  maxPapers: number;
  minScore: number;
  /** Followed authors (Subscription.authors): their papers join the digest whatever their score. */
  authors?: readonly string[];
  /**
   * The target's votes (VoteRepository.forProfile, oldest first). With any, the keyword ranking is reordered
   * by what the target liked and disliked, and may recommend a few papers (src/rank/learned.ts); without,
   * the digest is the keyword one.
   */
  votes?: readonly ProfileVote[];
  target?: string | null;
  title?: string;
  /** Whether to ask for TL;DRs and the top structured summaries. */
  summaries: boolean;
  /** Structured summaries for this many of the top papers (`ai_summary.max_papers_to_summarize`). */
  fullSummaries?: number;
  /** The digest goes out with the summaries ready by then. */
  deadline?: Date;
  now?: Date;
}

export interface DigestResult {
  digest: Digest;
  /** Summaries not ready by the deadline; they finish in the background and land in the cache. */
  pending: number;
  usage: UsageTotals | null;
}

/** Ranks one target's digest from an indexed listing, with the summaries that are ready by the deadline. */
export async function makeDigest(
  engine: Engine,
  listing: ListingIndex,
  request: DigestRequest,
): Promise<DigestResult> {
  const learned = await learnedOrder(engine, listing, request);
  const digest = buildDigest({
    listing,
    query: request.query,
    categories: request.categories,
    maxPapers: request.maxPapers,
    minScore: request.minScore,
    ...(request.authors ? { authors: request.authors } : {}),
    // Followed authors' papers stay first (they were chosen explicitly), then the learned order: buildDigest
    // puts them before whatever ranking it is given. Summaries below are made for this final list.
    ...(learned ? { ranked: learned } : {}),
    target: request.target ?? null,
    ...(request.title ? { title: request.title } : {}),
    ...(request.now ? { now: request.now } : {}),
    logger: engine.logger,
  });
  if (!request.summaries || digest.papers.length === 0) return { digest, pending: 0, usage: null };
  const shown = digest.papers.map((ranked) => ranked.paper);
  const full = request.fullSummaries ?? engine.config.ai_summary.max_papers_to_summarize;
  const summaries = await engine.summarizer.summarizeDigest({
    tldrFor: shown,
    fullFor: shown.slice(0, full),
    deadline:
      request.deadline ?? new Date(Date.now() + engine.config.ai_summary.digest_deadline_seconds * 1000),
  });
  return {
    digest: attachSummaries(digest, summaries.byPaper),
    pending: summaries.pending.tldr.length + summaries.pending.full.length,
    usage: summaries.usage,
  };
}

/**
 * The target's learned ranking of the listing, or null when it has no usable vote (the digest is then the
 * keyword one, exactly). The keyword ranking is taken without maxPapers: learnedRanking cuts after
 * reordering. If the embeddings endpoint fails, learnedRanking falls back to local vectors.
 */
async function learnedOrder(
  engine: Engine,
  listing: ListingIndex,
  request: DigestRequest,
): Promise<RerankedPaper[] | null> {
  const votes = votedPapers(listing, request.votes ?? []);
  if (votes.length === 0) return null;
  const { query, categories } = request;
  const { papers, source } = await learnedRanking({
    ranked: listing.rank(query, { minScore: request.minScore, categories }),
    candidates: unrankedPapers(listing, query, categories),
    votes,
    embedder: engine.embedder,
    now: request.now ?? new Date(),
    settings: engine.config.ranking,
    maxPapers: request.maxPapers,
  });
  engine.logger.debug(
    { target: request.target ?? null, votes: votes.length, source, papers: papers.length },
    'learned ranking',
  );
  return papers;
}

/**
 * Each vote with its paper: the listing's when it is there, else one made of the title and abstract kept
 * with the vote (enough to embed it again). A vote with neither is skipped.
 */
function votedPapers(listing: ListingIndex, votes: readonly ProfileVote[]): VotedPaper[] {
  if (votes.length === 0) return [];
  const listed = new Map(listing.papers.map((paper) => [paper.id, paper]));
  return votes.flatMap((vote): VotedPaper[] => {
    const paper = listed.get(vote.paperId) ?? storedPaper(vote);
    return paper ? [{ paper, kind: vote.kind, at: vote.at }] : [];
  });
}

function storedPaper(vote: ProfileVote): Paper | null {
  if (!vote.title && !vote.abstract) return null;
  return {
    id: vote.paperId,
    version: vote.version ?? null,
    title: vote.title ?? '',
    authors: [],
    abstract: vote.abstract ?? '',
    categories: [],
    primaryCategory: '',
    announceType: null,
    published: null,
    updated: null,
    announced: null,
    absUrl: '',
    pdfUrl: '',
    doi: null,
    journalRef: null,
    comment: null,
  };
}
